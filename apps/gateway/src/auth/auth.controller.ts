import { Body, Controller, Get, HttpCode, HttpStatus, Ip, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthTokens, GuestTokens, LoginReply, PublicUser } from '@hihi/contracts';
import {
  AuthTokensDto,
  ErrorBodyDto,
  GuestDto,
  GuestTokensDto,
  LoginDto,
  LogoutDto,
  PublicUserDto,
  RefreshDto,
  RegisterDto,
} from '@hihi/dto';
import { CorrelationId } from '../common/correlation-id.decorator';
import { AuthGatewayService } from './auth.service';
import { AllowGuests, TokenScopes, UserOnly } from './guards';
import { CurrentUser } from './current-user.decorator';
import type { AuthUser } from './jwt.strategy';

/** Accounts: register, sign in, refresh (rotation), sign out, guest sessions (docs/api.md). */
@ApiTags('auth')
@ApiBadRequestResponse({ description: 'invalid or malformed body', type: ErrorBodyDto })
@ApiPayloadTooLargeResponse({ description: 'body larger than 16 KiB', type: ErrorBodyDto })
@ApiServiceUnavailableResponse({ description: 'the auth service is unavailable', type: ErrorBodyDto })
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthGatewayService) {}

  @Post('register')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Create an account and sign in' })
  @ApiCreatedResponse({ type: AuthTokensDto })
  @ApiConflictResponse({ description: 'username taken or reserved', type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({
    description: 'too many registrations from this address (Retry-After)',
    type: ErrorBodyDto,
  })
  register(@Body() dto: RegisterDto, @Ip() ip: string, @CorrelationId() correlationId: string): Promise<AuthTokens> {
    return this.auth.register(dto, ip, correlationId);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in; rememberMe decides a 30-day or a browser-session refresh token' })
  @ApiOkResponse({
    type: AuthTokensDto,
    description: 'tokens; or, with 2FA on, {mfaRequired: true, mfaToken, methods}',
  })
  @ApiUnauthorizedResponse({ description: 'wrong username or password (one response for both)', type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({
    description: 'too many failed attempts for this account or address (Retry-After)',
    type: ErrorBodyDto,
  })
  login(@Body() dto: LoginDto, @Ip() ip: string, @CorrelationId() correlationId: string): Promise<LoginReply> {
    return this.auth.login(dto, ip, correlationId);
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'New access and refresh tokens (the refresh token rotates); an already-used refresh token revokes its session',
  })
  @ApiOkResponse({ type: AuthTokensDto })
  @ApiUnauthorizedResponse({ description: 'invalid, expired, revoked or reused refresh token', type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({ description: 'too many refreshes from this address (Retry-After)', type: ErrorBodyDto })
  refresh(@Body() dto: RefreshDto, @Ip() ip: string, @CorrelationId() correlationId: string): Promise<AuthTokens> {
    return this.auth.refresh(dto, ip, correlationId);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Sign out: revoke the session of this refresh token' })
  @ApiNoContentResponse({ description: 'signed out (also for an unknown token)' })
  async logout(@Body() dto: LogoutDto, @CorrelationId() correlationId: string): Promise<void> {
    await this.auth.logout(dto, correlationId);
  }

  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sign out everywhere: revoke every session of the signed-in account (accounts only)' })
  @ApiNoContentResponse({ description: 'every refresh token of the account stops working' })
  @ApiUnauthorizedResponse({ description: 'missing, invalid or expired access token', type: ErrorBodyDto })
  @ApiForbiddenResponse({ description: 'guests have no sessions to revoke', type: ErrorBodyDto })
  async logoutAll(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<void> {
    await this.auth.logoutAll(user, correlationId);
  }

  @Post('guest')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'A guest session (no account, no refresh token): the duck room only' })
  @ApiCreatedResponse({ type: GuestTokensDto })
  @ApiTooManyRequestsResponse({
    description: 'too many guest sessions from this address (Retry-After)',
    type: ErrorBodyDto,
  })
  guest(@Body() dto: GuestDto, @Ip() ip: string, @CorrelationId() correlationId: string): Promise<GuestTokens> {
    return this.auth.guest(dto, ip, correlationId);
  }
}

@ApiTags('auth')
@Controller('api')
export class MeController {
  constructor(private readonly auth: AuthGatewayService) {}

  @Get('me')
  @UseGuards(AllowGuests)
  @TokenScopes()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user (or the guest)' })
  @ApiOkResponse({ type: PublicUserDto })
  @ApiUnauthorizedResponse({ description: 'missing, invalid or expired access token', type: ErrorBodyDto })
  me(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<PublicUser> {
    return this.auth.me(user, correlationId);
  }
}

import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Ip,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { GatewayConfig } from '@hihi/config';
import {
  AdminUser,
  AdminUsersPage,
  AUTH_PATTERNS,
  AuditPage,
  CHAT_PATTERNS,
  InviteCreated,
  PasswordResetLink,
  RESET_PASSWORD_PATH,
  ServerSettings,
  ServerStats,
} from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import {
  AdminReasonDto,
  AdminUserPatchDto,
  AdminUsersQueryDto,
  AuditQueryDto,
  ErrorBodyDto,
  InviteCreateDto,
  PasswordResetDto,
  ServerSettingsUpdateDto,
} from '@hihi/dto';
import { AUTH_BUS, CHAT_BUS } from '../bus/bus.module';
import { PresenceService } from '../chat/presence.service';
import { CorrelationId } from '../common/correlation-id.decorator';
import { unwrap } from '../common/bus-http';
import { AuthUser, CurrentUser, OriginPolicy, publicUser, RateLimitService, UserOnly } from '../auth';

/** Resets tried per client address per window (the token is 256 random bits; this stops floods). */
const RESET_LIMIT = 20;

/**
 * Administration (SPEC §8 "Server admins and owner"; docs/api.md "Administration"). The gateway
 * only authenticates and forwards with the caller as `actor`: auth decides on the caller's stored
 * server role (one check, AdminPolicy), so a client cannot get past it whatever it shows.
 * Links are built here from PUBLIC_ORIGIN (or the request's own origin), with the token in the
 * URL fragment so that it never reaches a server log or a Referer header.
 */
@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no valid access token', type: ErrorBodyDto })
@ApiForbiddenResponse({
  description: 'not a server admin or owner, or the target is above the caller',
  type: ErrorBodyDto,
})
@ApiServiceUnavailableResponse({ description: 'the auth service is unavailable', type: ErrorBodyDto })
@UseGuards(UserOnly)
@Controller('api/admin')
export class AdminController {
  constructor(
    @Inject(AUTH_BUS) private readonly auth: BusClient,
    private readonly config: GatewayConfig,
    private readonly origins: OriginPolicy,
    @Inject(CHAT_BUS) private readonly chat: BusClient,
    private readonly presence: PresenceService,
  ) {}

  private ctx(user: AuthUser, correlationId: string) {
    return { correlationId, actor: publicUser(user) };
  }

  private origin(req: Request): string {
    return this.config.PUBLIC_ORIGIN ?? this.origins.requestOrigin(req) ?? '';
  }

  @Get('users')
  @ApiOperation({ summary: 'Accounts: search by username or display name, filter by role and status, paged' })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  async users(
    @Query() q: AdminUsersQueryDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<AdminUsersPage> {
    return unwrap(await this.auth.call(AUTH_PATTERNS.adminUsers, { ...q }, this.ctx(user, id)));
  }

  @Patch('users/:id')
  @ApiOperation({ summary: 'Change an account’s server role (not above one’s own, not of someone above)' })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ description: 'the last owner cannot be demoted', type: ErrorBodyDto })
  async update(
    @Param('id') userId: string,
    @Body() body: AdminUserPatchDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<AdminUser> {
    return unwrap(await this.auth.call(AUTH_PATTERNS.adminUserUpdate, { userId, ...body }, this.ctx(user, id)));
  }

  @Post('users/:id/deactivate')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Deactivate: every session revoked, sign-in refused like a wrong password' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async deactivate(
    @Param('id') userId: string,
    @Body() body: AdminReasonDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<void> {
    unwrap(await this.auth.call(AUTH_PATTERNS.adminDeactivate, { userId, ...body }, this.ctx(user, id)));
  }

  @Post('users/:id/reactivate')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Reactivate a deactivated account (it signs in again with its password)' })
  @ApiNoContentResponse()
  async reactivate(
    @Param('id') userId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<void> {
    unwrap(await this.auth.call(AUTH_PATTERNS.adminReactivate, { userId }, this.ctx(user, id)));
  }

  @Post('users/:id/password-reset')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'A one-time password-reset link (30 min) for the admin to pass on' })
  async passwordReset(
    @Param('id') userId: string,
    @Req() req: Request,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<PasswordResetLink> {
    const r = unwrap(await this.auth.call(AUTH_PATTERNS.adminPasswordReset, { userId }, this.ctx(user, id)));
    return { resetUrl: `${this.origin(req)}${RESET_PASSWORD_PATH}#token=${r.token}`, expiresAt: r.expiresAt };
  }

  @Get('settings')
  @ApiOperation({ summary: 'Registration mode and guests' })
  async settings(@CurrentUser() user: AuthUser, @CorrelationId() id: string): Promise<ServerSettings> {
    return unwrap(await this.auth.call(AUTH_PATTERNS.adminSettings, {}, this.ctx(user, id)));
  }

  @Patch('settings')
  @ApiOperation({ summary: 'Set registration (open, invite, closed) and guests (on/off)' })
  async updateSettings(
    @Body() body: ServerSettingsUpdateDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<ServerSettings> {
    return unwrap(await this.auth.call(AUTH_PATTERNS.adminSettingsUpdate, { ...body }, this.ctx(user, id)));
  }

  @Post('invites')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'An invite link (max uses, expiry) for registration in `invite` mode' })
  async invite(
    @Body() body: InviteCreateDto,
    @Req() req: Request,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<InviteCreated> {
    const r = unwrap(await this.auth.call(AUTH_PATTERNS.adminInviteCreate, { ...body }, this.ctx(user, id)));
    return { ...r, url: `${this.origin(req)}/register#invite=${r.token}` };
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit log, newest first, filtered by actor and action (admins and the owner)' })
  async audit(
    @Query() q: AuditQueryDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<AuditPage> {
    return unwrap(await this.auth.call(AUTH_PATTERNS.adminAudit, { ...q }, this.ctx(user, id)));
  }

  @Get('stats')
  @ApiOperation({ summary: 'Server figures: accounts (auth), rooms and messages (chat), people online (presence)' })
  async stats(@CurrentUser() user: AuthUser, @CorrelationId() id: string): Promise<ServerStats> {
    // auth decides who may (AdminPolicy); chat checks the caller's role again for its figures
    const accounts = unwrap(await this.auth.call(AUTH_PATTERNS.adminStats, {}, this.ctx(user, id)));
    const [chat, online] = await Promise.all([
      this.chat.call(CHAT_PATTERNS.stats, {}, this.ctx(user, id)),
      this.presence.onlineCount().catch(() => null),
    ]);
    // a figure that cannot be had now stays null (the accounts' figures still answer)
    return {
      ...accounts,
      rooms: chat.ok ? chat.data.rooms : null,
      messages: chat.ok ? chat.data.messages : null,
      messagesToday: chat.ok ? chat.data.messagesToday : null,
      online,
    };
  }
}

/** POST /api/auth/reset: a reset link's token and a new password; every session is revoked. */
@ApiTags('auth')
@Controller('api/auth')
export class PasswordResetController {
  constructor(
    @Inject(AUTH_BUS) private readonly auth: BusClient,
    private readonly limits: RateLimitService,
    private readonly config: GatewayConfig,
  ) {}

  @Post('reset')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Set a new password with a one-time reset link; every session of the account ends' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'malformed token or a refused password', type: ErrorBodyDto })
  @ApiUnauthorizedResponse({ description: 'unknown, expired or used link', type: ErrorBodyDto })
  async reset(@Body() body: PasswordResetDto, @Ip() ip: string, @CorrelationId() correlationId: string): Promise<void> {
    await this.limits.consume('reset-ip', ip, RESET_LIMIT, this.config.RATE_LIMIT_WINDOW_SEC, 'too many attempts');
    unwrap(await this.auth.call(AUTH_PATTERNS.passwordReset, { ...body }, { correlationId }));
  }
}

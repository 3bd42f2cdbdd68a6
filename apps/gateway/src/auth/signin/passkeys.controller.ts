import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Ip,
  Param,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import {
  AUTH_PATTERNS,
  AuthTokens,
  PasskeyInfo,
  SIGNIN_PATTERNS,
  SigninMethods,
  WebAuthnOptionsJson,
} from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { AuthTokensDto, ErrorBodyDto, PasskeyLoginDto, PasskeyRegisterDto } from '@hihi/dto';
import { AUTH_BUS } from '../../bus/bus.module';
import { ApiHttpException, unwrap } from '../../common/bus-http';
import { CorrelationId } from '../../common/correlation-id.decorator';
import { ChatProvisioner } from '../../chat/chat-provisioner';
import { AttemptOutcome, LoginLimiter } from '../login-limiter';
import { UserOnly } from '../guards';
import { CurrentUser, publicUser } from '../current-user.decorator';
import type { AuthUser } from '../jwt.strategy';
import { SigninPolicy } from './signin-policy';
import { RateLimitService } from '../rate-limit.service';
import { GatewayConfig } from '@hihi/config';

/** Passkey sign-ins are counted under the sign-in limits per address with this account key. */
const PASSKEY_ACCOUNT = '\u0000passkey';
/** How long the methods answer waits for auth's admission settings before answering without them. */
const ADMISSION_TIMEOUT_MS = 1500;

/** Passkeys (WebAuthn): enrol several, name and revoke them; sign in with no username (SPEC §12). */
@ApiTags('passkeys')
@Controller('api')
export class PasskeysController {
  constructor(
    @Inject(AUTH_BUS) private readonly bus: BusClient,
    private readonly policy: SigninPolicy,
    private readonly logins: LoginLimiter,
    private readonly chat: ChatProvisioner,
    private readonly limits: RateLimitService,
    private readonly config: GatewayConfig,
  ) {}

  @Get('auth/methods')
  @ApiTags('auth')
  @ApiOperation({ summary: 'The sign-in methods this server offers (password, registration, passkeys, SSO)' })
  @ApiOkResponse({ description: '{password, registration, passkeys, oidc?: {name}, registrationMode?, guests?}' })
  async methods(@CorrelationId() correlationId: string): Promise<SigninMethods> {
    const methods = this.policy.methods();
    // who may come in (registration mode, guests), so that the pages can say it before anyone types;
    // without auth's answer (slow or down) the pages still work and learn it from the refusal
    const admission = await this.bus
      .call(AUTH_PATTERNS.admission, {}, { correlationId, timeoutMs: ADMISSION_TIMEOUT_MS })
      .catch(() => null);
    if (!admission?.ok) return methods;
    return {
      ...methods,
      // single sign-on only: nobody registers with a password, whatever the admins chose
      registrationMode: methods.registration ? admission.data.registration : 'closed',
      guests: admission.data.guests,
    };
  }

  @Post('me/passkeys/options')
  @HttpCode(HttpStatus.OK)
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Creation options for navigator.credentials.create (resident key, user verification)' })
  async regOptions(
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @CorrelationId() correlationId: string,
  ): Promise<WebAuthnOptionsJson> {
    return unwrap(
      await this.bus.call(
        SIGNIN_PATTERNS.passkeyRegOptions,
        { userId: user.id, ...this.policy.relyingParty(req) },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Post('me/passkeys')
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Register a passkey: {credential, name?}' })
  @ApiCreatedResponse({ description: '{id, name, createdAt, backupEligible, backedUp}' })
  async register(
    @CurrentUser() user: AuthUser,
    @Body() dto: PasskeyRegisterDto,
    @Req() req: Request,
    @CorrelationId() correlationId: string,
  ): Promise<PasskeyInfo> {
    return unwrap(
      await this.bus.call(
        SIGNIN_PATTERNS.passkeyRegister,
        { userId: user.id, ...this.policy.relyingParty(req), credential: dto.credential, name: dto.name },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Get('me/passkeys')
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The caller's passkeys" })
  async list(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<PasskeyInfo[]> {
    return unwrap(
      await this.bus.call(SIGNIN_PATTERNS.passkeyList, { userId: user.id }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Delete('me/passkeys/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke a passkey' })
  @ApiNoContentResponse({ description: 'the passkey no longer signs in' })
  async remove(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    if (!/^[a-f0-9]{24}$/.test(id)) throw new ApiHttpException(404, 'no such passkey');
    unwrap(
      await this.bus.call(
        SIGNIN_PATTERNS.passkeyRemove,
        { userId: user.id, id },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Post('auth/passkey/options')
  @HttpCode(HttpStatus.OK)
  @ApiTags('auth')
  @ApiOperation({ summary: 'Request options for navigator.credentials.get (no username: discoverable credentials)' })
  async loginOptions(
    @Req() req: Request,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<WebAuthnOptionsJson> {
    // each answer stores a challenge: limited per address like refreshes
    await this.limits.consume(
      'passkey-options-ip',
      ip,
      this.config.REFRESH_RATE_LIMIT,
      this.config.RATE_LIMIT_WINDOW_SEC,
    );
    return unwrap(
      await this.bus.call(SIGNIN_PATTERNS.passkeyLoginOptions, this.policy.relyingParty(req), { correlationId }),
    );
  }

  /** Counted by the sign-in limits per address; no second factor after a passkey. */
  @Post('auth/passkey')
  @HttpCode(HttpStatus.OK)
  @ApiTags('auth')
  @ApiOperation({ summary: 'Sign in with a passkey: {credential, rememberMe?} → tokens' })
  @ApiOkResponse({ type: AuthTokensDto })
  @ApiUnauthorizedResponse({ description: 'unknown, replayed or unverifiable assertion', type: ErrorBodyDto })
  async login(
    @Body() dto: PasskeyLoginDto,
    @Req() req: Request,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<AuthTokens> {
    const rp = this.policy.relyingParty(req);
    const attempt = await this.logins.reserve(PASSKEY_ACCOUNT, ip);
    let outcome: AttemptOutcome = 'void';
    let tokens: AuthTokens;
    try {
      const res = await this.bus.call(SIGNIN_PATTERNS.passkeyLogin, { ...rp, ...dto }, { correlationId });
      if (res.ok) outcome = 'ok';
      else if (res.error.code === 'unauthorized') outcome = 'failed';
      tokens = unwrap(res);
    } finally {
      await attempt.settle(outcome);
    }
    return this.chat.provision(tokens, correlationId);
  }
}

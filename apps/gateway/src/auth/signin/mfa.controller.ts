import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Ip, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { GatewayConfig } from '@hihi/config';
import { AuthTokens, MfaStatus, RecoveryCodes, SIGNIN_PATTERNS, TotpEnrolment } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { verifyMfaToken } from '@hihi/common/mfa-token';
import { AuthTokensDto, ErrorBodyDto, MfaLoginDto, TotpConfirmDto, TotpDisableDto } from '@hihi/dto';
import { AUTH_BUS } from '../../bus/bus.module';
import { unwrap, ApiHttpException } from '../../common/bus-http';
import { CorrelationId } from '../../common/correlation-id.decorator';
import { ChatProvisioner } from '../../chat/chat-provisioner';
import { AttemptOutcome, LoginLimiter } from '../login-limiter';
import { UserOnly } from '../guards';
import { CurrentUser, publicUser } from '../current-user.decorator';
import type { AuthUser } from '../jwt.strategy';

/** The sign-in limits count wrong second steps under this account key when the token says none. */
const UNKNOWN_ACCOUNT = '\u0000mfa';

/** TOTP two-factor: enrol, confirm, turn off, and the second step of a sign-in (SPEC §12). */
@ApiTags('two-factor')
@Controller('api')
export class MfaController {
  constructor(
    @Inject(AUTH_BUS) private readonly bus: BusClient,
    private readonly logins: LoginLimiter,
    private readonly chat: ChatProvisioner,
    private readonly config: GatewayConfig,
  ) {}

  @Get('me/2fa')
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Which second factors are on (TOTP, recovery codes left, passkeys)' })
  @ApiOkResponse({ description: '{totp, recoveryCodesLeft, passkeys}' })
  async status(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<MfaStatus> {
    return unwrap(
      await this.bus.call(SIGNIN_PATTERNS.mfaStatus, { userId: user.id }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Post('me/2fa/totp')
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Start TOTP enrolment: a new secret and its otpauth:// URL (for the QR code)' })
  @ApiCreatedResponse({ description: '{secret, otpauthUrl}' })
  async enrol(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<TotpEnrolment> {
    return unwrap(
      await this.bus.call(SIGNIN_PATTERNS.totpEnrol, { userId: user.id }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Post('me/2fa/totp/confirm')
  @HttpCode(HttpStatus.OK)
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Confirm with a first code: 2FA on; answers the 10 recovery codes, this once' })
  @ApiOkResponse({ description: '{recoveryCodes: string[10]}' })
  async confirm(
    @CurrentUser() user: AuthUser,
    @Body() dto: TotpConfirmDto,
    @CorrelationId() correlationId: string,
  ): Promise<RecoveryCodes> {
    return unwrap(
      await this.bus.call(
        SIGNIN_PATTERNS.totpConfirm,
        { userId: user.id, code: dto.code },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  /** Turning 2FA off takes the password and a code; wrong ones count toward the sign-in limits. */
  @Delete('me/2fa/totp')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(UserOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Turn TOTP off: {password, code} (a current code or a recovery code)' })
  @ApiNoContentResponse({ description: 'two-factor authentication is off; the recovery codes are gone' })
  @ApiUnauthorizedResponse({ description: 'wrong password or code', type: ErrorBodyDto })
  async disable(
    @CurrentUser() user: AuthUser,
    @Body() dto: TotpDisableDto,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    await this.limited(user.username.normalize('NFKC').toLowerCase(), ip, async () =>
      this.bus.call(
        SIGNIN_PATTERNS.totpDisable,
        { userId: user.id, password: dto.password, code: dto.code },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Post('auth/login/mfa')
  @HttpCode(HttpStatus.OK)
  @ApiTags('auth')
  @ApiOperation({ summary: 'The second step of a sign-in: {mfaToken, code | recoveryCode} → tokens' })
  @ApiOkResponse({ type: AuthTokensDto })
  @ApiUnauthorizedResponse({ description: 'wrong, reused or expired code, or an expired mfaToken', type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({ description: 'too many failed attempts (the sign-in limits)', type: ErrorBodyDto })
  async loginMfa(
    @Body() dto: MfaLoginDto,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<AuthTokens> {
    if ((dto.code === undefined) === (dto.recoveryCode === undefined))
      throw new ApiHttpException(400, 'give either code or recoveryCode');
    const claims = this.config.JWT_SECRET ? verifyMfaToken(this.config.JWT_SECRET, dto.mfaToken) : undefined;
    const tokens = await this.limited(claims?.uk ?? UNKNOWN_ACCOUNT, ip, () =>
      this.bus.call(SIGNIN_PATTERNS.loginMfa, dto, { correlationId }),
    );
    return this.chat.provision(tokens, correlationId);
  }

  /** One attempt under the sign-in limits (LoginLimiter): a 401 answer counts as a failure. */
  private async limited<T>(
    account: string,
    ip: string,
    call: () => Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>,
  ): Promise<T> {
    const attempt = await this.logins.reserve(account, ip);
    let outcome: AttemptOutcome = 'void';
    try {
      const res = await call();
      if (res.ok) outcome = 'ok';
      else if (res.error.code === 'unauthorized') outcome = 'failed';
      return unwrap(res as Parameters<typeof unwrap<T>>[0]);
    } finally {
      await attempt.settle(outcome);
    }
  }
}

import { Body, Controller, Get, HttpCode, HttpStatus, Inject, Ip, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { GatewayConfig } from '@hihi/config';
import { AuthTokens, SIGNIN_PATTERNS } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { AuthTokensDto, OidcExchangeDto } from '@hihi/dto';
import { AUTH_BUS } from '../../bus/bus.module';
import { ApiHttpException, unwrap } from '../../common/bus-http';
import { CorrelationId } from '../../common/correlation-id.decorator';
import { ChatProvisioner } from '../../chat/chat-provisioner';
import { RateLimitService } from '../rate-limit.service';
import { SigninPolicy } from './signin-policy';
import { CALLBACK_PATH, OIDC_COOKIE, OidcFlowError, OidcService } from './oidc.service';

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** Single sign-on with OpenID Connect (SPEC §12): start, callback, and the web app's pick-up. */
@ApiTags('auth')
@Controller('api/auth/oidc')
export class OidcController {
  constructor(
    @Inject(AUTH_BUS) private readonly bus: BusClient,
    private readonly oidc: OidcService,
    private readonly policy: SigninPolicy,
    private readonly chat: ChatProvisioner,
    private readonly limits: RateLimitService,
    private readonly config: GatewayConfig,
  ) {}

  private secure(origin: string): string {
    return origin.startsWith('https://') ? '; Secure' : '';
  }

  @Get('start')
  @ApiOperation({ summary: 'Redirect (302) to the identity provider (code flow with PKCE, state, nonce)' })
  async start(@Req() req: Request, @Res() res: Response, @Ip() ip: string): Promise<void> {
    if (!this.oidc.enabled) throw new ApiHttpException(404, 'single sign-on is not configured');
    await this.limits.consume('oidc-ip', ip, this.config.REGISTER_RATE_LIMIT, this.config.RATE_LIMIT_WINDOW_SEC);
    const origin = this.policy.origin(req);
    if (!origin) throw new ApiHttpException(400, 'no Host header');
    let started: { url: string; binding: string };
    try {
      started = await this.oidc.start(origin);
    } catch (err) {
      if (err instanceof OidcFlowError) throw new ApiHttpException(503, err.message);
      throw err;
    }
    res.setHeader(
      'Set-Cookie',
      `${OIDC_COOKIE}=${started.binding}; Path=${CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age=600${this.secure(origin)}`,
    );
    res.redirect(302, started.url);
  }

  /** Back from the provider: sign in (creating the account the first time), return to the app. */
  @Get('callback')
  @ApiOperation({ summary: 'The provider returns here; redirects to /login?sso=<one-time code> (or ?ssoError=…)' })
  async callback(@Req() req: Request, @Res() res: Response, @CorrelationId() correlationId: string): Promise<void> {
    const origin = this.policy.origin(req);
    if (!this.oidc.enabled || !origin) throw new ApiHttpException(404, 'single sign-on is not configured');
    const clear = `${OIDC_COOKIE}=; Path=${CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age=0${this.secure(origin)}`;
    res.setHeader('Set-Cookie', clear);
    let to: string;
    try {
      const identity = await this.oidc.finish(new URL(req.originalUrl, origin), cookie(req, OIDC_COOKIE));
      const tokens = unwrap(await this.bus.call(SIGNIN_PATTERNS.oidcSignIn, identity, { correlationId }));
      const provisioned = await this.chat.provision(tokens, correlationId);
      to = `/login?sso=${await this.oidc.handOff(provisioned)}`;
    } catch (err) {
      const reason = err instanceof OidcFlowError ? err.reason : 'unavailable';
      to = `/login?ssoError=${reason}`;
    }
    res.redirect(302, to);
  }

  @Post('exchange')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'The tokens of a finished single sign-on: {code} (once, within 60 s)' })
  @ApiOkResponse({ type: AuthTokensDto })
  async exchange(@Body() dto: OidcExchangeDto, @Ip() ip: string): Promise<AuthTokens> {
    await this.limits.consume(
      'oidc-exchange-ip',
      ip,
      this.config.REFRESH_RATE_LIMIT,
      this.config.RATE_LIMIT_WINDOW_SEC,
    );
    const tokens = await this.oidc.pickUp(dto.code);
    if (!tokens) throw new ApiHttpException(401, 'this sign-in code is unknown, used or expired');
    return tokens;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { GatewayConfig } from '@hihi/config';
import { AUTH_PATTERNS, AuthTokens, GuestTokens, isMfaChallenge, LoginReply, PublicUser } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { GuestDto, LoginDto, LogoutDto, normalizeUsername, RefreshDto, RegisterDto } from '@hihi/dto';
import { AUTH_BUS } from '../bus/bus.module';
import { unwrap } from '../common/bus-http';
import { RateLimitService } from './rate-limit.service';
import { AttemptOutcome, LoginLimiter } from './login-limiter';
import type { AuthUser } from './jwt.strategy';
import { publicUser } from './current-user.decorator';
import { ChatProvisioner } from '../chat/chat-provisioner';
import { SigninPolicy } from './signin/signin-policy';

export { TOO_MANY_LOGINS } from './login-limiter';

/** Counter buckets (Redis key parts). */
const B = {
  register: 'register-ip',
  guest: 'guest-ip',
  refresh: 'refresh-ip',
} as const;

/**
 * Gateway side of accounts: rate limits (shared through Redis by every gateway process),
 * then the request goes over the bus to the auth service, whose answer becomes HTTP.
 */
@Injectable()
export class AuthGatewayService {
  constructor(
    @Inject(AUTH_BUS) private readonly bus: BusClient,
    private readonly limits: RateLimitService,
    private readonly logins: LoginLimiter,
    private readonly config: GatewayConfig,
    private readonly chat: ChatProvisioner,
    private readonly signin: SigninPolicy,
  ) {}

  async register(dto: RegisterDto, ip: string, correlationId: string): Promise<AuthTokens> {
    this.signin.assertRegistration();
    await this.limits.consume(
      B.register,
      ip,
      this.config.REGISTER_RATE_LIMIT,
      this.config.RATE_LIMIT_WINDOW_SEC,
      'too many registrations; try again later',
    );
    const tokens = unwrap(await this.bus.call(AUTH_PATTERNS.register, dto, { correlationId }));
    await this.logins.remember(normalizeUsername(dto.username), ip);
    return this.chat.provision(tokens, correlationId);
  }

  /**
   * Sign-in: the attempt is reserved against the limits first (LoginLimiter: per address, per
   * (account, address), progressive delay per account for unknown sources), then the password is
   * checked by auth, then the reservation is settled with the outcome.
   */
  async login(dto: LoginDto, ip: string, correlationId: string): Promise<LoginReply> {
    this.signin.assertPasswordSignIn(dto.username);
    const attempt = await this.logins.reserve(normalizeUsername(dto.username), ip);
    let outcome: AttemptOutcome = 'void';
    let tokens: LoginReply;
    try {
      const res = await this.bus.call(AUTH_PATTERNS.login, dto, { correlationId });
      // a right password with 2FA on settles nothing ('void'): the second step is counted itself
      if (res.ok) outcome = isMfaChallenge(res.data) ? 'void' : 'ok';
      else if (res.error.code === 'unauthorized') outcome = 'failed';
      tokens = unwrap(res);
    } finally {
      await attempt.settle(outcome);
    }
    if (isMfaChallenge(tokens)) return tokens;
    return this.chat.provision(tokens, correlationId);
  }

  async refresh(dto: RefreshDto, ip: string, correlationId: string): Promise<AuthTokens> {
    await this.limits.consume(B.refresh, ip, this.config.REFRESH_RATE_LIMIT, this.config.RATE_LIMIT_WINDOW_SEC);
    const tokens = unwrap(await this.bus.call(AUTH_PATTERNS.refresh, dto, { correlationId }));
    return this.chat.provision(tokens, correlationId);
  }

  async logout(dto: LogoutDto, correlationId: string): Promise<void> {
    unwrap(await this.bus.call(AUTH_PATTERNS.logout, dto, { correlationId }));
  }

  async logoutAll(user: AuthUser, correlationId: string): Promise<void> {
    unwrap(
      await this.bus.call(AUTH_PATTERNS.logoutAll, { userId: user.id }, { correlationId, actor: publicUser(user) }),
    );
  }

  async guest(dto: GuestDto, ip: string, correlationId: string): Promise<GuestTokens> {
    await this.limits.consume(
      B.guest,
      ip,
      this.config.GUEST_RATE_LIMIT,
      this.config.RATE_LIMIT_WINDOW_SEC,
      'too many guest sessions; try again later',
    );
    const tokens = unwrap(await this.bus.call(AUTH_PATTERNS.guest, dto, { correlationId }));
    return this.chat.provision(tokens, correlationId);
  }

  /** A guest is answered from the token; a user from the auth service (so a removed account gets 401). */
  async me(user: AuthUser, correlationId: string): Promise<PublicUser> {
    if (user.guest) return publicUser(user);
    return unwrap(
      await this.bus.call(AUTH_PATTERNS.me, { userId: user.id }, { correlationId, actor: publicUser(user) }),
    );
  }
}

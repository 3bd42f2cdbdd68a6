import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuthConfig } from '@hihi/config';
import {
  AuthTokens,
  GuestTokens,
  LoginReply,
  PublicUser,
  SessionRevokedReason,
  USERNAME_HOLD_AFTER_DELETION_DAYS,
} from '@hihi/contracts';
import { BusError, signAccessToken } from '@hihi/common';
import {
  GuestDto,
  GUEST_USERNAME_PREFIX,
  isReservedUsername,
  LoginDto,
  LogoutDto,
  MeDto,
  normalizeUsername,
  RefreshDto,
  RegisterDto,
  isValidUsername,
  usernameSkeleton,
} from '@hihi/dto';
import { DuplicateUsernameError, UserRecord, UsersRepository } from './users/users.repository';
import { SessionRecord, SessionsRepository } from './sessions/sessions.repository';
import { PasswordService } from './passwords/password.service';
import { RevocationPublisher } from './sessions/revocation.publisher';
import { RolesService } from './roles/roles.service';
import { AdmissionService } from './admin/admission.service';
import {
  hashRefreshToken,
  newRefreshToken,
  newSessionId,
  parseRefreshToken,
  sameHash,
  sealForToken,
  unsealWithToken,
} from './tokens/refresh-token';
import { SECOND_FACTOR, SecondFactor } from './signin/second-factor';
import { toAccountUser, toPublic } from './users/public-user';

/** One message for an unknown username and a wrong password alike. */
export const BAD_CREDENTIALS = 'wrong username or password';
export const BAD_REFRESH = 'invalid or expired refresh token';

/** Injectable clock (tests move time). */
export const CLOCK = Symbol('CLOCK');
export interface Clock {
  now(): Date;
}
const systemClock: Clock = { now: () => new Date() };

/** What a refresh claim keeps sealed for the grace window. */
interface SealedPair {
  pair: AuthTokens;
  issuedAt: number;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly config: AuthConfig,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly passwords: PasswordService,
    private readonly revocation: RevocationPublisher,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
    /** server roles: first owner, HIHI_ADMINS (absent in unit tests of the rest) */
    @Optional() private readonly roles?: RolesService,
    /** registration mode, invites, guests on/off (SPEC §8; absent in unit tests of the rest) */
    @Optional() private readonly admission?: AdmissionService,
    @Optional() @Inject(SECOND_FACTOR) private readonly secondFactor?: SecondFactor,
  ) {}

  private get secret(): string {
    if (!this.config.JWT_SECRET) throw new Error('JWT_SECRET is not configured');
    return this.config.JWT_SECRET;
  }

  async register(dto: RegisterDto): Promise<AuthTokens> {
    const username = dto.username.normalize('NFKC');
    if (!isValidUsername(username))
      throw new BusError(
        'validation',
        'username must be 3-32 letters, digits, _ . or - (a Chinese character counts as two)',
      );
    if (isReservedUsername(username)) throw new BusError('conflict', 'this username is reserved');
    const problem = this.passwords.policy.problem(dto.password, username);
    if (problem) throw new BusError('validation', problem);
    const passwordHash = await this.passwords.admit(() => this.passwords.hash(dto.password));
    const ownerCandidate = (await this.roles?.firstOwnerCandidate()) ?? false;
    const invite = await this.admission?.admit(dto.inviteToken, ownerCandidate);
    let user: UserRecord;
    const create = () =>
      this.users.create({
        username,
        usernameKey: normalizeUsername(username),
        usernameSkeleton: usernameSkeleton(username),
        displayName: dto.displayName?.trim() || username,
        passwordHash,
      });
    try {
      try {
        user = await create();
      } catch (err) {
        // the name may be held by an account deleted long enough ago: free such names, then try again
        if (!(err instanceof DuplicateUsernameError)) throw err;
        const cutoff = new Date(this.clock.now().getTime() - USERNAME_HOLD_AFTER_DELETION_DAYS * 86_400_000);
        if (!(await this.users.releaseHeldUsernames(cutoff))) throw err;
        user = await create();
      }
    } catch (err) {
      await invite?.release();
      if (err instanceof DuplicateUsernameError)
        throw new BusError('conflict', 'username is already taken (or looks like one that is)');
      throw err;
    }
    this.logger.log({ userId: user.id }, 'user registered');
    if (this.roles) user = await this.roles.registered(user, ownerCandidate);
    return this.startSession(user, dto.rememberMe === true);
  }

  /**
   * Look up by username only, then verify; unknown users cost a dummy verification. The whole
   * attempt (look-up and argon2) is admitted by the password gate, so a storm is refused fast.
   */
  async login(dto: LoginDto): Promise<LoginReply> {
    let user = await this.passwords.admit(async () => {
      const key = normalizeUsername(dto.username);
      const found = isValidUsername(key) ? await this.users.findByKey(key) : undefined;
      // a bot account has no password: answered like an unknown username (SPEC §9)
      if (!found || found.bot) {
        await this.passwords.verifyDummy(dto.password);
        throw new BusError('unauthorized', BAD_CREDENTIALS);
      }
      if (!(await this.passwords.verify(found.passwordHash, dto.password))) {
        throw new BusError('unauthorized', BAD_CREDENTIALS);
      }
      // a deactivated account is answered exactly like a wrong password (SPEC §8)
      if (found.status === 'deactivated') throw new BusError('unauthorized', BAD_CREDENTIALS);
      if (this.passwords.needsRehash(found.passwordHash)) {
        const rehashed = await this.passwords.hash(dto.password);
        await this.users.updatePasswordHash(found.id, rehashed);
        this.logger.log({ userId: found.id }, 'password rehashed with the current parameters');
      }
      return found;
    });
    if (this.roles) user = await this.roles.signedIn(user);
    // 2FA on: no tokens yet, the second step (POST /api/auth/login/mfa) makes the session
    const challenge = await this.secondFactor?.challenge(user, dto.rememberMe === true);
    if (challenge) return challenge;
    return this.startSession(user, dto.rememberMe === true);
  }

  /**
   * Rotate: the presented token is claimed exactly once (atomic insert of its hash), the session's
   * hash moves on. The claim carries the new pair sealed under the presented token, so the same
   * token presented again within REFRESH_REUSE_GRACE_SEC — while its successor is still the
   * session's current token — gets the same pair (two tabs refreshing at once). Any other
   * presentation of a rotated token is reuse: the session is revoked everywhere.
   */
  async refresh(dto: RefreshDto): Promise<AuthTokens> {
    const parsed = parseRefreshToken(dto.refreshToken);
    if (!parsed) throw new BusError('unauthorized', BAD_REFRESH);
    const token = dto.refreshToken;
    const hash = hashRefreshToken(token);
    const now = this.clock.now();
    const session = await this.sessions.findById(parsed.sessionId);
    if (!session) throw new BusError('unauthorized', BAD_REFRESH);
    if (session.revokedAt || session.expiresAt.getTime() <= now.getTime())
      throw new BusError('unauthorized', BAD_REFRESH);
    if (!sameHash(session.hash, hash)) {
      if (session.prevHashes.some((h) => sameHash(h, hash))) return this.replayOrReuse(session, token, hash, now);
      throw new BusError('unauthorized', BAD_REFRESH);
    }
    const user = await this.users.findById(session.userId);
    if (!user || user.status === 'deactivated') {
      await this.revokeSessions([session.id], 'reuse', user ? 'deactivated' : 'user gone');
      throw new BusError('unauthorized', BAD_REFRESH);
    }
    const next = newRefreshToken(session.id);
    const nextHash = hashRefreshToken(next);
    const expiresAt = session.rememberMe
      ? new Date(now.getTime() + this.config.REFRESH_TTL_REMEMBER * 1000)
      : session.expiresAt;
    const pair = this.tokens(user, session.id, next, session.rememberMe, expiresAt, now);
    const graceSec = this.config.REFRESH_REUSE_GRACE_SEC ?? 10;
    const grace =
      graceSec > 0
        ? {
            graceUntil: new Date(now.getTime() + graceSec * 1000),
            nextHash,
            sealed: sealForToken(token, JSON.stringify({ pair, issuedAt: now.getTime() } satisfies SealedPair)),
          }
        : undefined;
    if (!(await this.sessions.claim(hash, session.id, session.expiresAt, grace))) {
      // claimed a moment ago by a concurrent refresh (another tab)
      return this.replayOrReuse(session, token, hash, now);
    }
    if (!(await this.sessions.rotate(session.id, hash, nextHash, expiresAt, now))) {
      await this.reuseDetected(session);
      throw new BusError('unauthorized', BAD_REFRESH);
    }
    await this.users.touch(user.id, now);
    return pair;
  }

  /** Revoke the session of a refresh token. Always succeeds (nothing to tell a caller). */
  async logout(dto: LogoutDto): Promise<void> {
    const parsed = parseRefreshToken(dto.refreshToken);
    if (!parsed) return;
    const session = await this.sessions.findById(parsed.sessionId);
    if (!session) return;
    const hash = hashRefreshToken(dto.refreshToken);
    if (sameHash(session.hash, hash) || session.prevHashes.some((h) => sameHash(h, hash))) {
      // again for a revoked session too: a sign-out whose deny entry failed can be retried
      await this.revokeSessions([session.id], 'logout');
    }
  }

  /** Sign out everywhere: every session of the user is revoked, and their access tokens denied. */
  async logoutAll(dto: MeDto): Promise<void> {
    const ids = await this.sessions.liveIds(dto.userId);
    await this.revocation.revoke(ids, 'logout-all');
    await this.sessions.revokeAllForUser(dto.userId, 'logout-all', this.clock.now());
  }

  guest(dto: GuestDto): GuestTokens {
    if (this.admission && !this.admission.guestsAllowed())
      throw new BusError('forbidden', 'guest sessions are turned off on this server; please register or sign in');
    const tag = randomBytes(3).toString('hex');
    const user: PublicUser = {
      id: `guest:${randomBytes(12).toString('base64url')}`,
      username: `${GUEST_USERNAME_PREFIX}${tag}`,
      displayName: dto.nickname?.trim() || `游客${tag}`,
      guest: true,
      role: 'guest',
    };
    const ttl = this.config.ACCESS_TOKEN_TTL;
    const accessToken = signAccessToken(
      this.secret,
      { sub: user.id, username: user.username, displayName: user.displayName, use: 'guest' },
      ttl,
    );
    return { user, accessToken, expiresIn: ttl };
  }

  async me(dto: MeDto): Promise<PublicUser> {
    const user = await this.users.findById(dto.userId);
    if (!user || user.status === 'deactivated') throw new BusError('unauthorized', 'this account no longer exists');
    return toAccountUser(user);
  }

  /**
   * A rotated token presented again: the same new pair while within the grace window and while
   * that pair's refresh token is still the session's current one (or its rotation is in flight);
   * otherwise reuse, and the session is revoked.
   */
  private async replayOrReuse(session: SessionRecord, token: string, hash: string, now: Date): Promise<AuthTokens> {
    const claim = await this.sessions.findClaim(hash);
    if (claim?.sealed && claim.nextHash && claim.graceUntil && claim.sessionId === session.id) {
      const fresh = await this.sessions.findById(session.id);
      const current =
        !!fresh && !fresh.revokedAt && (sameHash(fresh.hash, claim.nextHash) || sameHash(fresh.hash, hash));
      if (current && now.getTime() < claim.graceUntil.getTime()) {
        const opened = unsealWithToken(token, claim.sealed);
        if (opened) {
          const { pair, issuedAt } = JSON.parse(opened) as SealedPair;
          const elapsed = Math.max(0, Math.floor((now.getTime() - issuedAt) / 1000));
          return {
            ...pair,
            expiresIn: Math.max(0, pair.expiresIn - elapsed),
            refreshExpiresIn: Math.max(0, (pair.refreshExpiresIn ?? 0) - elapsed),
          };
        }
      }
    }
    await this.reuseDetected(session);
    throw new BusError('unauthorized', BAD_REFRESH);
  }

  private async reuseDetected(session: SessionRecord): Promise<void> {
    this.logger.warn({ sessionId: session.id, userId: session.userId }, 'refresh token reuse: session revoked');
    await this.revokeSessions([session.id], 'reuse');
  }

  /** Deny the sessions' access tokens everywhere first (Redis), then revoke them in the database. */
  private async revokeSessions(ids: string[], reason: SessionRevokedReason, dbReason: string = reason): Promise<void> {
    await this.revocation.revoke(ids, reason);
    const now = this.clock.now();
    for (const id of ids) await this.sessions.revoke(id, dbReason, now);
  }

  /** A new session and its tokens (password, second step, passkey and single sign-on alike). */
  async startSession(user: UserRecord, rememberMe: boolean): Promise<AuthTokens> {
    // whatever the way in (password, second step, passkey, single sign-on): a deactivated account
    // gets no session, answered like a wrong password (SPEC §8); a bot signs in with its token only
    if (user.status === 'deactivated' || user.bot) throw new BusError('unauthorized', BAD_CREDENTIALS);
    const now = this.clock.now();
    await this.users.touch(user.id, now);
    const sessionId = newSessionId();
    const refreshToken = newRefreshToken(sessionId);
    const ttl = rememberMe ? this.config.REFRESH_TTL_REMEMBER : this.config.REFRESH_TTL_SESSION;
    const expiresAt = new Date(now.getTime() + ttl * 1000);
    await this.sessions.create({
      id: sessionId,
      userId: user.id,
      hash: hashRefreshToken(refreshToken),
      rememberMe,
      expiresAt,
      createdAt: now,
    });
    const pair = this.tokens(user, sessionId, refreshToken, rememberMe, expiresAt, now);
    if (await this.secondFactor?.enrolmentRequired(user)) pair.enrolSecondFactor = true;
    return pair;
  }

  private tokens(
    user: UserRecord,
    sessionId: string,
    refreshToken: string,
    rememberMe: boolean,
    expiresAt: Date,
    now: Date,
  ): AuthTokens {
    const ttl = this.config.ACCESS_TOKEN_TTL;
    const accessToken = signAccessToken(
      this.secret,
      { sub: user.id, username: user.username, displayName: user.displayName, use: 'access', sid: sessionId },
      ttl,
    );
    return {
      user: toPublic(user),
      accessToken,
      refreshToken,
      expiresIn: ttl,
      rememberMe,
      refreshExpiresIn: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)),
    };
  }
}

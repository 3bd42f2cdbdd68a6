import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { randomBytes } from 'node:crypto';
import {
  AccountUser,
  AuthExport,
  DELETED_USER,
  PasswordChangeBody,
  ProfileUpdateBody,
  SessionInfo,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { UserRecord, UsersRepository } from '../users/users.repository';
import { SessionListing, SessionsRepository } from '../sessions/sessions.repository';
import { RevocationPublisher } from '../sessions/revocation.publisher';
import { PasswordService } from '../passwords/password.service';
import { AuditLog } from '../audit/audit-log.service';
import { MfaService } from '../signin/mfa.service';
import { OidcLink, Passkey, RecoveryCode, TotpFactor } from '../signin/signin.schema';
import { CLOCK, Clock } from '../auth.service';
import { toAccountUser } from '../users/public-user';
import { deviceLabel } from './user-agent';
import { IntegrationsService } from '../integrations/integrations.service';
import { AccountMailService } from '../mail/account-mail.service';

/** Answered for a wrong current password (change, deletion): 401, counted by the sign-in limits. */
export const WRONG_PASSWORD = 'the password is wrong';

const systemClock: Clock = { now: () => new Date() };

/**
 * One's own account (SPEC §10): profile, avatar hash, password change, sessions, deletion and the
 * auth part of the export. Every operation acts on the caller's own account only (the bus
 * request's userId is the actor's, set by the gateway from the access token).
 */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly revocation: RevocationPublisher,
    private readonly passwords: PasswordService,
    @Optional() private readonly audit?: AuditLog,
    @Optional() private readonly mfa?: MfaService,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
    // the sign-in factors of a deleted account go with it (absent in unit tests of the rest)
    @Optional() @InjectModel(TotpFactor.name) private readonly totp?: Model<TotpFactor>,
    @Optional() @InjectModel(RecoveryCode.name) private readonly recovery?: Model<RecoveryCode>,
    @Optional() @InjectModel(Passkey.name) private readonly passkeys?: Model<Passkey>,
    @Optional() @InjectModel(OidcLink.name) private readonly oidcLinks?: Model<OidcLink>,
    /** bots and tokens (SPEC §9): a deleted account's tokens and its bots' tokens stop */
    @Optional() private readonly integrations?: IntegrationsService,
    /** a new address gets its verification link (absent in unit tests of the rest) */
    @Optional() private readonly mail?: AccountMailService,
  ) {}

  /** The caller's live account (a deactivated or deleted one answers 401, as GET /api/me does). */
  private async live(userId: string): Promise<UserRecord> {
    const user = await this.users.findById(userId);
    if (!user || user.status === 'deactivated' || user.deletedAt)
      throw new BusError('unauthorized', 'this account no longer exists');
    return user;
  }

  /**
   * Display name, email, digest opt-in and mail language. A changed address is unverified and
   * gets a verification link (mailed after the answer); the same address again changes nothing.
   */
  async updateProfile(userId: string, change: ProfileUpdateBody): Promise<AccountUser> {
    const before = await this.live(userId);
    const email = change.email === '' ? null : change.email;
    const emailChanged = email !== undefined && (email ?? undefined) !== before.email;
    const updated = await this.users.updateProfile(userId, {
      displayName: change.displayName,
      email: emailChanged ? email : undefined,
      digest: change.digest,
      language: change.language,
    });
    if (!updated) throw new BusError('unauthorized', 'this account no longer exists');
    if (emailChanged && updated.email) this.mail?.sendVerificationLater(updated);
    return toAccountUser(updated);
  }

  async setAvatar(userId: string, avatar: string | null): Promise<AccountUser> {
    await this.live(userId);
    const updated = await this.users.setAvatar(userId, avatar);
    if (!updated) throw new BusError('unauthorized', 'this account no longer exists');
    return toAccountUser(updated);
  }

  /** Verify a password of the account inside the password gate; a wrong one is `unauthorized`. */
  private async verify(user: UserRecord, password: string): Promise<void> {
    const right = await this.passwords.admit(() => this.passwords.verify(user.passwordHash, password));
    if (!right) throw new BusError('unauthorized', WRONG_PASSWORD);
  }

  /**
   * The current password first (wrong: 401), then the policy on the new one (400), then the new
   * hash; every other session is revoked like a sign-out (REST 401 ≤ 1 s, sockets closed ≤ 5 s).
   */
  async changePassword(userId: string, sid: string | undefined, body: PasswordChangeBody): Promise<void> {
    const user = await this.live(userId);
    await this.verify(user, body.currentPassword);
    const problem = this.passwords.policy.problem(body.newPassword, user.username);
    if (problem) throw new BusError('validation', problem);
    if (body.newPassword === body.currentPassword)
      throw new BusError('validation', 'newPassword must differ from the current password');
    const hash = await this.passwords.admit(() => this.passwords.hash(body.newPassword));
    await this.users.setPasswordHash(user.id, hash);
    const others = (await this.sessions.liveIds(user.id)).filter((id) => id !== sid);
    await this.revoke(others, 'password-change');
    this.logger.log({ userId: user.id, revoked: others.length }, 'password changed; other sessions revoked');
    await this.audit?.by(user, {
      action: 'account.password-change',
      target: { type: 'user', id: user.id, label: user.username },
      details: { sessionsRevoked: others.length },
    });
  }

  async listSessions(userId: string, sid?: string): Promise<SessionInfo[]> {
    await this.live(userId);
    return (await this.sessions.listLive(userId, this.clock.now())).map((s) => sessionInfo(s, sid));
  }

  /** Revoke one of the caller's sessions as a sign-out; someone else's (or an unknown) id is 404. */
  async revokeSession(userId: string, id: string): Promise<void> {
    await this.live(userId);
    const session = await this.sessions.findById(id);
    if (!session || session.userId !== userId || session.revokedAt) throw new BusError('not_found', 'no such session');
    await this.revoke([id], 'logout');
  }

  async labelSession(userId: string, sid: string, userAgent: string): Promise<void> {
    await this.sessions.label(sid, userId, userAgent.trim().slice(0, 256), this.clock.now());
  }

  /**
   * Leave (SPEC §10): the password first (wrong: 401), then the account is deactivated and its
   * names replaced ("deleted user"), email and avatar dropped, a password hash nothing matches
   * set, and every session revoked. The username stays taken for
   * USERNAME_HOLD_AFTER_DELETION_DAYS; chat is told by the gateway (messages from "deleted user").
   */
  async deleteAccount(userId: string, password: string): Promise<void> {
    const user = await this.live(userId);
    await this.verify(user, password);
    if (user.role === 'owner' && (await this.users.countOwners()) <= 1)
      throw new BusError('conflict', 'the last owner cannot delete their account; make another owner first');
    const unusable = await this.passwords.admit(() => this.passwords.hash(randomBytes(32).toString('base64url')));
    await this.users.markDeleted(user.id, unusable, DELETED_USER.displayName, this.clock.now());
    await this.revoke(await this.sessions.liveIds(user.id), 'account-deleted');
    await this.integrations?.revokeForAccount(user.id);
    // no factor of it is kept: its passkeys and authenticator stop, and its single sign-on
    // identity is free to make a new account
    await Promise.all([
      this.totp?.deleteMany({ userId: user.id }).exec(),
      this.recovery?.deleteMany({ userId: user.id }).exec(),
      this.passkeys?.deleteMany({ userId: user.id }).exec(),
      this.oidcLinks?.deleteMany({ userId: user.id }).exec(),
    ]);
    this.logger.log({ userId: user.id }, 'account deleted by its owner');
    await this.audit?.by(user, {
      action: 'account.delete',
      target: { type: 'user', id: user.id, label: user.username },
      details: {},
    });
  }

  async exportAccount(userId: string, sid?: string): Promise<AuthExport> {
    const user = await this.live(userId);
    const [sessions, factors] = await Promise.all([
      this.listSessions(userId, sid),
      this.mfa?.status(userId) ?? Promise.resolve(undefined),
    ]);
    return {
      account: { ...toAccountUser(user), createdAt: (user.createdAt ?? new Date(0)).toISOString() },
      sessions,
      passkeys: factors?.passkeys ?? 0,
      twoFactor: factors?.totp ?? false,
    };
  }

  /** Deny the sessions' access tokens everywhere first (Redis), then revoke them in the database. */
  private async revoke(ids: string[], reason: 'logout' | 'password-change' | 'account-deleted'): Promise<void> {
    if (!ids.length) return;
    await this.revocation.revoke(ids, reason);
    const now = this.clock.now();
    for (const id of ids) await this.sessions.revoke(id, reason, now);
  }
}

function sessionInfo(s: SessionListing, current?: string): SessionInfo {
  const { browser, os } = deviceLabel(s.userAgent);
  return {
    id: s.id,
    current: s.id === current,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    userAgent: s.userAgent,
    browser,
    os,
    rememberMe: s.rememberMe,
  };
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ACCOUNT_PATTERNS,
  AccountExport,
  AccountUser,
  AUTH_PATTERNS,
  BusResult,
  NotificationLevel,
  PasswordChangeBody,
  ProfileUpdateBody,
  PushSubscriptionBody,
  PublicUser,
  Room,
  SessionInfo,
  VapidKey,
} from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { normalizeUsername } from '@hihi/dto';
import { AUTH_BUS, CHAT_BUS } from '../bus/bus.module';
import { ApiHttpException, unwrap } from '../common/bus-http';
import { AuthUser, publicUser } from '../auth';
import { AttemptOutcome, LoginLimiter } from '../auth/login-limiter';
import { UploadStorage } from '../uploads/upload-storage';
import { avatarStorageKey, AvatarRefused, processAvatar } from './avatar-processor';

/** The public part of the account (what chat's projection and other members may see). */
function publicPart(u: AccountUser): PublicUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    guest: false,
    ...(u.role ? { role: u.role } : {}),
    ...(u.avatarUrl ? { avatarUrl: u.avatarUrl } : {}),
  };
}

/** The avatar hash in an avatar URL (undefined: none). */
function hashOf(url: string | undefined): string | undefined {
  return url?.match(/^\/api\/avatars\/([a-f0-9]{32})\.webp$/)?.[1];
}

/**
 * The gateway's side of one's own account (SPEC §10): auth does the account, chat the
 * projection (names and avatars on messages and in lists, `user:updated` to the person's rooms);
 * the avatar's bytes are processed here (sharp) and kept in the upload storage; password checks
 * (change, deletion) are counted by the sign-in limits like a sign-in.
 */
@Injectable()
export class AccountGatewayService {
  private readonly logger = new Logger('Account');

  constructor(
    @Inject(AUTH_BUS) private readonly auth: BusClient,
    @Inject(CHAT_BUS) private readonly chat: BusClient,
    private readonly logins: LoginLimiter,
    private readonly storage: UploadStorage,
  ) {}

  private ctx(user: AuthUser, correlationId: string) {
    return { correlationId, actor: publicUser(user) };
  }

  /** Chat's projection follows (a failure is logged: the next sign-in or refresh provisions it again). */
  private async tellChat(updated: AccountUser, correlationId: string): Promise<void> {
    const res = await this.chat.call(
      ACCOUNT_PATTERNS.chatUserUpdated,
      {},
      { correlationId, actor: publicPart(updated) },
    );
    if (!res.ok) this.logger.warn(`chat did not take the profile of ${updated.id}: ${res.error.message}`);
  }

  async updateProfile(user: AuthUser, body: ProfileUpdateBody, correlationId: string): Promise<AccountUser> {
    const updated = unwrap(
      await this.auth.call(
        ACCOUNT_PATTERNS.profileUpdate,
        {
          userId: user.id,
          ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
          ...(body.email !== undefined ? { email: body.email } : {}),
          ...(body.digest !== undefined ? { digest: body.digest } : {}),
          ...(body.language !== undefined ? { language: body.language } : {}),
        },
        this.ctx(user, correlationId),
      ),
    );
    await this.tellChat(updated, correlationId);
    return updated;
  }

  async setAvatar(user: AuthUser, bytes: Buffer, correlationId: string): Promise<AccountUser> {
    let processed;
    try {
      processed = await processAvatar(user.id, bytes);
    } catch (err) {
      if (err instanceof AvatarRefused) throw new ApiHttpException(err.status, err.message);
      throw err;
    }
    await this.storage.put(avatarStorageKey(processed.hash), processed.body, 'image/webp');
    return this.replaceAvatar(user, processed.hash, correlationId);
  }

  removeAvatar(user: AuthUser, correlationId: string): Promise<AccountUser> {
    return this.replaceAvatar(user, null, correlationId);
  }

  /** Point the account at the new avatar (or none), then delete the old one's bytes. */
  private async replaceAvatar(user: AuthUser, hash: string | null, correlationId: string): Promise<AccountUser> {
    const before = unwrap(await this.auth.call(AUTH_PATTERNS.me, { userId: user.id }, this.ctx(user, correlationId)));
    const updated = unwrap(
      await this.auth.call(
        ACCOUNT_PATTERNS.avatarSet,
        { userId: user.id, avatar: hash },
        this.ctx(user, correlationId),
      ),
    );
    const old = hashOf(before.avatarUrl);
    if (old && old !== hash) await this.storage.delete(avatarStorageKey(old)).catch(() => undefined);
    await this.tellChat(updated, correlationId);
    return updated;
  }

  /** Check a password of the caller's inside the sign-in limits (a wrong one counts as a failed sign-in). */
  private async counted<T>(user: AuthUser, ip: string, call: () => Promise<BusResult<T>>): Promise<T> {
    const attempt = await this.logins.reserve(normalizeUsername(user.username), ip);
    let outcome: AttemptOutcome = 'void';
    try {
      const res = await call();
      if (res.ok) outcome = 'ok';
      else if (res.error.code === 'unauthorized') outcome = 'failed';
      return unwrap(res);
    } finally {
      await attempt.settle(outcome);
    }
  }

  async changePassword(user: AuthUser, body: PasswordChangeBody, ip: string, correlationId: string): Promise<void> {
    await this.counted(user, ip, () =>
      this.auth.call(
        ACCOUNT_PATTERNS.passwordChange,
        { userId: user.id, ...(user.sid ? { sid: user.sid } : {}), ...body },
        this.ctx(user, correlationId),
      ),
    );
  }

  async sessions(user: AuthUser, correlationId: string): Promise<SessionInfo[]> {
    return unwrap(
      await this.auth.call(
        ACCOUNT_PATTERNS.sessionsList,
        { userId: user.id, ...(user.sid ? { sid: user.sid } : {}) },
        this.ctx(user, correlationId),
      ),
    );
  }

  async revokeSession(user: AuthUser, id: string, correlationId: string): Promise<void> {
    unwrap(
      await this.auth.call(ACCOUNT_PATTERNS.sessionRevoke, { userId: user.id, id }, this.ctx(user, correlationId)),
    );
  }

  /**
   * Leave: auth checks the password, deletes the account and revokes every session; then chat
   * shows the person's messages from "deleted user" (tried three times: the account is gone
   * either way) and the avatar's bytes are deleted.
   */
  async deleteAccount(user: AuthUser, password: string, ip: string, correlationId: string): Promise<void> {
    const before = unwrap(await this.auth.call(AUTH_PATTERNS.me, { userId: user.id }, this.ctx(user, correlationId)));
    await this.counted(user, ip, () =>
      this.auth.call(ACCOUNT_PATTERNS.accountDelete, { userId: user.id, password }, this.ctx(user, correlationId)),
    );
    for (let attempt = 1; attempt <= 3; attempt++) {
      const res = await this.chat.call(ACCOUNT_PATTERNS.chatUserDeleted, {}, this.ctx(user, correlationId));
      if (res.ok) break;
      this.logger.error(`chat did not take the deletion of ${user.id} (attempt ${attempt}): ${res.error.message}`);
    }
    const old = hashOf(before.avatarUrl);
    if (old) await this.storage.delete(avatarStorageKey(old)).catch(() => undefined);
  }

  async export(user: AuthUser, correlationId: string): Promise<AccountExport> {
    const ref = { userId: user.id, ...(user.sid ? { sid: user.sid } : {}) };
    const [account, chat] = await Promise.all([
      this.auth.call(ACCOUNT_PATTERNS.accountExport, ref, this.ctx(user, correlationId)),
      this.chat.call(ACCOUNT_PATTERNS.chatExport, {}, { ...this.ctx(user, correlationId), timeoutMs: 30_000 }),
    ]);
    return { format: 'hihi-export/1', exportedAt: new Date().toISOString(), ...unwrap(account), ...unwrap(chat) };
  }

  async setNotifications(
    user: AuthUser,
    roomId: string,
    level: NotificationLevel,
    correlationId: string,
  ): Promise<Room> {
    return unwrap(
      await this.chat.call(ACCOUNT_PATTERNS.roomNotifications, { roomId, level }, this.ctx(user, correlationId)),
    );
  }

  async vapidKey(user: AuthUser, correlationId: string): Promise<VapidKey> {
    return unwrap(await this.chat.call(ACCOUNT_PATTERNS.pushVapidKey, {}, this.ctx(user, correlationId)));
  }

  async pushSubscribe(user: AuthUser, body: PushSubscriptionBody, correlationId: string): Promise<void> {
    const { endpoint, keys } = body;
    unwrap(
      await this.chat.call(
        ACCOUNT_PATTERNS.pushSubscribe,
        { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } },
        this.ctx(user, correlationId),
      ),
    );
  }

  async pushUnsubscribe(user: AuthUser, endpoint: string, correlationId: string): Promise<void> {
    unwrap(await this.chat.call(ACCOUNT_PATTERNS.pushUnsubscribe, { endpoint }, this.ctx(user, correlationId)));
  }
}

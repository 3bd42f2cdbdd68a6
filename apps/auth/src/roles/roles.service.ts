import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AuthConfig } from '@hihi/config';
import { AccountRole, roleAtLeast } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { createRedis, RedisClient } from '@hihi/common/redis';
import { UserRecord, UsersRepository } from '../users/users.repository';
import { ServerRolePublisher } from './role-publisher';
import { FIRST_OWNER_FLAG, ServerFlag } from './server-flag.schema';

/** How often the Redis projection of roles is compared with MongoDB (repairs drift), ms. */
export const ROLE_SYNC_INTERVAL_MS = 30_000;

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * Server roles in auth (SPEC §7). The role is a field of the account (MongoDB, the truth); every
 * change goes through `set`, which stores it and then tells every gateway (ServerRolePublisher:
 * a Redis hash of elevated accounts plus one pub/sub event), so it takes effect within 1 s.
 * - the first account registered on a new server becomes `owner` — race-safe: the candidates
 *   (who saw no account before creating theirs) insert one fixed-id flag; exactly one insert wins;
 * - HIHI_ADMINS makes those accounts `admin` when they register or sign in (an owner stays owner);
 * - at start-up and every ROLE_SYNC_INTERVAL_MS the Redis projection is compared with MongoDB.
 */
@Injectable()
export class RolesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RolesService.name);
  private readonly redis: RedisClient;
  private readonly publisher: ServerRolePublisher;
  private timer?: NodeJS.Timeout;
  private readonly admins: ReadonlySet<string>;

  constructor(
    config: AuthConfig,
    private readonly users: UsersRepository,
    @InjectModel(ServerFlag.name) private readonly flags: Model<ServerFlag>,
  ) {
    // reconnects forever, at most every 2 s (createRedis' default)
    this.redis = createRedis(config.REDIS_URL, {
      name: 'auth-roles',
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
    });
    this.redis.on('error', () => undefined);
    this.publisher = new ServerRolePublisher(this.redis, config.REDIS_PREFIX);
    this.admins = config.adminUsernameKeys;
  }

  async onModuleInit(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync(), ROLE_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.redis.disconnect();
  }

  /** Before creating an account: is it a candidate for the first owner (no account exists yet)? */
  async firstOwnerCandidate(): Promise<boolean> {
    return !(await this.users.any());
  }

  /** After an account was created: the first owner (if it wins the claim), else HIHI_ADMINS. */
  async registered(user: UserRecord, candidate: boolean): Promise<UserRecord> {
    if (candidate && (await this.claimFirstOwner(user.id))) {
      this.logger.log({ userId: user.id }, 'the first account is the owner of this server');
      return this.set(user.id, 'owner', { bestEffort: true });
    }
    return this.signedIn(user);
  }

  /** After a sign-in (or a registration): HIHI_ADMINS lifts a listed account to admin. */
  async signedIn(user: UserRecord): Promise<UserRecord> {
    if (!this.admins.has(user.usernameKey) || roleAtLeast(user.role, 'admin')) return user;
    this.logger.log({ userId: user.id }, 'HIHI_ADMINS: made admin');
    return this.set(user.id, 'admin', { bestEffort: true });
  }

  /**
   * Store a role and tell the gateways. When Redis cannot be written the role is stored anyway
   * and the next sync (≤ ROLE_SYNC_INTERVAL_MS) publishes it; `bestEffort: false` callers (an
   * admin changing a role) are answered `unavailable` so they know the change is not yet live.
   */
  async set(userId: string, role: AccountRole, opts: { bestEffort?: boolean } = {}): Promise<UserRecord> {
    const updated = await this.users.setRole(userId, role);
    if (!updated) throw new BusError('not_found', 'no such account');
    try {
      await this.publisher.publish(userId, role);
    } catch (err) {
      this.logger.error(`could not publish a role change (${(err as Error).message}); the next sync will`);
      if (!opts.bestEffort)
        throw new BusError('unavailable', 'the role was saved but not yet applied everywhere; try again', {
          retryAfterSec: 1,
        });
    }
    return updated;
  }

  /** Compare the Redis projection with MongoDB and publish what differs. Never throws. */
  async sync(): Promise<void> {
    try {
      const changed = await this.publisher.sync(await this.users.elevated());
      if (changed) this.logger.log({ changed }, 'server roles re-published');
    } catch (err) {
      this.logger.warn(`server roles not synchronised (${(err as Error).message}); retrying later`);
    }
  }

  private async claimFirstOwner(userId: string): Promise<boolean> {
    try {
      await this.flags.create({ _id: FIRST_OWNER_FLAG, userId, at: new Date() });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }
}

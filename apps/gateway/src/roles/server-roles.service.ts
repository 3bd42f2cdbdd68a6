import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createRedis, RedisClient } from '@hihi/common/redis';
import { GatewayConfig } from '@hihi/config';
import {
  AccountRole,
  isAccountRole,
  PublicUser,
  ServerRole,
  ServerRoleChangedEvent,
  serverRoleChannel,
  serverRolesKey,
  serverRolesVersionKey,
} from '@hihi/contracts';

/** While the subscription is down, the table is read again when older than this, ms. */
export const ROLE_TABLE_UNSUBSCRIBED_MS = 500;
/** Read the whole table again this often anyway (bounds any drift), ms. */
export const ROLE_TABLE_REFRESH_MS = 60_000;

/**
 * Every gateway's view of server roles (SPEC §7: a role change takes effect within 1 s, not at
 * the next token refresh), fed like revocations (RevocationService):
 * - auth keeps a Redis hash of the accounts above `member` (few) and publishes every change with
 *   a version number (apps/auth/src/roles/role-publisher.ts). Here the whole hash is held in
 *   memory — read at start-up, after every (re)subscription and every ROLE_TABLE_REFRESH_MS —
 *   and each event updates it at once. `roleOf` is then a Map look-up: no cost on the send path.
 * - a read of the hash that raced an event (the event is newer than the read) is read again.
 * - fallback: while the subscription is down, the table is read again whenever it is older than
 *   ROLE_TABLE_UNSUBSCRIBED_MS; when Redis cannot be read, the last table stands (the bus to
 *   chat and auth runs through the same Redis, so nothing acts on it meanwhile).
 * Every actor the gateway sends on the bus (REST and socket commands) gets its role from here.
 */
@Injectable()
export class ServerRolesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ServerRolesService.name);
  private sub?: RedisClient;
  /** reads of the hash: a connection of its own that queues while (re)connecting */
  private reader?: RedisClient;
  private subscribed = false;
  private table = new Map<string, AccountRole>();
  /** when the table was last read whole (ms) */
  private loadedAt = 0;
  /** version of that read; the newest event version seen */
  private loadedVersion = 0;
  private seenVersion = 0;
  private loading?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(private readonly config: GatewayConfig) {}

  async onModuleInit(): Promise<void> {
    const channel = serverRoleChannel(this.config.REDIS_PREFIX);
    // plain pub/sub also on a cluster: a role change is for every gateway (broadcast);
    // reconnects forever, at most every 2 s (createRedis' default)
    this.sub = createRedis(this.config.REDIS_URL, { name: 'gateway-roles', maxRetriesPerRequest: null });
    this.sub.on('error', () => undefined);
    this.sub.on('close', () => (this.subscribed = false));
    this.sub.on('message', (ch: string, raw: string) => {
      if (ch === channel) this.onEvent(raw);
    });
    // after every (re)subscription: events may have been missed, read the table whole
    this.sub.on('ready', () => {
      this.subscribed = true;
      void this.reload();
    });
    this.reader = createRedis(this.config.REDIS_URL, {
      name: 'gateway-roles-read',
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
    });
    this.reader.on('error', () => undefined);
    await this.sub.subscribe(channel).catch((err: Error) => this.logger.error(`subscribe failed: ${err.message}`));
    this.subscribed = this.sub.status === 'ready';
    await this.reload();
    this.timer = setInterval(() => void this.reload(), ROLE_TABLE_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.sub?.disconnect();
    this.reader?.disconnect();
  }

  /** The server role of an account now (guests are `guest`). */
  async roleOf(userId: string, guest = false): Promise<ServerRole> {
    if (guest) return 'guest';
    if (!this.subscribed && Date.now() - this.loadedAt > ROLE_TABLE_UNSUBSCRIBED_MS) await this.reload();
    return this.table.get(userId) ?? 'member';
  }

  /** Accounts that are server moderators or above (their ids), as this gateway knows them now. */
  staff(): string[] {
    return [...this.table].filter(([, role]) => role !== 'member').map(([userId]) => userId);
  }

  /** The user with its current role (the same object when the role is unchanged). */
  async withRole<U extends PublicUser>(user: U): Promise<U> {
    const role = await this.roleOf(user.id, user.guest);
    return user.role === role ? user : { ...user, role };
  }

  /** Read the hash whole (coalesced: one read at a time). Never throws. */
  reload(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    const prefix = this.config.REDIS_PREFIX;
    for (let attempt = 0; attempt < 3; attempt++) {
      let version: number;
      let hash: Record<string, string>;
      try {
        if (!this.reader) return;
        // both keys carry one hash tag: one slot, so this MULTI works on a cluster too
        const res = await this.reader.multi().get(serverRolesVersionKey(prefix)).hgetall(serverRolesKey(prefix)).exec();
        if (!res || res.some(([err]) => err)) throw res?.find(([err]) => err)?.[0] ?? new Error('aborted');
        version = Number(res[0][1] ?? 0);
        hash = (res[1][1] ?? {}) as Record<string, string>;
      } catch (err) {
        this.logger.warn(`server roles not read (${(err as Error).message}); keeping the last table`);
        return;
      }
      // an event newer than this read arrived meanwhile: it may be missing from the read
      if (version < this.seenVersion) continue;
      const table = new Map<string, AccountRole>();
      for (const [userId, role] of Object.entries(hash)) if (isAccountRole(role)) table.set(userId, role);
      this.table = table;
      this.loadedVersion = version;
      this.seenVersion = Math.max(this.seenVersion, version);
      this.loadedAt = Date.now();
      return;
    }
  }

  private onEvent(raw: string): void {
    let event: ServerRoleChangedEvent;
    try {
      event = JSON.parse(raw) as ServerRoleChangedEvent;
    } catch {
      this.logger.warn('dropped a malformed role event');
      return;
    }
    if (typeof event?.userId !== 'string' || !isAccountRole(event.role) || typeof event.version !== 'number') return;
    this.seenVersion = Math.max(this.seenVersion, event.version);
    if (event.version <= this.loadedVersion) return; // already in the table read
    if (event.role === 'member') this.table.delete(event.userId);
    else this.table.set(event.userId, event.role);
  }
}

import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { GatewayConfig } from '@hihi/config';
import { PublicUser, REALTIME, roomEventsChannel, RoomEventEnvelope } from '@hihi/contracts';
import { REDIS } from '../redis/redis.module';

/**
 * Who is online in each room, kept in Redis so every gateway sees the same list.
 *
 * One sorted set per room: member `<gateway instance>|<userId>`, score = last heartbeat (ms).
 * Each gateway counts its own sockets per (room, user), writes an entry when the first one
 * joins, removes it when the last one leaves, and refreshes all of its entries every
 * REALTIME.presenceHeartbeatMs. Entries older than REALTIME.presenceTtlMs are ignored and pruned,
 * so the users of a gateway that crashed drop out within that time.
 */
/** Presence changes of one room within this window are announced together. */
export const PRESENCE_COALESCE_MS = 150;

@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private readonly instance = randomUUID();
  /** roomId → userId → { user, sockets } */
  private readonly local = new Map<string, Map<string, { user: PublicUser; sockets: number }>>();
  private timer?: NodeJS.Timeout;
  /** rooms whose online list is about to be announced */
  private readonly pendingPublish = new Map<string, Promise<void>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: GatewayConfig,
  ) {}

  private key(roomId: string): string {
    return `${this.config.REDIS_PREFIX}:presence:${roomId}`;
  }

  private get profiles(): string {
    return `${this.config.REDIS_PREFIX}:presence:users`;
  }

  private member(userId: string): string {
    return `${this.instance}|${userId}`;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.heartbeat(), REALTIME.presenceHeartbeatMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const rooms = [...this.local.keys()];
    try {
      const multi = this.redis.multi();
      for (const [roomId, users] of this.local)
        for (const userId of users.keys()) multi.zrem(this.key(roomId), this.member(userId));
      await multi.exec();
      this.local.clear();
      await Promise.all(rooms.map((r) => this.publishNow(r)));
    } catch {
      // Redis gone: the entries expire by themselves
    }
  }

  /** A socket of `user` joined `roomId`; true when the room's online list changed. */
  async add(roomId: string, user: PublicUser): Promise<boolean> {
    let users = this.local.get(roomId);
    if (!users) this.local.set(roomId, (users = new Map()));
    const entry = users.get(user.id);
    if (entry) {
      entry.sockets++;
      return false;
    }
    users.set(user.id, { user, sockets: 1 });
    await this.redis
      .multi()
      .hset(this.profiles, user.id, JSON.stringify(user))
      .zadd(this.key(roomId), Date.now(), this.member(user.id))
      .exec();
    void this.publish(roomId);
    return true;
  }

  /** A socket of the user left `roomId` (or disconnected). */
  async remove(roomId: string, userId: string): Promise<void> {
    const users = this.local.get(roomId);
    const entry = users?.get(userId);
    if (!users || !entry) return;
    if (--entry.sockets > 0) return;
    users.delete(userId);
    if (!users.size) this.local.delete(roomId);
    await this.redis.zrem(this.key(roomId), this.member(userId));
    void this.publish(roomId);
  }

  /** Users with a fresh entry in the room, whichever gateway they are on. */
  async online(roomId: string): Promise<PublicUser[]> {
    const members = await this.redis.zrangebyscore(this.key(roomId), Date.now() - REALTIME.presenceTtlMs, '+inf');
    const ids = [...new Set(members.map((m) => m.slice(m.indexOf('|') + 1)))];
    if (!ids.length) return [];
    const raw = await this.redis.hmget(this.profiles, ...ids);
    const users: PublicUser[] = [];
    for (const r of raw) {
      if (!r) continue;
      try {
        users.push(JSON.parse(r) as PublicUser);
      } catch {
        /* skip */
      }
    }
    return users.sort((a, b) => a.username.localeCompare(b.username));
  }

  /**
   * Announce the room's online list, at most once per PRESENCE_COALESCE_MS per room: when many
   * members join or leave at once (a reconnect wave), one list goes out instead of one per
   * member, which would cost the room N² user entries.
   */
  publish(roomId: string): Promise<void> {
    const pending = this.pendingPublish.get(roomId);
    if (pending) return pending;
    const p = new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.pendingPublish.delete(roomId);
        this.publishNow(roomId)
          .catch((err: Error) => this.logger.warn(`presence of ${roomId} not published: ${err.message}`))
          .finally(resolve);
      }, PRESENCE_COALESCE_MS);
      t.unref();
    });
    this.pendingPublish.set(roomId, p);
    return p;
  }

  private async publishNow(roomId: string): Promise<void> {
    const event: RoomEventEnvelope = { type: 'presence', roomId, online: await this.online(roomId) };
    await this.redis.publish(roomEventsChannel(this.config.REDIS_PREFIX), JSON.stringify(event));
  }

  /** Refresh our entries; prune stale ones (a crashed gateway's) and announce rooms that changed. */
  async heartbeat(): Promise<void> {
    if (!this.local.size) return;
    try {
      const now = Date.now();
      const groups: { roomId: string; pruneIndex: number }[] = [];
      const multi = this.redis.multi();
      let n = 0;
      for (const [roomId, users] of this.local) {
        for (const userId of users.keys()) {
          multi.zadd(this.key(roomId), now, this.member(userId));
          n++;
        }
        multi.zremrangebyscore(this.key(roomId), '-inf', now - REALTIME.presenceTtlMs);
        groups.push({ roomId, pruneIndex: n++ });
      }
      const results = (await multi.exec()) ?? [];
      for (const g of groups) {
        if (Number(results[g.pruneIndex]?.[1] ?? 0) > 0) void this.publish(g.roomId);
      }
    } catch (err) {
      this.logger.warn(`presence heartbeat failed: ${(err as Error).message}`);
    }
  }
}

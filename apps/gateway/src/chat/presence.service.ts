import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { RedisClient } from '@hihi/common/redis';
import { randomUUID } from 'node:crypto';
import { GatewayConfig } from '@hihi/config';
import { PublicUser, REALTIME, RoomEventEnvelope } from '@hihi/contracts';
import { RoomEventsChannel } from '@hihi/common/bus';
import { REDIS } from '../redis/redis.module';

/** Presence changes of one room within this window are announced together. */
export const PRESENCE_COALESCE_MS = 150;
/** How long a gateway trusts its view of which gateways are alive. */
const ALIVE_CACHE_MS = 1000;

/**
 * Who is online in each room, kept in Redis so every gateway sees the same list.
 *
 * - One sorted set per room, all scores 0 so it is ordered by member: `<userId>|<gateway>`.
 *   A gateway adds its entry when a user's first socket on it joins the room and removes it when
 *   the last one leaves.
 * - Liveness is per gateway, not per entry: every REALTIME.presenceHeartbeatMs each gateway
 *   writes ONE score (`presence:gateways`, its id → now) — O(1) whatever its socket count.
 *   Entries of a gateway not heard from for REALTIME.presenceTtlMs are ignored when reading, and
 *   the first live gateway to notice cleans them up (it claims the dead gateway with ZREM, reads
 *   the dead gateway's own index `presence:gw:<id>` of `<roomId>|<userId>`, removes them and
 *   announces who left).
 * - Changes go out as deltas — `{roomId, joined, left, onlineCount}` — coalesced per room for
 *   PRESENCE_COALESCE_MS, never the whole list; a join ack carries the first
 *   REALTIME.presenceListMax members and the count.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private readonly instance: string = randomUUID();
  /** roomId → userId → { user, sockets } (this gateway's sockets) */
  private readonly local = new Map<string, Map<string, { user: PublicUser; sockets: number }>>();
  private timer?: NodeJS.Timeout;
  /** rooms with changes about to be announced */
  private readonly pending = new Map<string, { joined: Map<string, PublicUser>; left: Set<string> }>();
  private alive?: { at: number; ids: Set<string> };

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: GatewayConfig,
  ) {}

  private key(roomId: string): string {
    return `${this.config.REDIS_PREFIX}:presence:${roomId}`;
  }

  private get profiles(): string {
    return `${this.config.REDIS_PREFIX}:presence:users`;
  }

  private get gateways(): string {
    return `${this.config.REDIS_PREFIX}:presence:gateways`;
  }

  private index(instance: string): string {
    return `${this.config.REDIS_PREFIX}:presence:gw:${instance}`;
  }

  private member(userId: string, instance: string = this.instance): string {
    return `${userId}|${instance}`;
  }

  onModuleInit(): void {
    void this.heartbeat();
    this.timer = setInterval(() => void this.heartbeat(), REALTIME.presenceHeartbeatMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    try {
      // separate commands, not one MULTI: on a Redis Cluster the keys live in different slots
      const removals: Promise<unknown>[] = [];
      for (const [roomId, users] of this.local)
        for (const userId of users.keys()) removals.push(this.redis.zrem(this.key(roomId), this.member(userId)));
      removals.push(this.redis.del(this.index(this.instance)), this.redis.zrem(this.gateways, this.instance));
      await Promise.all(removals);
      const rooms = [...this.local.entries()];
      this.local.clear();
      for (const [roomId, users] of rooms) {
        for (const userId of users.keys())
          if (!(await this.stillOnline(roomId, userId))) this.note(roomId, { left: userId });
      }
      await Promise.all([...this.pending.keys()].map((r) => this.flush(r)));
    } catch {
      // Redis gone: the entries are ignored once this gateway's heartbeat is stale
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
    // separate commands sent together (on a Redis Cluster these keys live in different slots)
    await Promise.all([
      this.redis.hset(this.profiles, user.id, JSON.stringify(user)),
      this.redis.zadd(this.key(roomId), 0, this.member(user.id)),
      this.redis.sadd(this.index(this.instance), `${roomId}|${user.id}`),
      // this gateway is alive as of now (also when its first heartbeat found Redis not yet ready)
      this.redis.zadd(this.gateways, Date.now(), this.instance),
    ]);
    this.note(roomId, { joined: user });
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
    await Promise.all([
      this.redis.zrem(this.key(roomId), this.member(userId)),
      this.redis.srem(this.index(this.instance), `${roomId}|${userId}`),
    ]);
    if (!(await this.stillOnline(roomId, userId))) this.note(roomId, { left: userId });
  }

  /** Has the user another entry in the room (a tab on another live gateway)? */
  private async stillOnline(roomId: string, userId: string): Promise<boolean> {
    const entries = await this.redis.zrangebylex(this.key(roomId), `[${userId}|`, `[${userId}|\xff`);
    if (!entries.length) return false;
    const alive = await this.aliveGateways();
    return entries.some((e) => alive.has(e.slice(e.indexOf('|') + 1)));
  }

  private async aliveGateways(): Promise<Set<string>> {
    const now = Date.now();
    if (this.alive && now - this.alive.at < ALIVE_CACHE_MS) return this.alive.ids;
    const ids = await this.redis.zrangebyscore(this.gateways, now - REALTIME.presenceTtlMs, '+inf');
    ids.push(this.instance);
    this.alive = { at: now, ids: new Set(ids) };
    return this.alive.ids;
  }

  /**
   * People online on any live gateway (GET /api/admin/stats): distinct users in the live
   * gateways' own indexes (`presence:gw:<id>`, one entry per room a user's socket is in there).
   * An admin's occasional question, O(entries); never on a hot path.
   */
  async onlineCount(): Promise<number> {
    const alive = await this.aliveGateways();
    const users = new Set<string>();
    for (const id of alive) {
      const entries = await this.redis.smembers(this.index(id));
      for (const e of entries) users.add(e.slice(e.indexOf('|') + 1));
    }
    return users.size;
  }

  /** Distinct users with an entry from a live gateway: the first `max` (by id) and how many in all. */
  async snapshot(
    roomId: string,
    max: number = REALTIME.presenceListMax,
  ): Promise<{ online: PublicUser[]; count: number }> {
    const ids = await this.liveUserIds(roomId);
    const first = ids.slice(0, max);
    if (!first.length) return { online: [], count: 0 };
    const raw = await this.redis.hmget(this.profiles, ...first);
    const online: PublicUser[] = [];
    for (const r of raw) {
      if (!r) continue;
      try {
        online.push(JSON.parse(r) as PublicUser);
      } catch {
        /* skip */
      }
    }
    return { online, count: ids.length };
  }

  /** Ids of the room's users with an entry from a live gateway, each once (a user on two gateways has two entries). */
  private async liveUserIds(roomId: string): Promise<string[]> {
    const [entries, alive] = await Promise.all([this.redis.zrange(this.key(roomId), 0, -1), this.aliveGateways()]);
    const ids: string[] = [];
    for (const e of entries) {
      const at = e.indexOf('|');
      const id = e.slice(0, at);
      if (alive.has(e.slice(at + 1)) && ids[ids.length - 1] !== id) ids.push(id);
    }
    return ids;
  }

  /** Everyone online in the room (tests, small rooms). */
  async online(roomId: string): Promise<PublicUser[]> {
    return (await this.snapshot(roomId, Number.MAX_SAFE_INTEGER)).online;
  }

  /** Queue a change for the room's next announcement (one per PRESENCE_COALESCE_MS per room). */
  private note(roomId: string, change: { joined?: PublicUser; left?: string }): void {
    let p = this.pending.get(roomId);
    if (!p) {
      this.pending.set(roomId, (p = { joined: new Map(), left: new Set() }));
      const t = setTimeout(() => {
        void this.flush(roomId).catch((err: Error) =>
          this.logger.warn(`presence of ${roomId} not published: ${err.message}`),
        );
      }, PRESENCE_COALESCE_MS);
      t.unref();
    }
    if (change.joined) {
      p.left.delete(change.joined.id);
      p.joined.set(change.joined.id, change.joined);
    }
    if (change.left) {
      p.joined.delete(change.left);
      p.left.add(change.left);
    }
  }

  private async flush(roomId: string): Promise<void> {
    const p = this.pending.get(roomId);
    this.pending.delete(roomId);
    if (!p || (!p.joined.size && !p.left.size)) return;
    // people, not entries: a user on two gateways counts once, a dead gateway's users not at all
    const onlineCount = (await this.liveUserIds(roomId)).length;
    const event: RoomEventEnvelope = {
      type: 'presence',
      roomId,
      joined: [...p.joined.values()],
      left: [...p.left],
      onlineCount,
    };
    await new RoomEventsChannel(this.redis, this.config.REDIS_PREFIX).publish(event);
  }

  /** One write for this gateway; then clean up after gateways that stopped beating. */
  async heartbeat(): Promise<void> {
    try {
      const now = Date.now();
      await this.redis.zadd(this.gateways, now, this.instance);
      const dead = await this.redis.zrangebyscore(this.gateways, '-inf', now - REALTIME.presenceTtlMs);
      for (const instance of dead) await this.cleanUp(instance);
    } catch (err) {
      this.logger.warn(`presence heartbeat failed: ${(err as Error).message}`);
    }
  }

  /** Remove a dead gateway's entries and announce who left (only the gateway that claims it does). */
  private async cleanUp(instance: string): Promise<void> {
    if ((await this.redis.zrem(this.gateways, instance)) !== 1) return;
    this.alive = undefined;
    const entries = await this.redis.smembers(this.index(instance));
    for (const entry of entries) {
      const at = entry.lastIndexOf('|');
      const roomId = entry.slice(0, at);
      const userId = entry.slice(at + 1);
      await this.redis.zrem(this.key(roomId), this.member(userId, instance));
      if (!(await this.stillOnline(roomId, userId))) this.note(roomId, { left: userId });
    }
    await this.redis.del(this.index(instance));
    this.logger.log(`cleaned up after gateway ${instance} (${entries.length} presence entries)`);
  }
}

import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createRedis, RedisClient } from '@hihi/common/redis';
import type { Server, Socket } from 'socket.io';
import { GatewayConfig } from '@hihi/config';
import {
  revokedSessionKey,
  SERVER_EVENTS,
  SessionRevokedEvent,
  SessionRevokedReason,
  sessionRevokedChannel,
} from '@hihi/contracts';
import { verifyAccessToken } from '@hihi/common/tokens';
import { REDIS } from '../redis/redis.module';

/** How long "not revoked" is believed without asking Redis again (while pub/sub is up), ms. */
export const NOT_REVOKED_CACHE_MS = 500;
/** Longest an access token lives (SPEC: ≤ 15 min) plus slack: how long a revoked sid is remembered. */
const REVOKED_MEMORY_MS = (900 + 60) * 1000;
/** Bounds of the local caches (entries). */
const CACHE_MAX = 50_000;

export const sessionRoom = (sid: string): string => `session:${sid}`;

/**
 * Immediate revocation at the gateway (SPEC §4: 401 within 1 s, sockets closed within 5 s).
 *
 * Auth writes a deny entry per revoked session (`revokedSessionKey`, living as long as one of its
 * access tokens could) and publishes a SessionRevokedEvent. Here:
 * - `isRevoked(sid)` answers for REST (the passport strategy) and socket handshakes. A revoked sid
 *   is remembered locally; "not revoked" is believed for at most NOT_REVOKED_CACHE_MS and only
 *   while the pub/sub subscription is up (a revocation clears it at once) — else Redis is asked.
 * - every socket of a session is in the Socket.IO room `session:<sid>`; on the event, those on
 *   this gateway are told `session:revoked {reason}` and disconnected.
 * - after the subscription was down (missed events), every session with sockets here is checked
 *   against Redis again.
 */
@Injectable()
export class RevocationService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationService.name);
  private sub?: RedisClient;
  private subscribed = false;
  private everSubscribed = false;
  private server?: Server;
  /** sid → until when it is known revoked (ms) */
  private readonly revoked = new Map<string, number>();
  /** sid → when Redis last said "not revoked" (ms) */
  private readonly notRevoked = new Map<string, number>();

  constructor(
    private readonly config: GatewayConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  async onModuleInit(): Promise<void> {
    const channel = sessionRevokedChannel(this.config.REDIS_PREFIX);
    // plain pub/sub also on a cluster: a revocation is for every gateway (broadcast)
    this.sub = createRedis(this.config.REDIS_URL, { name: 'gateway-revocations', maxRetriesPerRequest: null });
    this.sub.on('error', () => undefined);
    this.sub.on('close', () => (this.subscribed = false));
    this.sub.on('message', (ch: string, raw: string) => {
      if (ch === channel) this.onEvent(raw);
    });
    // ioredis re-subscribes after a reconnect; events missed meanwhile are made up by a sweep
    this.sub.on('ready', () => {
      const again = this.everSubscribed;
      this.subscribed = true;
      this.everSubscribed = true;
      this.notRevoked.clear();
      if (again) void this.sweep();
    });
    await this.sub.subscribe(channel).catch((err: Error) => this.logger.error(`subscribe failed: ${err.message}`));
    this.subscribed = this.sub.status === 'ready';
    this.everSubscribed ||= this.subscribed;
  }

  onApplicationShutdown(): void {
    this.sub?.disconnect();
  }

  /**
   * Is this session signed out? Throws when Redis cannot be asked (callers decide: REST answers
   * 503, a socket handshake is let through and re-checked by the sweep once Redis is back).
   */
  async isRevoked(sid: string): Promise<boolean> {
    const now = Date.now();
    const until = this.revoked.get(sid);
    if (until !== undefined) {
      if (until > now) return true;
      this.revoked.delete(sid);
    }
    const checked = this.notRevoked.get(sid);
    if (this.subscribed && checked !== undefined && now - checked < NOT_REVOKED_CACHE_MS) return false;
    const denied = (await this.redis.exists(revokedSessionKey(this.config.REDIS_PREFIX, sid))) === 1;
    if (denied) this.remember(sid);
    else {
      if (this.notRevoked.size >= CACHE_MAX) this.notRevoked.clear();
      this.notRevoked.set(sid, now);
    }
    return denied;
  }

  /**
   * Wire into the Socket.IO server (called from the socket gateway's afterInit, after its own
   * authentication middleware): handshakes of revoked sessions are refused ('unauthorized'), and
   * each connected socket joins its session's room.
   */
  attach(server: Server): void {
    this.server = server;
    const sids = new WeakMap<Socket, string>();
    server.use((socket, next) => {
      const claims = verifyAccessToken(
        this.config.JWT_SECRET ?? '',
        (socket.handshake.auth as { token?: unknown })?.token,
        ['access', 'guest'],
      );
      const sid = claims?.use === 'access' ? claims.sid : undefined;
      if (!sid) return next();
      this.isRevoked(sid).then(
        (revoked) => {
          if (revoked) return next(new Error('unauthorized'));
          sids.set(socket, sid);
          next();
        },
        () => {
          // Redis unreachable: let it in; the sweep after the reconnect catches a revoked one
          sids.set(socket, sid);
          next();
        },
      );
    });
    server.on('connection', (socket: Socket) => {
      const sid = sids.get(socket);
      if (!sid) return;
      void socket.join(sessionRoom(sid));
      // revoked between the check and now: the event already landed in the local memory
      if (this.revoked.has(sid)) this.disconnect(sid, 'logout');
    });
  }

  /**
   * A socket signed in another way than a session JWT (a long-lived token, `tok:<id>`): closed
   * like a session's when that "session" is revoked.
   */
  watch(socket: Socket, sid: string): void {
    void socket.join(sessionRoom(sid));
    if (this.revoked.has(sid)) this.disconnect(sid, 'logout');
  }

  private onEvent(raw: string): void {
    let event: SessionRevokedEvent;
    try {
      event = JSON.parse(raw) as SessionRevokedEvent;
    } catch {
      this.logger.warn('dropped a malformed revocation event');
      return;
    }
    if (!Array.isArray(event?.sids)) return;
    for (const sid of event.sids) {
      if (typeof sid !== 'string') continue;
      this.remember(sid);
      this.disconnect(sid, event.reason);
    }
  }

  private remember(sid: string): void {
    this.notRevoked.delete(sid);
    if (this.revoked.size >= CACHE_MAX) {
      const now = Date.now();
      for (const [k, until] of this.revoked) if (until <= now) this.revoked.delete(k);
    }
    this.revoked.set(sid, Date.now() + REVOKED_MEMORY_MS);
  }

  /** Tell this gateway's sockets of the session why, then close them. */
  private disconnect(sid: string, reason: SessionRevokedReason): void {
    const room = sessionRoom(sid);
    const local = this.server?.local.in(room);
    if (!local) return;
    local.emit(SERVER_EVENTS.sessionRevoked, { reason });
    local.disconnectSockets(true);
  }

  /** Check every session with sockets on this gateway against Redis (after missed events). */
  private async sweep(): Promise<void> {
    const rooms = this.server?.sockets.adapter.rooms;
    if (!rooms) return;
    const sids = [...rooms.keys()].filter((r) => r.startsWith('session:')).map((r) => r.slice('session:'.length));
    for (const sid of sids) {
      try {
        if (await this.isRevoked(sid)) this.disconnect(sid, 'logout');
      } catch {
        return; // Redis gone again: the next reconnect sweeps
      }
    }
    if (sids.length) this.logger.log(`re-checked ${sids.length} sessions after a pub/sub reconnect`);
  }
}

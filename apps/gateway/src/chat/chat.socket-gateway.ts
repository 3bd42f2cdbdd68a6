import { BeforeApplicationShutdown, Inject, Logger, Optional } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'socket.io';
import { RedisClient } from '@hihi/common/redis';
import { GatewayConfig } from '@hihi/config';
import {
  Ack,
  AckError,
  ClientToServerEvents,
  EmptyAck,
  JoinReply,
  LIMITS,
  PROTOCOL,
  PublicUser,
  REALTIME,
  RoomEventEnvelope,
  RoomJoinAck,
  SERVER_EVENTS,
  ServerToClientEvents,
  SOCKET_PATH,
  TokenScope,
  tokenSessionId,
} from '@hihi/contracts';
import { BusClient, RoomEventsChannel } from '@hihi/common/bus';
import { Metrics } from '@hihi/common/observability';
import { claimsToUser, verifyAccessToken } from '@hihi/common/tokens';
import { COMMAND_DTOS } from '@hihi/dto';
import { CHAT_BUS } from '../bus/bus.module';
import { REDIS } from '../redis/redis.module';
import { PresenceService } from './presence.service';
import { RoomEventsSubscriber } from './room-events.subscriber';
import { RoomFanout, userRoom } from './room-fanout';
import { SendRateLimiter } from './send-rate-limiter';
import { ModerationBadge } from './moderation-badge';
import { SocketCommandGuard } from './socket-command-guard';
import { coalesceSocketWrites } from './socket-write-coalescer';
import { ackError, CommandCall, CommandHooks, SocketForwarder } from './socket-forwarder';
import { ApiTokenService, OriginPolicy, RevocationService, SOCKET_COMMAND_SCOPES } from '../auth';
import { ServerRolesService } from '../roles/server-roles.service';

interface SocketData {
  user: PublicUser;
  /** rooms this socket has joined (room:join succeeded) */
  joined: Set<string>;
  /** when the handshake's access token expires (epoch ms; Infinity: a token that does not) */
  expiresAt: number;
  /** a long-lived token's scopes (SPEC §9); absent: a person's session, every command */
  scopes?: readonly TokenScope[];
  /** a long-lived token's revocation "session" (`tok:<id>`) */
  tokenSid?: string;
  expiryTimer?: NodeJS.Timeout;
}
/** Socket.IO typed from the protocol table, both directions. */
type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** The socket as the forwarder sees it (events are checked against the table there). */
type ForwardedSocket = ChatSocket & { on(event: string, listener: (...args: unknown[]) => void): unknown };
type Call<K extends keyof typeof PROTOCOL> = CommandCall<typeof PROTOCOL, K, ForwardedSocket>;

/**
 * The real-time API (docs/protocol.md). Authenticates the handshake and bounds each
 * socket's life by its token; the commands themselves go through the generic SocketForwarder
 * (validate once, hooks, bus call, ack), with hooks only where a command needs more than a bus
 * call: the send rate limit, the join hold-back and presence, and the two commands the gateway
 * carries out alone (room:leave, typing). Room events come back from Redis pub/sub through
 * RoomEventsSubscriber → RoomFanout.
 */
@WebSocketGateway({
  path: SOCKET_PATH,
  maxHttpBufferSize: LIMITS.socketFrameBytes,
  serveClient: false,
})
export class ChatSocketGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown
{
  private readonly logger = new Logger('ChatSocket');
  private server?: ChatServer;
  /** client events being handled now (acks not yet sent) */
  private inFlight = 0;
  /** shutting down: no new connections; connected clients are told to reconnect elsewhere */
  private draining = false;
  private readonly forwarder: SocketForwarder<typeof PROTOCOL, ForwardedSocket>;

  constructor(
    private readonly config: GatewayConfig,
    @Inject(CHAT_BUS) chat: BusClient,
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly presence: PresenceService,
    private readonly fanout: RoomFanout,
    private readonly roomEvents: RoomEventsSubscriber,
    private readonly limiter: SendRateLimiter,
    private readonly originPolicy: OriginPolicy,
    private readonly revocation: RevocationService,
    private readonly roles: ServerRolesService,
    private readonly guard: SocketCommandGuard,
    private readonly apiTokens: ApiTokenService,
    private readonly badge: ModerationBadge,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.forwarder = new SocketForwarder({
      table: PROTOCOL,
      dtos: COMMAND_DTOS,
      bus: chat,
      hooks: this.hooks(chat.admits),
      onInFlight: (delta) => (this.inFlight += delta),
      // the server role as of now (a change reaches every gateway within 1 s), kept on the socket
      actorOf: async (socket) => (socket.data.user = await this.roles.withRole(socket.data.user)),
      // a token's scopes (SPEC §9), then the per-socket budgets, before validation (SocketCommandGuard)
      admit: (socket, name) => {
        const scopes = socket.data.scopes;
        const needed = SOCKET_COMMAND_SCOPES[name];
        if (scopes && !scopes.includes(needed))
          return { code: 'forbidden', message: `this token lacks the scope ${needed}` };
        return this.guard.admit(socket, name);
      },
      settled: (socket, name) => this.guard.settled(socket, name),
    });
  }

  afterInit(server: ChatServer): void {
    this.server = server;
    this.fanout.attach(server);
    // subscribe to the shard channels of the rooms this gateway's sockets are in (SPEC §11)
    this.roomEvents.attach(server);
    // moderation:reports to this gateway's moderators (SPEC §8)
    this.badge.attach(server);
    // what one turn of the event loop sends to a socket goes out in one write (SocketWriteCoalescer)
    coalesceSocketWrites(server.engine);
    // Own origin, PUBLIC_ORIGIN or CORS_ORIGIN only, exact (OriginPolicy); no re-pointed Host names.
    server.engine.opts.allowRequest = (req, callback) => callback(null, !this.draining && this.originAllowed(req));
    const origins = this.originPolicy.corsOrigins;
    if (origins.length) {
      const addCors = (headers: Record<string, string>, req: IncomingMessage) => {
        const origin = req.headers.origin;
        if (origin && origins.includes(origin)) {
          headers['Access-Control-Allow-Origin'] = origin;
          headers['Access-Control-Allow-Credentials'] = 'true';
          headers['Vary'] = 'Origin';
        }
      };
      server.engine.on('initial_headers', addCors);
      server.engine.on('headers', addCors);
    }
    // Authenticate the handshake before the socket joins anything.
    server.use((socket, next) => {
      if (this.draining) return next(new Error('shutting down'));
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      // a bot's or a person's long-lived token (SPEC §9): who it is comes from auth
      if (ApiTokenService.isToken(auth?.token)) return void this.tokenHandshake(socket, auth.token, next);
      const claims = verifyAccessToken(this.config.JWT_SECRET ?? '', auth?.token, ['access', 'guest']);
      if (!claims) return next(new Error('unauthorized'));
      // cut off for flooding a moment ago: no fresh budget yet (SocketCommandGuard)
      const wait = this.guard.refusesUser(claims.sub);
      if (wait) return next(Object.assign(new Error('rate_limited'), { data: { retryAfterMs: wait } }));
      this.roles.roleOf(claims.sub, claims.use === 'guest').then(
        (role) => {
          socket.data.user = claimsToUser(claims, role);
          socket.data.joined = new Set();
          socket.data.expiresAt = claims.exp * 1000;
          next();
        },
        () => next(new Error('unavailable')),
      );
    });
    // signed-out sessions: handshakes refused, connected sockets closed (joins `session:<sid>`)
    this.revocation.attach(server);
  }

  /** The handshake of a `hihi_bot_…` / `hihi_pat_…` token: the same protocol, bounded by its scopes. */
  private async tokenHandshake(socket: ChatSocket, token: string, next: (err?: Error) => void): Promise<void> {
    const v = await this.apiTokens.verify(token).catch(() => ({ ok: false as const, status: 503 as const }));
    if (!v.ok) return next(new Error(v.status === 401 ? 'unauthorized' : 'unavailable'));
    const { identity } = v;
    const wait = this.guard.refusesUser(identity.user.id);
    if (wait) return next(Object.assign(new Error('rate_limited'), { data: { retryAfterMs: wait } }));
    socket.data.user = identity.user;
    socket.data.joined = new Set();
    socket.data.expiresAt = identity.expiresAt ? Date.parse(identity.expiresAt) : Infinity;
    socket.data.scopes = identity.scopes;
    socket.data.tokenSid = tokenSessionId(identity.tokenId);
    next();
  }

  private originAllowed(req: IncomingMessage): boolean {
    return this.originPolicy.originAllowed(req.headers.origin, req);
  }

  handleConnection(socket: ChatSocket): void {
    if (!socket.data?.user) {
      socket.disconnect(true);
      return;
    }
    this.metrics?.socketsConnected.inc();
    // a socket lives no longer than its token: when it expires the client is told to reconnect,
    // which it does with a fresh token (a refresh first, if need be)
    const data = socket.data;
    // a token that never expires keeps its socket until it is revoked (RevocationService.watch)
    if (Number.isFinite(data.expiresAt)) {
      data.expiryTimer = setTimeout(
        () => {
          socket.emit(SERVER_EVENTS.serverReconnect, { reason: 'token expired' });
          socket.disconnect(true);
        },
        Math.min(2 ** 31 - 1, Math.max(0, data.expiresAt - Date.now())),
      );
      data.expiryTimer.unref();
    }
    if (data.tokenSid) this.revocation.watch(socket, data.tokenSid);
    void socket.join(userRoom(socket.data.user.id));
    this.forwarder.attach(socket as ForwardedSocket);
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    this.fanout.forget(socket);
    // pending read marks and typing states go now; a typing that was on ends
    void this.guard.forget(socket);
    const data = socket.data;
    clearTimeout(data?.expiryTimer);
    if (!data?.user) return;
    this.metrics?.socketsConnected.dec();
    const rooms = [...(data.joined ?? [])];
    data.joined?.clear();
    for (const roomId of rooms) {
      await this.presence.remove(roomId, data.user.id).catch(() => undefined);
    }
  }

  /**
   * Graceful shutdown (SIGTERM): refuse new connections, tell every client to reconnect (to
   * another gateway behind the load balancer), and finish the acks in flight before Nest closes
   * the sockets and the HTTP server.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    this.server?.emit(SERVER_EVENTS.serverReconnect, { reason: 'shutdown' });
    const until = Date.now() + REALTIME.shutdownGraceMs;
    while (this.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    this.logger.log(`drained (${this.inFlight} client events unfinished)`);
    // Close each connection once what was already written to it (the reconnect notice included)
    // has gone out. Nest's own close discards an engine.io write buffer, so a notice queued behind
    // a busy room's fan-out was lost and the client saw a bare drop. A transport close (not a
    // Socket.IO disconnect packet) keeps clients' automatic reconnection on.
    const conns = [...(this.server?.sockets.sockets.values() ?? [])].map((s) => s.conn);
    const closed = conns.map(
      (c) => new Promise<void>((r) => (c.readyState === 'closed' ? r() : c.once('close', () => r()))),
    );
    for (const c of conns) c.close();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, Math.min(1000, until - Date.now())))));
    await Promise.race([Promise.all(closed), bound]);
    clearTimeout(timer);
  }

  /* ---------- per-command hooks: only where a command needs more than a bus call ---------- */

  private hooks(admits: boolean): CommandHooks<typeof PROTOCOL, ForwardedSocket> {
    type Charged = Call<'messageSend' | 'messageEdit' | 'messageDelete' | 'messageReact'>;
    // the user's send token: taken with the bus request itself where the bus can (one Redis),
    // on its own first where it cannot (a cluster)
    const rateLimit = admits ? undefined : (call: Charged) => this.takeSendToken(call.socket.data.user.id);
    const admission = admits
      ? (call: Charged) => this.limiter.admission(call.socket.data.user.id, (ms) => this.sendRefused(ms))
      : undefined;
    return {
      roomJoin: {
        // hold live messages back while the join is in flight (docs/protocol.md "room:join")
        before: ({ socket, payload }) => this.beginJoin(socket, payload.roomId),
        failed: ({ socket, payload }) =>
          this.fanout.abortJoin(socket, payload.roomId, socket.data.joined.has(payload.roomId)),
        after: (call, reply) => this.joined(call, reply),
        acked: ({ socket, payload }, ack) => {
          const { messages, room } = ack;
          const seen = messages.length ? messages[messages.length - 1].seq : (payload.sinceSeq ?? room.lastSeq);
          this.fanout.endJoin(socket, payload.roomId, seen);
        },
      },
      roomLeave: { local: (call) => this.leave(call) },
      // coalesced per socket and room, latest wins (SocketCommandGuard)
      roomRead: { around: ({ socket, payload }, forward, answer) => this.guard.read(socket, payload, forward, answer) },
      messageSend: {
        before: rateLimit,
        admission,
        timeoutMs: () => Math.min(REALTIME.sendTimeoutMs, this.config.BUS_TIMEOUT_MS),
        acked: ({ started }) => {
          this.metrics?.messagesAccepted.inc();
          this.metrics?.sendAckSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
        },
      },
      messageEdit: { before: rateLimit, admission },
      messageDelete: { before: rateLimit, admission },
      messageReact: { before: rateLimit, admission },
      typing: { local: (call) => this.typing(call) },
    };
  }

  /**
   * The socket enters the Socket.IO room (live messages held back), then waits until this
   * gateway hears the room's shard channel: only then is chat asked for the catch-up page, so
   * nothing published after that read can be missed (docs/protocol.md "room:join").
   */
  private async beginJoin(socket: ChatSocket, roomId: string): Promise<AckError | void> {
    this.fanout.beginJoin(socket, roomId);
    let timer: NodeJS.Timeout | undefined;
    try {
      // bounded: while Redis is unreachable a join answers `unavailable` instead of waiting
      await Promise.race([
        this.roomEvents.ready(roomId),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), this.config.BUS_TIMEOUT_MS);
        }),
      ]);
    } catch {
      this.fanout.abortJoin(socket, roomId, socket.data.joined.has(roomId));
      return { code: 'unavailable', message: 'room events unavailable; retry' };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The per-user send token bucket (shared by every gateway through Redis). */
  private async takeSendToken(userId: string): Promise<AckError | void> {
    let limit: { allowed: boolean; retryAfterMs: number };
    try {
      limit = await this.limiter.take(userId);
    } catch {
      return { code: 'unavailable', message: 'rate limiter unavailable; retry' };
    }
    if (limit.allowed) return;
    return this.sendRefused(limit.retryAfterMs);
  }

  /** What a send (edit, deletion, reaction) over the user's rate is answered; counted. */
  private sendRefused(retryAfterMs: number): AckError {
    this.metrics?.rateLimitHits.inc({ limit: 'send' });
    return { code: 'rate_limited', message: `sending too fast; retry in ${retryAfterMs} ms`, retryAfterMs };
  }

  /** room:join answered by chat: the socket is in the room; add presence and the online list. */
  private async joined({ socket, payload, started }: Call<'roomJoin'>, reply: JoinReply): Promise<Ack<RoomJoinAck>> {
    const { roomId } = payload;
    if (!socket.connected) {
      this.fanout.abortJoin(socket, roomId, false);
      return ackError('unavailable', 'disconnected');
    }
    // removed while chat answered: the removal wins (RoomRemovals)
    if (this.fanout.removedDuring(roomId, socket.data.user.id, started)) {
      this.fanout.abortJoin(socket, roomId, false);
      return ackError('not_found', 'no such room');
    }
    if (!socket.data.joined.has(roomId)) {
      socket.data.joined.add(roomId);
      await this.presence
        .add(roomId, socket.data.user)
        .catch((err: Error) => this.logger.warn(`presence: ${err.message}`));
    }
    const { online, count } = await this.presence
      .snapshot(roomId)
      .catch(() => ({ online: [socket.data.user], count: 1 }));
    const { room, messages, hasMore, updates } = reply;
    return { ok: true, room, messages, hasMore, updates: updates ?? [], online, onlineCount: count };
  }

  private async leave({ socket, payload }: Call<'roomLeave'>): Promise<Ack<EmptyAck>> {
    const { roomId } = payload;
    if (socket.data.joined.delete(roomId)) {
      void socket.leave(roomId);
      await this.presence.remove(roomId, socket.data.user.id).catch(() => undefined);
    }
    return { ok: true };
  }

  /** Ephemeral: relayed to the room's other members through pub/sub, never stored; coalesced per socket and room. */
  private typing({ socket, payload }: Call<'typing'>): Ack<EmptyAck> {
    if (!socket.data.joined.has(payload.roomId)) return ackError('forbidden', 'join the room first');
    const user = socket.data.user;
    this.guard.typing(socket, payload, async ({ roomId, typing }) => {
      const event: RoomEventEnvelope = { type: 'typing', roomId, user, typing };
      await new RoomEventsChannel(this.redis, this.config.REDIS_PREFIX).publish(event);
    });
    return { ok: true };
  }
}

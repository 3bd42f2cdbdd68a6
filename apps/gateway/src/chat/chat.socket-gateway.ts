import { BeforeApplicationShutdown, Inject, Logger, Optional } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import Redis from 'ioredis';
import { GatewayConfig } from '@hihi/config';
import {
  Ack,
  AckError,
  BusResult,
  CHAT_PATTERNS,
  CLIENT_EVENTS,
  ErrorCode,
  JoinReply,
  LIMITS,
  MessageChangeAck,
  MessageSendAck,
  PublicUser,
  REALTIME,
  roomEventsChannel,
  RoomEventEnvelope,
  RoomReadReply,
  SERVER_EVENTS,
  SOCKET_PATH,
} from '@hihi/contracts';
import { BusClient, CallContext, claimsToUser, Metrics, verifyAccessToken } from '@hihi/common';
import {
  MessageDeleteDto,
  MessageEditDto,
  MessageReactDto,
  MessageSendDto,
  RoomJoinDto,
  RoomLeaveDto,
  RoomReadDto,
  TypingDto,
  validatePayload,
} from '@hihi/dto';
import { CHAT_BUS } from '../bus/bus.module';
import { REDIS } from '../redis/redis.module';
import { PresenceService } from './presence.service';
import { RoomFanout, userRoom } from './room-fanout';
import { SendRateLimiter } from './send-rate-limiter';
import { OriginPolicy, RevocationService } from '../auth';

interface SocketData {
  user: PublicUser;
  /** rooms this socket has joined (room:join succeeded) */
  joined: Set<string>;
  /** when the handshake's access token expires (epoch ms) */
  expiresAt: number;
  expiryTimer?: NodeJS.Timeout;
}
type ChatSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;
type Reply = (ack: Ack<Record<string, unknown>>) => void;
type Handler = (socket: ChatSocket, payload: unknown, reply: Reply) => Promise<void>;

function error(code: ErrorCode, message: string): Ack<Record<string, unknown>> {
  return { ok: false, error: { code, message } };
}

function fromBus<T>(res: BusResult<T>): { ok: false; error: AckError } | undefined {
  return res.ok ? undefined : { ok: false, error: { code: res.error.code, message: res.error.message } };
}

/**
 * The real-time API (SPEC §5). Thin: authenticates the handshake, validates each payload,
 * applies the send rate limit, and forwards to chat over the bus; room events come back from
 * Redis pub/sub through RoomEventsSubscriber → RoomFanout. Every client event is answered
 * through its ack (when the client passed one), whatever it carried: never a crash, never a
 * disconnect for bad input.
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
  private server?: Server;
  /** client events being handled now (acks not yet sent) */
  private inFlight = 0;
  /** shutting down: no new connections; connected clients are told to reconnect elsewhere */
  private draining = false;
  private readonly handlers: Record<string, Handler> = {
    [CLIENT_EVENTS.roomJoin]: (s, p, r) => this.join(s, p, r),
    [CLIENT_EVENTS.roomLeave]: (s, p, r) => this.leave(s, p, r),
    [CLIENT_EVENTS.messageSend]: (s, p, r) => this.send(s, p, r),
    [CLIENT_EVENTS.roomRead]: (s, p, r) => this.read(s, p, r),
    [CLIENT_EVENTS.typing]: (s, p, r) => this.typing(s, p, r),
    [CLIENT_EVENTS.messageEdit]: (s, p, r) => this.change(s, p, r, MessageEditDto, CHAT_PATTERNS.edit),
    [CLIENT_EVENTS.messageDelete]: (s, p, r) => this.change(s, p, r, MessageDeleteDto, CHAT_PATTERNS.delete),
    [CLIENT_EVENTS.messageReact]: (s, p, r) => this.change(s, p, r, MessageReactDto, CHAT_PATTERNS.react),
  };

  constructor(
    private readonly config: GatewayConfig,
    @Inject(CHAT_BUS) private readonly chat: BusClient,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly presence: PresenceService,
    private readonly fanout: RoomFanout,
    private readonly limiter: SendRateLimiter,
    private readonly originPolicy: OriginPolicy,
    private readonly revocation: RevocationService,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  afterInit(server: Server): void {
    this.server = server;
    this.fanout.attach(server);
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
      const claims = verifyAccessToken(this.config.JWT_SECRET ?? '', auth?.token, ['access', 'guest']);
      if (!claims) return next(new Error('unauthorized'));
      (socket.data as SocketData).user = claimsToUser(claims);
      (socket.data as SocketData).joined = new Set();
      (socket.data as SocketData).expiresAt = claims.exp * 1000;
      next();
    });
    // signed-out sessions: handshakes refused, connected sockets closed (joins `session:<sid>`)
    this.revocation.attach(server);
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
    data.expiryTimer = setTimeout(
      () => {
        (socket as unknown as Socket).emit(SERVER_EVENTS.serverReconnect, { reason: 'token expired' });
        socket.disconnect(true);
      },
      Math.max(0, data.expiresAt - Date.now()),
    );
    data.expiryTimer.unref();
    void socket.join(userRoom(socket.data.user.id));
    for (const [event, handler] of Object.entries(this.handlers)) {
      socket.on(event as never, ((...args: unknown[]) => void this.dispatch(socket, event, handler, args)) as never);
    }
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    this.fanout.forget(socket);
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

  /** Split the ack off, run the handler, and always answer through the ack if there is one. */
  private async dispatch(socket: ChatSocket, event: string, handler: Handler, args: unknown[]): Promise<void> {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (a: unknown) => void) : undefined;
    let answered = false;
    const reply: Reply = (a) => {
      if (answered || !ack) return;
      answered = true;
      try {
        ack(a);
      } catch {
        /* socket gone */
      }
    };
    const payload = args.length === 1 ? args[0] : undefined;
    this.inFlight++;
    try {
      await handler(socket, payload, reply);
    } catch (err) {
      this.logger.error(`${event} failed: ${(err as Error).message}`);
      reply(error('unavailable', 'internal error; retry'));
    } finally {
      this.inFlight--;
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
  }

  private ctx(socket: ChatSocket, timeoutMs?: number): CallContext {
    return { correlationId: randomUUID(), actor: socket.data.user, timeoutMs };
  }

  private async join(socket: ChatSocket, payload: unknown, reply: Reply): Promise<void> {
    const v = validatePayload(RoomJoinDto, payload);
    if (!v.ok) return reply(error('validation', v.message));
    const { roomId, sinceSeq } = v.value;
    const wasJoined = socket.data.joined.has(roomId);
    this.fanout.beginJoin(socket, roomId);
    const res = await this.chat.call<JoinReply>(CHAT_PATTERNS.join, { roomId, sinceSeq }, this.ctx(socket));
    if (!res.ok) {
      this.fanout.abortJoin(socket, roomId, wasJoined);
      return reply(fromBus(res)!);
    }
    if (!socket.connected) return this.fanout.abortJoin(socket, roomId, false);
    if (!wasJoined) {
      socket.data.joined.add(roomId);
      await this.presence
        .add(roomId, socket.data.user)
        .catch((err: Error) => this.logger.warn(`presence: ${err.message}`));
    }
    const everyone = await this.presence.online(roomId).catch(() => [socket.data.user]);
    const online = everyone.slice(0, REALTIME.presenceListMax);
    const { room, messages, hasMore, updates } = res.data;
    reply({ ok: true, room, messages, hasMore, updates: updates ?? [], online, onlineCount: everyone.length });
    const seen = messages.length ? messages[messages.length - 1].seq : (sinceSeq ?? room.lastSeq);
    this.fanout.endJoin(socket, roomId, seen);
  }

  private async leave(socket: ChatSocket, payload: unknown, reply: Reply): Promise<void> {
    const v = validatePayload(RoomLeaveDto, payload);
    if (!v.ok) return reply(error('validation', v.message));
    const { roomId } = v.value;
    if (socket.data.joined.delete(roomId)) {
      void socket.leave(roomId);
      await this.presence.remove(roomId, socket.data.user.id).catch(() => undefined);
    }
    reply({ ok: true });
  }

  private async send(socket: ChatSocket, payload: unknown, reply: Reply): Promise<void> {
    const started = process.hrtime.bigint();
    const v = validatePayload(MessageSendDto, payload);
    if (!v.ok) return reply(error('validation', v.message));
    if (!(await this.withinRate(socket, reply))) return;
    const timeoutMs = Math.min(REALTIME.sendTimeoutMs, this.config.BUS_TIMEOUT_MS);
    const res = await this.chat.call<MessageSendAck>(CHAT_PATTERNS.send, { ...v.value }, this.ctx(socket, timeoutMs));
    if (!res.ok) return reply(fromBus(res)!);
    reply({ ok: true, message: res.data.message });
    this.metrics?.messagesAccepted.inc();
    this.metrics?.sendAckSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
  }

  /** The user's send budget (token bucket) covers messages, edits, deletions and reactions alike. */
  private async withinRate(socket: ChatSocket, reply: Reply): Promise<boolean> {
    let limit: { allowed: boolean; retryAfterMs: number };
    try {
      limit = await this.limiter.take(socket.data.user.id);
    } catch {
      reply(error('unavailable', 'rate limiter unavailable; retry'));
      return false;
    }
    if (limit.allowed) return true;
    this.metrics?.rateLimitHits.inc({ limit: 'send' });
    const rateLimited = {
      code: 'rate_limited' as const,
      message: `sending too fast; retry in ${limit.retryAfterMs} ms`,
    };
    reply({ ok: false, error: Object.assign(rateLimited, { retryAfterMs: limit.retryAfterMs }) });
    return false;
  }

  /** message:edit, message:delete, message:react: validated, within the send budget, answered with the message. */
  private async change(
    socket: ChatSocket,
    payload: unknown,
    reply: Reply,
    dto: typeof MessageEditDto | typeof MessageDeleteDto | typeof MessageReactDto,
    pattern: string,
  ): Promise<void> {
    const v = validatePayload<object>(dto, payload);
    if (!v.ok) return reply(error('validation', v.message));
    if (!(await this.withinRate(socket, reply))) return;
    const res = await this.chat.call<MessageChangeAck>(pattern, { ...v.value }, this.ctx(socket));
    if (!res.ok) return reply(fromBus(res)!);
    reply({ ok: true, message: res.data.message });
  }

  private async read(socket: ChatSocket, payload: unknown, reply: Reply): Promise<void> {
    const v = validatePayload(RoomReadDto, payload);
    if (!v.ok) return reply(error('validation', v.message));
    const res = await this.chat.call<RoomReadReply>(CHAT_PATTERNS.read, v.value, this.ctx(socket));
    if (!res.ok) return reply(fromBus(res)!);
    reply({ ok: true, room: res.data.room });
  }

  /** Ephemeral: relayed to the room's other members through pub/sub, never stored. */
  private async typing(socket: ChatSocket, payload: unknown, reply: Reply): Promise<void> {
    const v = validatePayload(TypingDto, payload);
    if (!v.ok) return reply(error('validation', v.message));
    const { roomId, typing } = v.value;
    if (!socket.data.joined.has(roomId)) return reply(error('forbidden', 'join the room first'));
    const event: RoomEventEnvelope = { type: 'typing', roomId, user: socket.data.user, typing };
    try {
      await this.redis.publish(roomEventsChannel(this.config.REDIS_PREFIX), JSON.stringify(event));
    } catch {
      return reply(error('unavailable', 'typing could not be relayed'));
    }
    reply({ ok: true });
  }
}

import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import {
  type Ack,
  CLIENT_EVENTS,
  type ClientToServerEvents,
  type CommandAck,
  type CommandPayload,
  type Message,
  type PresenceEvent,
  PROTOCOL,
  type Room,
  type RoomMemberEvent,
  type RoomRemovedEvent,
  type UserUpdatedEvent,
  SERVER_EVENTS,
  type ServerDisconnectEvent,
  type ModerationReportsEvent,
  type ServerToClientEvents,
  SOCKET_COMMANDS,
  SOCKET_PATH,
  type SocketCommand,
  type TypingEvent,
  type TypingPayload,
} from '@hihi/contracts';
import { Subject } from 'rxjs';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { AuthService } from '../auth/auth.service';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/** The client socket, typed from the protocol table (PROTOCOL in @hihi/contracts) both ways. */
export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type IoFactory = (uri: string, opts: Partial<ManagerOptions & SocketOptions>) => ChatSocket;

/** The Socket.IO event of each socket command (`room:join`, `message:send` …). */
export type CommandEvent = (typeof PROTOCOL)[SocketCommand]['event'];
/** The command of an event name. */
type CommandOf<E extends CommandEvent> = {
  [K in SocketCommand]: (typeof PROTOCOL)[K]['event'] extends E ? K : never;
}[SocketCommand];
/** What a command's event carries, and what its ack holds, by event name. */
export type EventPayload<E extends CommandEvent> = CommandPayload<CommandOf<E>>;
export type EventAck<E extends CommandEvent> = Ack<CommandAck<CommandOf<E>>>;

const COMMAND_EVENTS = new Set<string>(SOCKET_COMMANDS.map((k) => PROTOCOL[k].event));

/** How sockets are made; tests replace it with a fake. */
export const IO_FACTORY = new InjectionToken<IoFactory>('IO_FACTORY', {
  providedIn: 'root',
  factory: () => io,
});

export const ACK_TIMEOUT_MS = 10_000;
/** the longest a server:disconnect's retryAfterMs is waited for (a hostile value cannot park the client) */
const MAX_CUT_OFF_WAIT_MS = 5 * 60_000;

/**
 * The one Socket.IO connection. The `auth` option is a function, so every (re)connection
 * presents a fresh access token; an `unauthorized` handshake refreshes the token and retries.
 */
@Injectable({ providedIn: 'root' })
export class SocketService {
  private readonly auth = inject(AuthService);
  private readonly ioFactory = inject(IO_FACTORY);

  private socket: ChatSocket | null = null;
  private everConnected = false;
  private unauthorizedStreak = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  private readonly stateSignal = signal<ConnectionState>('idle');
  readonly state = this.stateSignal.asReadonly();
  /**
   * The server cut this socket off (`server:disconnect`: it kept sending after rate_limited):
   * the reason, until the client may connect again (epoch ms). Cleared on the next connection.
   */
  private readonly cutOffSignal = signal<{ reason: string; until: number } | null>(null);
  readonly cutOff = this.cutOffSignal.asReadonly();

  /** Emits on every successful connection; `reconnect` is true after the first one. */
  readonly connected$ = new Subject<{ reconnect: boolean }>();
  readonly messageNew$ = new Subject<Message>();
  /** a message after an edit, a deletion or a reaction */
  readonly messageUpdated$ = new Subject<Message>();
  readonly presence$ = new Subject<PresenceEvent>();
  readonly typing$ = new Subject<TypingEvent>();
  readonly roomUpdated$ = new Subject<Room>();
  /** someone joined, left, was removed from or changed role in a room */
  readonly roomMember$ = new Subject<RoomMemberEvent>();
  /** the viewer is no longer in a room (left in another tab, removed, banned, the room deleted) */
  readonly roomRemoved$ = new Subject<RoomRemovedEvent>();
  /** someone in a room of the viewer changed their display name or avatar */
  readonly userUpdated$ = new Subject<UserUpdatedEvent>();
  /** the open reports the viewer may act on changed (moderators: the badge) */
  readonly moderationReports$ = new Subject<ModerationReportsEvent>();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.disconnect());
  }

  get connected(): boolean {
    return this.socket?.connected === true;
  }

  connect(): void {
    if (this.socket) return;
    this.stateSignal.set('connecting');
    const socket = this.ioFactory(globalThis.location.origin, {
      path: SOCKET_PATH,
      auth: (cb: (data: object) => void) => {
        this.auth.validAccessToken().then(
          (token) => cb({ token }),
          () => cb({ token: this.auth.accessToken() }),
        );
      },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket = socket;

    socket.on('connect', () => {
      this.unauthorizedStreak = 0;
      this.cutOffSignal.set(null);
      this.stateSignal.set('connected');
      this.connected$.next({ reconnect: this.everConnected });
      this.everConnected = true;
    });
    socket.on('disconnect', (reason: string) => {
      if (reason === 'io client disconnect') {
        this.stateSignal.set('idle');
        return;
      }
      this.stateSignal.set('reconnecting');
      // the server closed us on purpose: socket.io will not retry by itself; after a cut-off for
      // flooding, not before the server's retryAfterMs (it refuses earlier reconnections)
      if (reason === 'io server disconnect') {
        const cut = this.cutOffSignal();
        this.scheduleReconnect(cut ? Math.max(300, cut.until - Date.now()) : 300);
      }
    });
    socket.on('connect_error', (err: Error) => this.onConnectError(err));
    socket.on(SERVER_EVENTS.messageNew, (m: Message) => this.messageNew$.next(m));
    socket.on(SERVER_EVENTS.messageUpdated, (m: Message) => this.messageUpdated$.next(m));
    socket.on(SERVER_EVENTS.presence, (p: PresenceEvent) => this.presence$.next(p));
    socket.on(SERVER_EVENTS.typing, (t: TypingEvent) => this.typing$.next(t));
    socket.on(SERVER_EVENTS.roomUpdated, (r: Room) => this.roomUpdated$.next(r));
    socket.on(SERVER_EVENTS.roomMember, (e: RoomMemberEvent) => this.roomMember$.next(e));
    socket.on(SERVER_EVENTS.roomRemoved, (e: RoomRemovedEvent) => this.roomRemoved$.next(e));
    socket.on(SERVER_EVENTS.serverDisconnect, (e: ServerDisconnectEvent) => {
      const wait = Number.isFinite(e?.retryAfterMs) ? Math.min(Math.max(e.retryAfterMs, 0), MAX_CUT_OFF_WAIT_MS) : 5000;
      this.cutOffSignal.set({ reason: String(e?.reason ?? ''), until: Date.now() + wait });
    });
    socket.on(SERVER_EVENTS.userUpdated, (e: UserUpdatedEvent) => this.userUpdated$.next(e));
    socket.on(SERVER_EVENTS.moderationReports, (e: ModerationReportsEvent) => this.moderationReports$.next(e));
    socket.on(SERVER_EVENTS.serverReconnect, () => {
      // the server is going away: come back through another process shortly
      socket.disconnect();
      this.stateSignal.set('reconnecting');
      this.scheduleReconnect(200 + Math.random() * 800);
    });
  }

  disconnect(): void {
    this.clearRetry();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.everConnected = false;
    this.stateSignal.set('idle');
  }

  /** Reconnect at once (the banner's "reconnect now" button); not while cut off for flooding. */
  reconnectNow(): void {
    if (!this.socket || this.socket.connected) return;
    const cut = this.cutOffSignal();
    if (cut && cut.until > Date.now()) return;
    this.clearRetry();
    this.socket.connect();
  }

  /**
   * Sends a command of the protocol table and waits for its acknowledgement: the payload and the
   * ack are typed from the event (`request(CLIENT_EVENTS.messageSend, payload)` answers
   * `Ack<MessageSendAck>`). A timeout or a missing connection becomes an `unavailable` ack.
   */
  async request<E extends CommandEvent>(
    event: E,
    payload: EventPayload<E>,
    timeoutMs = ACK_TIMEOUT_MS,
  ): Promise<EventAck<E>> {
    const socket = this.socket;
    if (!socket?.connected) {
      return { ok: false, error: { code: 'unavailable', message: 'not connected' } };
    }
    if (!COMMAND_EVENTS.has(event)) {
      return { ok: false, error: { code: 'validation', message: `unknown command ${event}` } };
    }
    try {
      // socket.io's emitWithAck cannot see through an optional ack parameter: the types come from
      // this method's signature (the protocol table) instead
      const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> };
      const ack = (await timed.emitWithAck(event, payload)) as EventAck<E> | null;
      if (ack && typeof ack === 'object' && 'ok' in ack) return ack;
      return { ok: false, error: { code: 'unavailable', message: 'malformed acknowledgement' } };
    } catch {
      return { ok: false, error: { code: 'unavailable', message: 'timeout' } };
    }
  }

  typing(payload: TypingPayload): void {
    if (this.socket?.connected) this.socket.emit(CLIENT_EVENTS.typing, payload);
  }

  private onConnectError(err: Error): void {
    const socket = this.socket;
    if (!socket) return;
    if (err?.message === 'unauthorized') {
      this.stateSignal.set(this.everConnected ? 'reconnecting' : 'connecting');
      this.unauthorizedStreak++;
      if (this.unauthorizedStreak > 2 || !this.auth.canRefresh()) {
        this.disconnect();
        this.auth.expire();
        return;
      }
      this.auth.refresh().then(
        () => this.scheduleReconnect(0),
        () => {
          /* AuthService.expire() already sent us to the sign-in page on 401 */
          if (this.auth.isSignedIn()) this.scheduleReconnect(2000);
        },
      );
      return;
    }
    this.stateSignal.set(this.everConnected ? 'reconnecting' : 'connecting');
    // a middleware error stops socket.io's own retries; keep trying gently
    if (!socket.active) this.scheduleReconnect(2000);
  }

  private scheduleReconnect(delayMs: number): void {
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.socket && !this.socket.connected) this.socket.connect();
    }, delayMs);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

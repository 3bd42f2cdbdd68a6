import { Injectable, Logger, Optional } from '@nestjs/common';
import { GatewayConfig } from '@hihi/config';
import {
  AckError,
  BusResult,
  CommandRow,
  PROTOCOL,
  RoomReadPayload,
  SERVER_EVENTS,
  SocketCommand,
  TypingPayload,
} from '@hihi/contracts';
import { Metrics } from '@hihi/common/observability';
import { LatestWins } from './latest-wins';
import { CommandClass, SocketCommandLimiter } from './socket-command-limiter';

/** The socket as the guard needs it. */
export interface GuardedSocket {
  readonly id: string;
  readonly data: { user: { id: string } };
  emit(event: typeof SERVER_EVENTS.serverDisconnect, payload: { reason: string; retryAfterMs: number }): unknown;
  disconnect(close?: boolean): unknown;
}

/** Commands that are coalesced per socket and room (latest wins) rather than forwarded one by one. */
const COALESCED: ReadonlySet<SocketCommand> = new Set<SocketCommand>(['roomRead', 'typing']);

/** A read-mark flush that failed in a way worth another try (chat gone, bus timeout). */
class RetryableReadError extends Error {
  constructor(readonly result: BusResult<unknown>) {
    super('read mark not recorded');
  }
}

/** How long a cut-off socket is asked to wait before it connects again, ms. */
const CUT_OFF_RETRY_MS = 10_000;

/**
 * Every socket command bounded (SPEC §6 "Chatty clients", docs/protocol.md "Limits"):
 *
 * - `room:read` and `typing` are coalesced per socket and room, latest wins: at most one goes on
 *   per SOCKET_COALESCE_MS (a read mark to chat keeps the highest seq; a typing state to the
 *   room), the first after a quiet interval at once. Every room:read is acked with the answer of
 *   the flush that carried it. On disconnect what is pending is sent at once, and a typing that
 *   was on gets its end — nothing is lost.
 * - every command is charged to a per-socket token bucket (room:read and typing to a large one,
 *   the rest to SOCKET_COMMAND_RATE_PER_SEC / SOCKET_COMMAND_BURST) before it is validated;
 *   over budget — or with SOCKET_MAX_IN_FLIGHT of its commands still unanswered (a flood of
 *   expensive commands never queues more than that for the services), or SOCKET_MAX_JOINS_IN_FLIGHT
 *   room:joins (each reads a page of history; `cost` in its PROTOCOL row) — it is answered
 *   `rate_limited` with `retryAfterMs`, and a socket that keeps going
 *   (SOCKET_FLOOD_STRIKES refusals within 10 s) gets `server:disconnect` with the reason and is
 *   disconnected; that user's new sockets are refused for 10 s (`refusesUser`, handshake).
 */
@Injectable()
export class SocketCommandGuard {
  private readonly logger = new Logger('ChatSocket');
  private readonly limiter: SocketCommandLimiter;
  private readonly reads: LatestWins<RoomReadPayload, BusResult<unknown>>;
  private readonly typings: LatestWins<TypingPayload, void>;
  /** commands other than room:read and typing each socket has in hand now */
  private readonly inFlight = new WeakMap<object, number>();
  private readonly maxInFlight: number;
  /** room:join commands each socket has in hand now (each reads a page of history) */
  private readonly joinsInFlight = new WeakMap<object, number>();
  private readonly maxJoinsInFlight: number;
  /** users cut off recently → until when (performance.now() ms) their new sockets are refused */
  private readonly cutOffUntil = new Map<string, number>();

  constructor(
    config: GatewayConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    this.maxInFlight = config.SOCKET_MAX_IN_FLIGHT;
    this.maxJoinsInFlight = config.SOCKET_MAX_JOINS_IN_FLIGHT;
    this.limiter = new SocketCommandLimiter({
      ratePerSec: config.SOCKET_COMMAND_RATE_PER_SEC,
      burst: config.SOCKET_COMMAND_BURST,
      coalescedRatePerSec: config.SOCKET_COALESCED_RATE_PER_SEC,
      coalescedBurst: config.SOCKET_COALESCED_BURST,
      strikes: config.SOCKET_FLOOD_STRIKES,
    });
    this.reads = new LatestWins({
      intervalMs: config.SOCKET_COALESCE_MS,
      merge: (a, b) => (b.seq >= a.seq ? b : a),
      // a chat process killed with the mark taken: the mark goes again (to another one)
      attempts: 5,
      // a room's members all mark read on the same message: without it their flushes stay in
      // step and each one's held acks leave together, a burst that delays the room's deliveries
      jitter: 0.25,
      onError: (roomId) => this.logger.warn(`read mark in ${roomId} not recorded yet; retrying`),
    });
    this.typings = new LatestWins({
      intervalMs: config.SOCKET_COALESCE_MS,
      merge: (_a, b) => b,
      onForget: (last) => (last.typing ? { ...last, typing: false } : undefined),
    });
  }

  /** The forwarder's admission: charge the socket's bucket; cut a flooding socket off. */
  admit(socket: GuardedSocket, name: SocketCommand): AckError | void {
    const cls: CommandClass = COALESCED.has(name) ? 'coalesced' : 'other';
    const join = name === 'roomJoin';
    const busy =
      cls === 'other' &&
      ((this.inFlight.get(socket) ?? 0) >= this.maxInFlight ||
        (join && (this.joinsInFlight.get(socket) ?? 0) >= this.maxJoinsInFlight));
    const row: CommandRow = PROTOCOL[name];
    const verdict = this.limiter.admit(socket, cls, busy, row.cost ?? 1);
    if (verdict.ok) {
      if (cls === 'other') this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
      if (join) this.joinsInFlight.set(socket, (this.joinsInFlight.get(socket) ?? 0) + 1);
      return;
    }
    this.metrics?.rateLimitHits.inc({ limit: cls === 'coalesced' ? 'socket_coalesced' : 'socket' });
    if (verdict.cutOff) {
      const reason = verdict.cutOff;
      this.remember(socket.data.user.id);
      this.logger.warn(`socket ${socket.id} cut off (${PROTOCOL[name].event}): ${reason}`);
      // after the refusal's ack has gone out
      setImmediate(() => {
        socket.emit(SERVER_EVENTS.serverDisconnect, { reason, retryAfterMs: CUT_OFF_RETRY_MS });
        socket.disconnect(true);
      });
    }
    return verdict.error;
  }

  /** The forwarder answered an admitted command. */
  settled(socket: object, name: SocketCommand): void {
    if (COALESCED.has(name)) return;
    const n = this.inFlight.get(socket) ?? 0;
    if (n > 0) this.inFlight.set(socket, n - 1);
    if (name === 'roomJoin') {
      const j = this.joinsInFlight.get(socket) ?? 0;
      if (j > 0) this.joinsInFlight.set(socket, j - 1);
    }
  }

  /**
   * A user cut off for flooding may not connect again (to this gateway) for CUT_OFF_RETRY_MS:
   * how long is left, ms, or 0. The handshake answers `rate_limited` meanwhile, so a bot that
   * reconnects at once does not get a fresh budget.
   */
  refusesUser(userId: string): number {
    const until = this.cutOffUntil.get(userId);
    if (until === undefined) return 0;
    const left = until - performance.now();
    if (left > 0) return Math.ceil(left);
    this.cutOffUntil.delete(userId);
    return 0;
  }

  private remember(userId: string): void {
    const now = performance.now();
    if (this.cutOffUntil.size >= 10_000) {
      for (const [id, until] of this.cutOffUntil) if (until <= now) this.cutOffUntil.delete(id);
    }
    this.cutOffUntil.set(userId, now + CUT_OFF_RETRY_MS);
  }

  /** room:read, coalesced: `forward` is the bus call (latest seq wins); `done` gets the answer of the flush that carried it. */
  read(
    socket: object,
    payload: RoomReadPayload,
    forward: (p: RoomReadPayload) => Promise<BusResult<unknown>>,
    done: (res: BusResult<unknown>) => void,
  ): void {
    this.reads.submitThen(
      socket,
      payload.roomId,
      payload,
      async (p) => {
        const res = await forward(p);
        if (!res.ok && res.error.code === 'unavailable') throw new RetryableReadError(res);
        return res;
      },
      (result) => {
        if (result.ok) done(result.value);
        else if (result.error instanceof RetryableReadError) done(result.error.result);
        else done({ ok: false, error: { code: 'unavailable', message: 'read mark not recorded; retry' } });
      },
    );
  }

  /** typing, coalesced: relayed (by `publish`) at most once per interval per socket and room, latest wins. */
  typing(socket: object, payload: TypingPayload, publish: (p: TypingPayload) => Promise<void>): void {
    void this.typings.submit(socket, payload.roomId, payload, publish);
  }

  /** The socket disconnected: pending read marks and typing states go now, a typing that was on ends. */
  forget(socket: object): Promise<void> {
    return Promise.all([this.reads.forget(socket), this.typings.forget(socket)]).then(() => undefined);
  }
}

import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  Ack,
  AckError,
  AckIn,
  BusResult,
  ErrorCode,
  PayloadIn,
  ProtocolTable,
  PublicUser,
  REALTIME,
  ReplyIn,
  SocketCommandIn,
  socketCommandsOf,
} from '@hihi/contracts';
import type { CallContext } from '@hihi/common/bus';
import type { Admission } from '@hihi/common/rate-limit';
import { DtoMapOf, validatePayload } from '@hihi/dto';

/** The socket as the forwarder needs it. */
export interface CommandSocket {
  readonly connected: boolean;
  readonly data: { user: PublicUser };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** How the forwarder reaches the services (BusClient.callRaw: the table types the payload). */
export interface ForwarderBus {
  callRaw(pattern: string, data: unknown, ctx: CallContext): Promise<BusResult<unknown>>;
}

/** One command being handled: who sent it, what (validated), when. */
export interface CommandCall<T extends ProtocolTable, K extends keyof T, S extends CommandSocket = CommandSocket> {
  readonly name: K;
  readonly socket: S;
  readonly payload: PayloadIn<T, K>;
  /** process.hrtime.bigint() when the event arrived */
  readonly started: bigint;
}

/** Hooks of a command the gateway forwards over the bus. Every hook is optional. */
export interface BusCommandHooks<T extends ProtocolTable, K extends keyof T, S extends CommandSocket> {
  /** before the bus call: answering an error stops here (rate limit, join hold-back …) */
  before?(call: CommandCall<T, K, S>): Promise<AckError | void> | AckError | void;
  /** this command's bus timeout, ms (default: the bus's) */
  timeoutMs?(): number;
  /** a token the bus call takes with the request, in the same round trip (CallContext.admission) */
  admission?(call: CommandCall<T, K, S>): Admission | undefined;
  /** the bus answered an error (or nothing in time) */
  failed?(call: CommandCall<T, K, S>, error: AckError): void;
  /** turn the service's reply into the ack (default: the reply is the ack) */
  after?(call: CommandCall<T, K, S>, reply: ReplyIn<T, K>): Promise<Ack<AckIn<T, K>>> | Ack<AckIn<T, K>>;
  /** after a successful ack went out */
  acked?(call: CommandCall<T, K, S>, ack: AckIn<T, K>): void;
  /**
   * carry out the bus call yourself: `forward` makes it (with this call's context), and `answer`
   * takes its result, once. Coalescing sends one call for several commands and answers each
   * with the result of the call that carried it. A callback, not a promise: a command waiting
   * for a coalesced flush (up to SOCKET_COALESCE_MS) holds only `answer` and its call, not a
   * chain of suspended async frames — at 20,000 room:read/s those frames outlived two young-GC
   * cycles each and doubled the scavenges' cost (docs/performance.md).
   */
  around?(
    call: CommandCall<T, K, S>,
    forward: (payload: PayloadIn<T, K>) => Promise<BusResult<unknown>>,
    answer: (res: BusResult<unknown>) => void,
  ): void;
}

/** A command the gateway carries out alone (its row has no bus pattern). */
export interface LocalCommandHooks<T extends ProtocolTable, K extends keyof T, S extends CommandSocket> {
  local(call: CommandCall<T, K, S>): Promise<Ack<AckIn<T, K>>> | Ack<AckIn<T, K>>;
}

type HasPattern<T extends ProtocolTable, K extends keyof T> = T[K] extends { pattern: string } ? true : false;
/** A forwarded command needs an `after` hook only when its reply is not already its ack. */
type ReplyIsAck<T extends ProtocolTable, K extends keyof T> = [ReplyIn<T, K>] extends [AckIn<T, K>] ? true : false;
/** Socket commands that cannot go without hooks: local ones, and those whose reply is not the ack. */
type NeedsHooks<T extends ProtocolTable, K extends keyof T> =
  HasPattern<T, K> extends true ? (ReplyIsAck<T, K> extends true ? false : true) : true;
type HooksOf<T extends ProtocolTable, K extends keyof T, S extends CommandSocket> =
  HasPattern<T, K> extends true
    ? BusCommandHooks<T, K, S> &
        (ReplyIsAck<T, K> extends true ? unknown : Required<Pick<BusCommandHooks<T, K, S>, 'after'>>)
    : LocalCommandHooks<T, K, S>;

/**
 * Hooks per socket command of table T. The compiler requires them where they are needed (a
 * command without a bus pattern; a reply that is not the ack) and allows them everywhere else.
 */
export type CommandHooks<T extends ProtocolTable, S extends CommandSocket = CommandSocket> = {
  [K in SocketCommandIn<T> as NeedsHooks<T, K> extends true ? K : never]: HooksOf<T, K, S>;
} & {
  [K in SocketCommandIn<T> as NeedsHooks<T, K> extends true ? never : K]?: HooksOf<T, K, S>;
};

export interface ForwarderOptions<T extends ProtocolTable, S extends CommandSocket> {
  table: T;
  dtos: DtoMapOf<T>;
  bus: ForwarderBus;
  hooks: CommandHooks<T, S>;
  /** client events being handled now go up and down (graceful shutdown waits for 0) */
  onInFlight?: (delta: 1 | -1) => void;
  /**
   * Load shedding: with this many bus commands already waiting for their answers, a new one is
   * answered `unavailable` at once (with retryAfterMs) instead of queueing behind them — the
   * client retries with jittered backoff. Default REALTIME.gatewayMaxInFlight.
   */
  maxInFlight?: number;
  /**
   * The bus envelope's `actor` for a command of this socket (default `socket.data.user`): the
   * chat gateway gives the user with its server role as of now (ServerRolesService).
   */
  actorOf?: (socket: S) => Promise<PublicUser> | PublicUser;
  /**
   * Admission of each event before it is even validated (per-socket rate limits): an error is
   * answered at once and the event goes no further.
   */
  admit?: (socket: S, name: SocketCommandIn<T>) => AckError | void;
  /** an admitted event has been answered (per-socket in-flight counts) */
  settled?: (socket: S, name: SocketCommandIn<T>) => void;
}

export function ackError(code: ErrorCode, message: string): { ok: false; error: AckError } {
  return { ok: false, error: { code, message } };
}

/**
 * The gateway's socket layer, generic over a protocol table (docs/protocol.md): for every socket
 * command of the table it listens to the command's event and, per event, splits the ack off,
 * validates the payload once with the command's DTO (the one validation pipeline), runs the
 * command's hooks, calls the bus pattern, and answers through the ack — always, when the client
 * passed one, whatever it sent: never a crash, never a disconnect for bad input. A command
 * without special needs is forwarded with no code here at all: a table row is enough.
 */
export class SocketForwarder<T extends ProtocolTable, S extends CommandSocket = CommandSocket> {
  private readonly logger = new Logger('ChatSocket');
  private readonly commands: SocketCommandIn<T>[];
  /** bus calls waiting for their answers now */
  private waiting = 0;

  constructor(private readonly opts: ForwarderOptions<T, S>) {
    this.commands = socketCommandsOf(opts.table);
  }

  /** Listen to every socket command of the table on this socket. */
  attach(socket: S): void {
    for (const name of this.commands) {
      socket.on(this.opts.table[name].event!, (...args: unknown[]) => void this.dispatch(socket, name, args));
    }
  }

  private async dispatch<K extends SocketCommandIn<T>>(socket: S, name: K, args: unknown[]): Promise<void> {
    const started = process.hrtime.bigint();
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (a: unknown) => void) : undefined;
    let answered = false;
    const reply = (a: Ack<object>): void => {
      if (answered || !ack) return;
      answered = true;
      try {
        ack(a);
      } catch {
        /* socket gone */
      }
    };
    const refused = this.opts.admit?.(socket, name);
    if (refused) return reply({ ok: false, error: refused });
    this.opts.onInFlight?.(1);
    let finished = false;
    const settle = (): void => {
      if (finished) return;
      finished = true;
      this.opts.onInFlight?.(-1);
      this.opts.settled?.(socket, name);
    };
    let deferred = false;
    try {
      // exactly one argument (besides the ack): anything else is not a valid payload
      const v = validatePayload(this.opts.dtos[name], args.length === 1 ? args[0] : undefined);
      if (!v.ok) return reply(ackError('validation', v.message));
      const call: CommandCall<T, K, S> = { name, socket, payload: v.value, started };
      const hooks = (this.opts.hooks as Record<PropertyKey, unknown>)[name] as
        (BusCommandHooks<T, K, S> & Partial<LocalCommandHooks<T, K, S>>) | undefined;
      const pattern = this.opts.table[name].pattern;
      if (pattern === undefined) {
        if (!hooks?.local) throw new Error(`no bus pattern and no local hook for ${String(name)}`);
        return reply(await hooks.local(call));
      }
      if (this.waiting >= (this.opts.maxInFlight ?? REALTIME.gatewayMaxInFlight)) {
        const error: AckError = {
          code: 'unavailable',
          message: 'the server is busy; retry shortly',
          retryAfterMs: 250,
        };
        return reply({ ok: false, error });
      }
      const stop = await hooks?.before?.(call);
      if (stop) return reply({ ok: false, error: stop });
      // the envelope is made when the bus call is: a coalesced command (room:read) that rides
      // on another one's flush never pays for its own actor look-up and correlation id
      const forward = async (payload: PayloadIn<T, K>): Promise<BusResult<unknown>> => {
        const ctx: CallContext = {
          correlationId: randomUUID(),
          actor: this.opts.actorOf ? await this.opts.actorOf(socket) : socket.data.user,
          timeoutMs: hooks?.timeoutMs?.(),
          admission: hooks?.admission?.(call),
        };
        this.waiting++;
        return this.opts.bus.callRaw(pattern, payload, ctx).finally(() => this.waiting--);
      };
      if (hooks?.around) {
        // this frame ends here; the answer comes through the callback
        hooks.around(call, forward, (res) => void this.answer(call, hooks, res, reply).finally(settle));
        deferred = true;
        return;
      }
      await this.answer(call, hooks, await forward(call.payload), reply);
    } catch (err) {
      this.logger.error(`${String(this.opts.table[name].event)} failed: ${(err as Error).message}`);
      reply(ackError('unavailable', 'internal error; retry'));
    } finally {
      if (!deferred) settle();
    }
  }

  /** The bus's result as the client's ack, through the command's hooks. Never throws. */
  private async answer<K extends SocketCommandIn<T>>(
    call: CommandCall<T, K, S>,
    hooks: BusCommandHooks<T, K, S> | undefined,
    res: BusResult<unknown>,
    reply: (a: Ack<object>) => void,
  ): Promise<void> {
    try {
      if (!res.ok) {
        const error: AckError = { code: res.error.code, message: res.error.message };
        // slow mode's wait, a mute's end (SPEC §8): the service's, passed on as they are
        if (typeof res.error.retryAfterMs === 'number') error.retryAfterMs = res.error.retryAfterMs;
        if (res.error.until !== undefined) error.until = res.error.until;
        hooks?.failed?.(call, error);
        return reply({ ok: false, error });
      }
      const data = res.data as ReplyIn<T, K>;
      const answer: Ack<AckIn<T, K>> = hooks?.after
        ? await hooks.after(call, data)
        : ({ ok: true, ...(data as object) } as Ack<AckIn<T, K>>);
      reply(answer);
      if (answer.ok) hooks?.acked?.(call, answer);
    } catch (err) {
      this.logger.error(`${String(this.opts.table[call.name].event)} failed: ${(err as Error).message}`);
      reply(ackError('unavailable', 'internal error; retry'));
    }
  }
}

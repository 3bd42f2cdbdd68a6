import { CustomTransportStrategy, RedisContext, Server } from '@nestjs/microservices';
import { LIMITS } from '@hihi/contracts';
import { createRedis, isCluster, publishSharded, RedisClient } from '../../redis/connection';
import { closeConnection, logConnection } from './connection-log';
import { redisTimeMs, remainingMs, RpcReply, RpcRequest, requestQueueKey } from './redis-rpc.protocol';

export interface RedisRpcServerOptions {
  url: string;
  prefix: string;
  /** the service's name: requests are taken from its queue */
  service: string;
  /** how many requests one process works on at once */
  concurrency?: number;
  /** how many requests one pop takes at most */
  batch?: number;
  /** told about every request handled (logs and metrics) */
  onHandled?: (handled: HandledRequest) => void;
}

/** One bus request as it was handled. */
export interface HandledRequest {
  pattern: string;
  /** the caller's correlation id, when the request carried one */
  correlationId?: string;
  outcome: 'ok' | 'error';
  /** the error code of a BusResult answered with ok: false */
  code?: string;
  seconds: number;
}

/** The outcome of a handler's response: a BusResult with ok: false is an error with its code. */
function outcomeOf(response: unknown, failed: boolean): Pick<HandledRequest, 'outcome' | 'code'> {
  if (failed) return { outcome: 'error' };
  const r = response as { ok?: unknown; error?: { code?: unknown } } | undefined;
  if (r && typeof r === 'object' && r.ok === false)
    return { outcome: 'error', code: typeof r.error?.code === 'string' ? r.error.code : undefined };
  return { outcome: 'ok' };
}

function correlationIdOf(data: unknown): string | undefined {
  const id = (data as { correlationId?: unknown } | undefined)?.correlationId;
  return typeof id === 'string' ? id.slice(0, 64) : undefined;
}

/** How long one blocking pop waits before looping (seconds). */
const POP_BLOCK_SEC = 1;

/** Server side of the Redis work-queue bus (see redis-rpc.protocol.ts). */
export class RedisRpcServer extends Server implements CustomTransportStrategy {
  private readonly queue: string;
  private popper?: RedisClient;
  private publisher?: RedisClient;
  /** CLIENT ID of the popper connection, to wake its blocking pop on close */
  private popperId?: number;
  private running = false;
  private inFlight = 0;
  private drained?: () => void;
  private loop?: Promise<void>;
  private readonly handlers = new Map<string, NonNullable<ReturnType<Server['getHandlerByPattern']>>>();

  constructor(private readonly options: RedisRpcServerOptions) {
    super();
    this.queue = requestQueueKey(options.prefix, options.service);
  }

  listen(callback: (err?: unknown) => void): void {
    const redisOpts = { maxRetriesPerRequest: null, enableOfflineQueue: true };
    const name = `${this.options.service}-rpc`;
    const popper = createRedis(this.options.url, { ...redisOpts, name: `${name}-pop` });
    this.popper = popper;
    // the replies of a batch of messages stored together go out in one write
    this.publisher = createRedis(this.options.url, {
      ...redisOpts,
      name: `${name}-pub`,
      enableAutoPipelining: true,
    });
    logConnection(popper, `${name}-pop`, this.logger);
    logConnection(this.publisher, `${name}-pub`, this.logger);
    // on one Redis the blocking pop is woken on close by CLIENT UNBLOCK (the connection's id is
    // asked for before each pop on a new connection, see run); a cluster client has no one
    // connection to name (close then waits out the pop, at most POP_BLOCK_SEC)
    if (!isCluster(popper)) popper.on('reconnecting', () => (this.popperId = undefined));
    this.running = true;
    this.loop = this.run();
    callback();
  }

  /** Number of requests being worked on now (for graceful shutdown and metrics). */
  get pending(): number {
    return this.inFlight;
  }

  private async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? 512;
    const batch = this.options.batch ?? 64;
    while (this.running) {
      if (this.inFlight >= concurrency) {
        await new Promise<void>((resolve) => (this.drained = resolve));
        continue;
      }
      let popped: [string, string[]] | null;
      let now: number;
      try {
        // the id first, on its own: asked for while a blocking pop is queued (ioredis sends its
        // offline queue before it emits `ready`), it would be answered only when the pop returns
        if (this.popperId === undefined && !isCluster(this.popper!)) {
          this.popperId = Number(await this.popper!.client('ID'));
          if (!this.running) break;
        }
        const count = Math.min(batch, concurrency - this.inFlight);
        if (isCluster(this.popper!)) {
          popped = (await this.popper.blmpop(POP_BLOCK_SEC, 1, this.queue, 'LEFT', 'COUNT', count)) as
            [string, string[]] | null;
          if (!popped) continue;
          // Redis's clock right after the pop: with enqueuedAt (same clock) it gives the time queued
          now = redisTimeMs(await this.popper.time());
        } else {
          // one round trip: TIME waits in Redis behind the blocking pop and is answered right
          // after it, so it reads Redis's clock just after the pop, as a second call would
          const [[popErr, got], [timeErr, time]] = (await this.popper!.pipeline()
            .blmpop(POP_BLOCK_SEC, 1, this.queue, 'LEFT', 'COUNT', count)
            .time()
            .exec()) as [[Error | null, [string, string[]] | null], [Error | null, [string, string]]];
          if (popErr) throw popErr;
          popped = got;
          if (!popped) continue;
          if (timeErr) throw timeErr;
          now = redisTimeMs(time);
        }
      } catch (err) {
        if (!this.running) break;
        this.logger.warn?.(`rpc pop failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const raw of popped[1]) void this.handle(raw, now);
    }
  }

  private parse(raw: string): RpcRequest | undefined {
    if (raw.length > LIMITS.busRequestBytes) {
      this.logger.warn?.(`rpc: dropped a request of ${raw.length} bytes (limit ${LIMITS.busRequestBytes})`);
      return undefined;
    }
    try {
      const req = JSON.parse(raw) as RpcRequest;
      if (typeof req?.id === 'string' && typeof req.pattern === 'string' && typeof req.replyTo === 'string') return req;
    } catch {
      /* below */
    }
    this.logger.warn?.('rpc: dropped a malformed request');
    return undefined;
  }

  private async handle(raw: string, redisNow: number): Promise<void> {
    const req = this.parse(raw);
    if (!req) return;
    if (remainingMs(req, redisNow) <= 0) return; // the caller gave up: do nothing
    this.inFlight++;
    const started = process.hrtime.bigint();
    try {
      const handler = this.handlerOf(req.pattern);
      if (!handler) {
        await this.reply(req.replyTo, { id: req.id, err: `no handler for ${req.pattern}` });
        return;
      }
      const response$ = this.transformToObservable(await handler(req.data, new RedisContext([this.queue])));
      await new Promise<void>((resolve) => {
        this.send(response$, (packet) => {
          const { response, err, isDisposed } = packet as { response?: unknown; err?: unknown; isDisposed?: boolean };
          const failed = err !== undefined && err !== null;
          if (response === undefined && !failed && isDisposed) return resolve();
          this.options.onHandled?.({
            pattern: req.pattern,
            correlationId: correlationIdOf(req.data),
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
            ...outcomeOf(response, failed),
          });
          const p = this.reply(req.replyTo, { id: req.id, response, err: failed ? String(err) : undefined });
          void p.finally(resolve);
          return p;
        });
      });
    } catch (err) {
      this.logger.error?.(`rpc handler failed: ${(err as Error).message}`);
    } finally {
      this.inFlight--;
      if (this.drained) {
        const d = this.drained;
        this.drained = undefined;
        d();
      }
    }
  }

  /** Nest's look-up parses the pattern as JSON every time (throwing for plain names): remembered per pattern. */
  private handlerOf(pattern: string): ReturnType<Server['getHandlerByPattern']> {
    const known = this.handlers.get(pattern);
    if (known) return known;
    const handler = this.getHandlerByPattern(pattern);
    if (handler) this.handlers.set(pattern, handler);
    return handler;
  }

  private async reply(channel: string, packet: RpcReply): Promise<void> {
    await publishSharded(this.publisher!, channel, JSON.stringify(packet));
  }

  /**
   * Stop taking requests, finish the ones in flight (up to `graceMs`), then disconnect. The
   * blocking pop is woken with CLIENT UNBLOCK (it then answers "nothing", or the requests it had
   * already taken, which are handled): no request is lost by closing its connection mid-pop.
   */
  async close(graceMs = 10000): Promise<void> {
    this.running = false;
    if (this.popperId !== undefined) {
      await this.publisher?.client('UNBLOCK', this.popperId).catch(() => undefined);
    }
    this.drained?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((r) => (timer = setTimeout(r, (POP_BLOCK_SEC + 1) * 1000)))]);
    clearTimeout(timer);
    const until = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([closeConnection(this.popper), closeConnection(this.publisher)]);
  }

  on(): void {
    // no transport events exposed
  }

  unwrap<T>(): T {
    return { popper: this.popper, publisher: this.publisher } as T;
  }
}

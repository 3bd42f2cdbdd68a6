import { CustomTransportStrategy, RedisContext, Server } from '@nestjs/microservices';
import Redis from 'ioredis';
import { RpcReply, RpcRequest, requestQueueKey } from './redis-rpc.protocol';

export interface RedisRpcServerOptions {
  url: string;
  prefix: string;
  /** the service's name: requests are taken from its queue */
  service: string;
  /** how many requests one process works on at once */
  concurrency?: number;
  /** how many requests one pop takes at most */
  batch?: number;
}

/** Server side of the Redis work-queue bus (see redis-rpc.protocol.ts). */
export class RedisRpcServer extends Server implements CustomTransportStrategy {
  private readonly queue: string;
  private popper?: Redis;
  private publisher?: Redis;
  private running = false;
  private inFlight = 0;
  private drained?: () => void;
  private loop?: Promise<void>;

  constructor(private readonly options: RedisRpcServerOptions) {
    super();
    this.queue = requestQueueKey(options.prefix, options.service);
  }

  listen(callback: (err?: unknown) => void): void {
    const redisOpts = { maxRetriesPerRequest: null, enableOfflineQueue: true, lazyConnect: false };
    this.popper = new Redis(this.options.url, { ...redisOpts, connectionName: `${this.options.service}-rpc-pop` });
    this.publisher = new Redis(this.options.url, { ...redisOpts, connectionName: `${this.options.service}-rpc-pub` });
    for (const c of [this.popper, this.publisher]) {
      c.on('error', (err: Error) => this.logger.warn?.(`redis: ${err.message}`));
    }
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
      try {
        popped = (await this.popper!.blmpop(
          1,
          1,
          this.queue,
          'LEFT',
          'COUNT',
          Math.min(batch, concurrency - this.inFlight),
        )) as [string, string[]] | null;
      } catch (err) {
        if (!this.running) break;
        this.logger.warn?.(`rpc pop failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!popped) continue;
      for (const raw of popped[1]) void this.handle(raw);
    }
  }

  private async handle(raw: string): Promise<void> {
    let req: RpcRequest;
    try {
      req = JSON.parse(raw) as RpcRequest;
    } catch {
      this.logger.warn?.('rpc: dropped a malformed request');
      return;
    }
    if (typeof req?.pattern !== 'string' || typeof req.id !== 'string') return;
    if (req.deadline && Date.now() > req.deadline) return; // the caller gave up: do nothing
    this.inFlight++;
    try {
      const ctx = new RedisContext([this.queue]);
      const handler = this.getHandlerByPattern(req.pattern);
      if (!req.replyTo) {
        if (handler) await this.handleEvent(req.pattern, { pattern: req.pattern, data: req.data }, ctx);
        return;
      }
      const replyTo = req.replyTo;
      if (!handler) {
        await this.reply(replyTo, { id: req.id, err: `no handler for ${req.pattern}`, isDisposed: true });
        return;
      }
      const response$ = this.transformToObservable(await handler(req.data, ctx));
      await new Promise<void>((resolve) => {
        this.send(response$, (packet) => {
          const done = (packet as { isDisposed?: boolean }).isDisposed;
          const p = this.reply(replyTo, { ...(packet as object), id: req.id } as RpcReply);
          if (done) void p.finally(resolve);
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

  private async reply(channel: string, packet: RpcReply): Promise<void> {
    await this.publisher!.publish(channel, JSON.stringify(packet));
  }

  /** Stop taking requests, finish the ones in flight (up to `graceMs`), then disconnect. */
  async close(graceMs = 10000): Promise<void> {
    this.running = false;
    this.popper?.disconnect();
    const until = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    this.drained?.();
    await this.loop?.catch(() => undefined);
    this.publisher?.disconnect();
  }

  on(): void {
    // no transport events exposed
  }

  unwrap<T>(): T {
    return { popper: this.popper, publisher: this.publisher } as T;
  }
}

import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createRedis, isClusterUrl, onShardedMessage, RedisClient, subscribeSharded } from '../../redis/connection';
import type { Admission } from '../../rate-limit/token-bucket';
import { closeConnection, logConnection } from './connection-log';
import {
  PUSH_ADMITTED_REQUEST_LUA,
  PUSH_REQUEST_LUA,
  RpcReply,
  RpcRequest,
  replyChannel,
  requestQueueKey,
} from './redis-rpc.protocol';

export interface RedisRpcClientOptions {
  url: string;
  prefix: string;
  /** the service this client talks to */
  service: string;
}

/** The request did not get an answer within its time. */
export class BusTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'BusTimeoutError';
  }
}

/** The admission refused the request (no token left): it was not queued. */
export class AdmissionRefusedError extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`refused, retry in ${retryAfterMs} ms`);
    this.name = 'AdmissionRefusedError';
  }
}

/** How a BusClient reaches a service: one request, one answer, within `ttlMs`. */
export interface BusTransport {
  /**
   * With `admission` (only when `admits`), the request is queued only if its token bucket gives
   * a token, in the same round trip; otherwise it rejects with AdmissionRefusedError.
   */
  request(pattern: string, data: unknown, ttlMs: number, admission?: Admission): Promise<unknown>;
  /** whether `request` can take an admission's token with the request (one Redis: yes; a cluster: no) */
  readonly admits?: boolean;
  close(): Promise<void>;
}

type AdmittedReply = [number, number, number?];
type WithPush = RedisClient & { hihiPushRequest(queue: string, json: string): Promise<number> };
type PushPipeline = ReturnType<RedisClient['pipeline']> & {
  hihiPushRequest(queue: string, json: string): PushPipeline;
  hihiPushAdmitted(queue: string, bucket: string, json: string, rate: number, burst: number, now: number): PushPipeline;
};

interface Outgoing {
  id: string;
  json: string;
  admission?: Admission;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Client side of the Redis work-queue bus (see redis-rpc.protocol.ts). */
export class RedisRpcClient implements BusTransport {
  private readonly logger = new Logger('Bus');
  private readonly clientId = randomUUID();
  private readonly queue: string;
  private readonly channel: string;
  private readonly pending = new Map<string, Pending>();
  /** requests made this turn of the event loop, pushed together by `flush` */
  private outbox: Outgoing[] = [];
  /**
   * One Redis: an admission's take and the push are one script (both keys on the one server). A
   * cluster keeps a user's bucket and the queue on different slots.
   */
  readonly admits: boolean;
  private pub?: WithPush;
  private sub?: RedisClient;
  private connecting?: Promise<void>;

  constructor(private readonly options: RedisRpcClientOptions) {
    this.queue = requestQueueKey(options.prefix, options.service);
    this.channel = replyChannel(options.prefix, this.clientId);
    this.admits = !isClusterUrl(options.url);
  }

  connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    const name = `rpc-client-${this.options.service}`;
    // offline queue off: while Redis is down, requests fail at once instead of piling up
    const pub = createRedis(this.options.url, {
      name,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    pub.defineCommand('hihiPushRequest', { numberOfKeys: 1, lua: PUSH_REQUEST_LUA });
    pub.defineCommand('hihiPushAdmitted', { numberOfKeys: 2, lua: PUSH_ADMITTED_REQUEST_LUA });
    this.pub = pub as WithPush;
    // replies come on this client's own channel: sharded pub/sub on a cluster (only the shard
    // owning the channel carries it), plain pub/sub on one Redis
    this.sub = createRedis(this.options.url, {
      name: `${name}-replies`,
      maxRetriesPerRequest: null,
      shardedSubscribers: true,
    });
    logConnection(this.pub, name, this.logger);
    logConnection(this.sub, `${name}-replies`, this.logger);
    onShardedMessage(this.sub, (_channel: string, raw: string) => this.onReply(raw));
    const pubReady = new Promise<void>((resolve) => {
      if (pub.status === 'ready') resolve();
      else pub.once('ready', () => resolve());
    });
    // ready = subscribed to the reply channel and able to push (a request made earlier fails fast)
    this.connecting = Promise.all([subscribeSharded(this.sub, this.channel), pubReady]).then(() => undefined);
    this.connecting.catch((err: Error) => {
      this.logger.warn(`bus ${this.options.service}: cannot subscribe to replies: ${err.message}`);
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /**
   * Push one request and wait for its answer (rejects with BusTimeoutError after `ttlMs`). With
   * an admission, the request is pushed only if the bucket gives a token (AdmissionRefusedError
   * otherwise), in the same script: one round trip where a take and a push took two.
   */
  request(pattern: string, data: unknown, ttlMs: number, admission?: Admission): Promise<unknown> {
    if (admission && !this.admits) return Promise.reject(new Error('admissions need one Redis, not a cluster'));
    const id = randomUUID();
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, new BusTimeoutError(ttlMs)), ttlMs);
      this.pending.set(id, { resolve, reject, timer });
      const req: RpcRequest = { id, pattern, data, replyTo: this.channel, ttlMs };
      this.outbox.push({ id, json: JSON.stringify(req), admission });
      if (this.outbox.length === 1) setImmediate(() => void this.flush());
    });
  }

  /**
   * Push the requests made during this turn of the event loop (sends from many sockets arrive in
   * one turn) in one pipeline: one write to Redis instead of one per request.
   */
  private async flush(): Promise<void> {
    const batch = this.outbox;
    this.outbox = [];
    const fail = (ids: string[], err: Error) => {
      for (const id of ids) this.settle(id, new Error(`bus unavailable: ${err.message}`));
    };
    try {
      await this.connect();
      const now = Date.now();
      if (batch.length === 1 && !batch[0].admission) {
        await this.pub!.hihiPushRequest(this.queue, batch[0].json);
        return;
      }
      const pipeline = this.pub!.pipeline() as unknown as PushPipeline;
      for (const r of batch) {
        const a = r.admission;
        if (a) pipeline.hihiPushAdmitted(this.queue, a.key, r.json, a.ratePerSec, a.burst, now);
        else pipeline.hihiPushRequest(this.queue, r.json);
      }
      const results = await pipeline.exec();
      results?.forEach(([err, reply], i) => {
        if (err) return fail([batch[i].id], err);
        // refused: not queued, so no answer will come
        if (batch[i].admission && (reply as AdmittedReply)[0] !== 1)
          this.settle(batch[i].id, new AdmissionRefusedError(Number((reply as AdmittedReply)[1])));
      });
    } catch (err) {
      fail(
        batch.map((r) => r.id),
        err as Error,
      );
    }
  }

  private settle(id: string, err: Error | undefined, value?: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(value);
  }

  private onReply(raw: string): void {
    let reply: RpcReply;
    try {
      reply = JSON.parse(raw) as RpcReply;
    } catch {
      this.logger.warn(`bus ${this.options.service}: dropped a malformed reply`);
      return;
    }
    if (typeof reply?.id !== 'string') return;
    this.settle(reply.id, reply.err !== undefined ? new Error(String(reply.err)) : undefined, reply.response);
  }

  /** Fail what is pending and close both connections. */
  async close(): Promise<void> {
    for (const id of [...this.pending.keys()]) this.settle(id, new Error('bus client closed'));
    this.connecting = undefined;
    await Promise.all([closeConnection(this.sub), closeConnection(this.pub)]);
  }
}

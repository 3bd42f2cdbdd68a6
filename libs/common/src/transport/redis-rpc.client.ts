import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RpcReply, RpcRequest, replyChannel, requestQueueKey } from './redis-rpc.protocol';

export interface RedisRpcClientOptions {
  url: string;
  prefix: string;
  /** the service this client talks to */
  service: string;
  /** how long a request stays valid in the queue, ms */
  requestTtlMs: number;
}

/** Client side of the Redis work-queue bus (see redis-rpc.protocol.ts). */
export class RedisRpcClient extends ClientProxy {
  private readonly clientId = randomUUID();
  private readonly queue: string;
  private readonly channel: string;
  private pub?: Redis;
  private sub?: Redis;
  private connecting?: Promise<void>;

  constructor(private readonly options: RedisRpcClientOptions) {
    super();
    this.queue = requestQueueKey(options.prefix, options.service);
    this.channel = replyChannel(options.prefix, this.clientId);
  }

  connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    // offline queue off: while Redis is down, requests fail at once instead of piling up
    const opts = { maxRetriesPerRequest: 1, enableOfflineQueue: false };
    this.pub = new Redis(this.options.url, { ...opts, connectionName: `rpc-client-${this.options.service}` });
    this.sub = new Redis(this.options.url, { ...opts, enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.pub.on('error', () => undefined);
    this.sub.on('error', () => undefined);
    this.sub.on('message', (_channel: string, raw: string) => this.onReply(raw));
    // both connections ready: the publisher has no offline queue, so a request sent before it is
    // connected would fail at once
    const pub = this.pub;
    const pubReady =
      pub.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => pub.once('ready', () => resolve()));
    this.connecting = Promise.all([this.sub.subscribe(this.channel), pubReady]).then(() => undefined);
    this.connecting.catch(() => (this.connecting = undefined));
    return this.connecting;
  }

  private onReply(raw: string): void {
    let reply: RpcReply;
    try {
      reply = JSON.parse(raw) as RpcReply;
    } catch {
      return;
    }
    const callback = this.routingMap.get(reply.id);
    if (!callback) return;
    callback({ err: reply.err, response: reply.response, isDisposed: reply.isDisposed } as WritePacket);
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const id = randomUUID();
    const req: RpcRequest = {
      id,
      pattern: this.normalizePattern(packet.pattern),
      data: packet.data,
      replyTo: this.channel,
      deadline: Date.now() + this.options.requestTtlMs,
    };
    this.routingMap.set(id, callback);
    const fail = (err: unknown) => {
      if (!this.routingMap.has(id)) return;
      this.routingMap.delete(id);
      callback({ err: (err as Error)?.message ?? 'bus unavailable', isDisposed: true });
    };
    this.connect()
      .then(() => this.pub!.rpush(this.queue, JSON.stringify(req)))
      .catch(fail);
    return () => this.routingMap.delete(id);
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    await this.connect();
    const req: RpcRequest = {
      id: randomUUID(),
      pattern: this.normalizePattern(packet.pattern),
      data: packet.data,
      deadline: Date.now() + this.options.requestTtlMs,
    };
    return (await this.pub!.rpush(this.queue, JSON.stringify(req))) as T;
  }

  close(): void {
    this.sub?.disconnect();
    this.pub?.disconnect();
    this.connecting = undefined;
  }

  unwrap<T>(): T {
    return { pub: this.pub, sub: this.sub } as T;
  }
}

/**
 * The bus's work queue: the Redis list the bus uses (RPUSH through a Lua stamp, BLMPOP, TIME,
 * PUBLISH) against a Redis Streams consumer-group prototype (XADD, XREADGROUP, PUBLISH + XACK),
 * on the send path: one request, one echo answer, measured by the caller. Both run against the
 * same private redis-server, one after the other; the list side is the real transport
 * (RedisRpcClient / RedisRpcServer from the build), the Streams side a minimal prototype with
 * the same reply path. docs/protocol.md "The bus" quotes the figures.
 *
 * Run: npm run build:server && tsc -p bench/tsconfig.json && node dist/bench/bench/bus-queue-probe.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { of } from 'rxjs';
import { startRedis } from '../libs/infra/src/redis';
import { repoRoot } from '../libs/infra/src/services';
import type * as Transport from '../libs/common/src/bus/transport';

// the built transport (nest build rewrote its @hihi imports)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transport = require(join(repoRoot(), 'dist/apps/gateway/libs/common/src/bus/transport')) as typeof Transport;

interface Requester {
  request(pattern: string, data: unknown, ttlMs: number): Promise<unknown>;
  close(): Promise<void>;
}

/** A Streams consumer-group prototype of the same bus: requests in a stream, replies on pub/sub. */
class StreamsBus implements Requester {
  private readonly key: string;
  private readonly channel = `streams-reply:${randomUUID()}`;
  private readonly pending = new Map<string, (v: unknown) => void>();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly reader: Redis;
  private readonly replier: Redis;
  private running = true;
  private loop?: Promise<void>;

  constructor(url: string, prefix: string) {
    this.key = `${prefix}:rpcs:svc`;
    this.pub = new Redis(url);
    this.sub = new Redis(url);
    this.reader = new Redis(url);
    this.replier = new Redis(url);
    this.sub.on('message', (_c: string, raw: string) => {
      const r = JSON.parse(raw) as { id: string; response: unknown };
      this.pending.get(r.id)?.(r.response);
      this.pending.delete(r.id);
    });
  }

  async start(): Promise<void> {
    await this.sub.subscribe(this.channel);
    await this.reader.xgroup('CREATE', this.key, 'svc', '$', 'MKSTREAM').catch(() => undefined);
    this.loop = this.serve();
  }

  private async serve(): Promise<void> {
    while (this.running) {
      const res = (await this.reader
        .xreadgroup('GROUP', 'svc', 'c1', 'COUNT', 64, 'BLOCK', 200, 'STREAMS', this.key, '>')
        .catch(() => null)) as [string, [string, string[]][]][] | null;
      if (!res) continue;
      for (const [, entries] of res) {
        for (const [entryId, fields] of entries) {
          const req = JSON.parse(fields[1]) as { id: string; replyTo: string; data: unknown };
          const response = { ok: true, data: req.data };
          void this.replier
            .pipeline()
            .publish(req.replyTo, JSON.stringify({ id: req.id, response }))
            .xack(this.key, 'svc', entryId)
            .exec();
        }
      }
    }
  }

  request(pattern: string, data: unknown, ttlMs: number): Promise<unknown> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), ttlMs);
      this.pending.set(id, (v) => {
        clearTimeout(timer);
        resolve(v);
      });
      const req = JSON.stringify({ id, pattern, data, replyTo: this.channel, ttlMs });
      this.pub.xadd(this.key, 'MAXLEN', '~', 100000, '*', 'req', req).catch(reject);
    });
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const c of [this.pub, this.sub, this.reader, this.replier]) c.disconnect();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((sorted.length * p) / 100) - 1)];
}

async function measure(name: string, bus: Requester): Promise<void> {
  const payload = { correlationId: 'x', data: { roomId: 'lobby', text: 'hello', clientMsgId: 'c-1' } };
  for (let i = 0; i < 500; i++) await bus.request('svc.echo', payload, 2000); // warm up
  const one: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t0 = process.hrtime.bigint();
    await bus.request('svc.echo', payload, 2000);
    one.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  one.sort((a, b) => a - b);
  const many: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next++ < 20000) {
        const t0 = process.hrtime.bigint();
        await bus.request('svc.echo', payload, 5000);
        many.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  many.sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2);
  process.stdout.write(
    `${name.padEnd(8)} one at a time: p50 ${f(percentile(one, 50))} ms, p99 ${f(percentile(one, 99))} ms | ` +
      `64 in flight: ${Math.round(20000 / seconds)} req/s, p50 ${f(percentile(many, 50))} ms, p99 ${f(percentile(many, 99))} ms\n`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hihi-busq-'));
  const redis = await startRedis(dir, false, () => undefined);
  try {
    const prefix = `q${randomUUID().slice(0, 6)}`;
    const server = new transport.RedisRpcServer({ url: redis.url, prefix, service: 'svc' });
    server.addHandler('svc.echo', (data: unknown) => Promise.resolve(of({ ok: true, data })));
    server.listen(() => undefined);
    const client = new transport.RedisRpcClient({ url: redis.url, prefix, service: 'svc' });
    await client.connect();
    await measure('list', client);
    await client.close();
    await server.close();

    const streams = new StreamsBus(redis.url, prefix);
    await streams.start();
    await measure('streams', streams);
    await streams.close();
  } finally {
    await redis.proc.stop(5000);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);

/**
 * The Redis pieces against a real redis-server: the bus transport (relative TTLs judged on
 * Redis's clock, clean close during a blocking pop, logged connection errors) and the send rate
 * limit's Lua token bucket (docs/protocol.md "The bus", "Rate limit").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { of } from 'rxjs';
import {
  BusClient,
  logConnection,
  RedisRpcClient,
  RedisRpcServer,
  requestQueueKey,
  RpcRequest,
} from '@hihi/common/bus';
import { freePort, startRedis } from '@hihi/infra';
import { BucketState, SendBudget, takeToken, TOKEN_BUCKET_LUA } from '@hihi/common/rate-limit';

const dir = mkdtempSync(join(tmpdir(), 'hihi-bus-'));
let redis: Awaited<ReturnType<typeof startRedis>>;
let admin: Redis;

beforeAll(async () => {
  redis = await startRedis(dir, false, () => undefined);
  admin = new Redis(redis.url);
}, 30000);
afterAll(async () => {
  admin?.disconnect();
  await redis?.proc.stop(5000);
  rmSync(dir, { recursive: true, force: true });
}, 30000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every server and client a test made: closed after it even when it failed (else Jest never exits). */
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close().catch(() => undefined)));
});

/** A bus server for `service` whose one handler counts its calls. */
function server(prefix: string, handled: unknown[]): RedisRpcServer {
  const s = new RedisRpcServer({ url: redis.url, prefix, service: 'svc' });
  opened.push(s);
  s.addHandler('svc.echo', (data: unknown) => {
    handled.push(data);
    return Promise.resolve(of({ ok: true, data }));
  });
  return s;
}

function client(prefix: string): { transport: RedisRpcClient; bus: BusClient } {
  const transport = new RedisRpcClient({ url: redis.url, prefix, service: 'svc' });
  opened.push(transport);
  return { transport, bus: new BusClient(transport, 'svc', 2000) };
}

describe('bus transport', () => {
  it('a request carries a relative TTL and is stamped with Redis’s clock, not the caller’s', async () => {
    const prefix = `p${randomUUID().slice(0, 8)}`;
    const { transport, bus } = client(prefix);
    await transport.connect();
    // the caller's clock is an hour behind: it must not matter
    const realNow = Date.now;
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000);
    const pending = bus.callRaw('svc.echo', { n: 1 }, { correlationId: 'c', timeoutMs: 1500 });
    await sleep(100);
    spy.mockRestore();
    const [raw] = await admin.lrange(requestQueueKey(prefix, 'svc'), 0, -1);
    const req = JSON.parse(raw) as RpcRequest;
    const [sec, usec] = await admin.time();
    expect(req.ttlMs).toBe(1500);
    expect(Math.abs(Number(sec) * 1000 + Math.floor(Number(usec) / 1000) - req.enqueuedAt!)).toBeLessThan(1000);
    // a server started now takes it: what it waited is measured on one clock, Redis's
    const handled: unknown[] = [];
    const s = server(prefix, handled);
    s.listen(() => undefined);
    expect(await pending).toEqual({ ok: true, data: { correlationId: 'c', data: { n: 1 } } });
    await s.close();
    await bus.close();
  });

  it('drops requests whose caller has stopped waiting (their TTL ran out in the queue)', async () => {
    const prefix = `p${randomUUID().slice(0, 8)}`;
    const { transport, bus } = client(prefix);
    await transport.connect();
    const stale = bus.callRaw('svc.echo', { stale: true }, { correlationId: 'c', timeoutMs: 200 });
    expect(await stale).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    // the caller's timer starts before the push reaches Redis (a busy host can take a while):
    // once the request is queued, let its 200 ms run out on Redis's clock, whatever the push took
    const queue = requestQueueKey(prefix, 'svc');
    const queued = Date.now();
    while ((await admin.llen(queue)) === 0 && Date.now() - queued < 5000) await sleep(10);
    expect(await admin.llen(queue)).toBe(1);
    await sleep(300);
    const handled: unknown[] = [];
    const s = server(prefix, handled);
    s.listen(() => undefined);
    expect(await bus.callRaw('svc.echo', { fresh: true }, { correlationId: 'c' })).toMatchObject({ ok: true });
    expect(handled).toEqual([{ correlationId: 'c', data: { fresh: true } }]);
    await s.close();
    await bus.close();
  });

  it('an admitted request takes its token in the same round trip: queued only with one, refused (not queued) without', async () => {
    const prefix = `p${randomUUID().slice(0, 8)}`;
    const { transport, bus } = client(prefix);
    await transport.connect();
    expect(bus.admits).toBe(true);
    const handled: unknown[] = [];
    const s = server(prefix, handled);
    s.listen(() => undefined);
    const budget = new SendBudget(admin, { prefix, ratePerSec: 1, burst: 3 });
    const refusals: number[] = [];
    const admission = budget.admission('ann', (retryAfterMs) => {
      refusals.push(retryAfterMs);
      return { code: 'rate_limited', message: `slow down (${retryAfterMs} ms)`, retryAfterMs };
    });
    // one turn: five admitted calls of ann and one of nobody's, in one pipeline
    const calls = [1, 2, 3, 4, 5].map((n) => bus.callRaw('svc.echo', { n }, { correlationId: `c${n}`, admission }));
    const free = bus.callRaw('svc.echo', { n: 'free' }, { correlationId: 'free' });
    const results = await Promise.all([...calls, free]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false, true]);
    expect(results[3]).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: `slow down (${refusals[0]} ms)`, retryAfterMs: refusals[0] },
    });
    expect(refusals).toHaveLength(2);
    expect(refusals.every((ms) => ms > 0 && ms <= 1000)).toBe(true);
    // the refused ones were never queued (the service handled only the others), and the bucket is the send budget's own
    expect(handled.map((h) => (h as { data: { n: unknown } }).data.n).sort()).toEqual([1, 2, 3, 'free']);
    expect((await budget.take('ann')).allowed).toBe(false);
    // a cluster keeps the bucket and the queue on different slots: no admission there
    const cluster = new RedisRpcClient({ url: 'redis+cluster://127.0.0.1:1', prefix, service: 'svc' });
    expect(new BusClient(cluster, 'svc', 1000).admits).toBe(false);
    await expect(cluster.request('svc.echo', {}, 100, admission)).rejects.toThrow(/cluster/);
    await s.close();
    await bus.close();
  });

  it('closes at once while a blocking pop waits, and loses no request', async () => {
    const prefix = `p${randomUUID().slice(0, 8)}`;
    const handled: unknown[] = [];
    const s = server(prefix, handled);
    s.listen(() => undefined);
    await sleep(300); // the server is now blocked in BLMPOP
    const t0 = Date.now();
    await s.close();
    // woken by CLIENT UNBLOCK (a few ms), not the pop's 1 s timeout: the server knows its popper's
    // id before its first pop (asked after it, the id's answer waited for the pop)
    expect(Date.now() - t0).toBeLessThan(300);
    const { transport, bus } = client(prefix);
    await transport.connect();
    const call = bus.callRaw('svc.echo', { after: 'close' }, { correlationId: 'c', timeoutMs: 5000 });
    await sleep(200);
    // nobody popped it with a dead connection: it waits in the queue for the next server
    expect(await admin.llen(requestQueueKey(prefix, 'svc'))).toBe(1);
    const next = server(prefix, handled);
    next.listen(() => undefined);
    expect(await call).toMatchObject({ ok: true });
    await next.close();
    await bus.close();
  });

  it('logs connection errors instead of swallowing them (once per kind, not per retry)', async () => {
    const lines: string[] = [];
    const logger = { warn: (m: string) => lines.push(`warn ${m}`), log: (m: string) => lines.push(`log ${m}`) };
    const port = await freePort();
    const c = new Redis(`redis://127.0.0.1:${port}`, { retryStrategy: () => 50, maxRetriesPerRequest: 0 });
    logConnection(c, 'test', logger, 60_000);
    await sleep(400);
    c.disconnect();
    expect(lines.filter((l) => l.startsWith('warn redis test: '))).toHaveLength(1); // once per kind, not per retry
  });
});

describe('send rate limit: the Lua token bucket on real Redis', () => {
  const rate = 10;
  const burst = 20;
  type WithBucket = Redis & { bucket(key: string, r: number, b: number, now: number): Promise<[number, number]> };
  let r: WithBucket;

  beforeAll(() => {
    r = new Redis(redis.url) as WithBucket;
    r.defineCommand('bucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
  });
  afterAll(() => r.disconnect());

  it('agrees with the unit-tested math, step by step (burst, refusal, refill, clock going back)', async () => {
    const key = `rl:${randomUUID()}`;
    let state: BucketState | undefined;
    const start = 1_000_000;
    const times = [
      ...Array.from({ length: 25 }, () => start),
      start + 50,
      start + 100,
      start + 250,
      start + 200, // backwards: no time passes
      start + 5_000,
      start + 3_600_000,
    ];
    for (const now of times) {
      const expected = takeToken(state, now, rate, burst);
      state = expected.state;
      const [allowed, retryAfterMs] = await r.bucket(key, rate, burst, now);
      expect({ now, allowed: allowed === 1, retryAfterMs }).toEqual({
        now,
        allowed: expected.allowed,
        retryAfterMs: expected.retryAfterMs,
      });
    }
    expect(await r.pttl(key)).toBeGreaterThan(0);
  });

  it('is exact under concurrency: 100 takes at once let exactly `burst` through', async () => {
    const key = `rl:${randomUUID()}`;
    const now = 5_000_000;
    const results = await Promise.all(Array.from({ length: 100 }, () => r.bucket(key, rate, burst, now)));
    expect(results.filter(([allowed]) => allowed === 1)).toHaveLength(burst);
  });

  it('SendBudget: the takes asked in one turn go in one pipeline, each answered as its own take', async () => {
    const client = new Redis(redis.url);
    try {
      const budget = new SendBudget(client, { prefix: `t${randomUUID()}`, ratePerSec: rate, burst });
      const pipelines = jest.spyOn(client, 'pipeline');
      // one turn: 30 takes of one user, 5 of another, interleaved
      const takes = Array.from({ length: 35 }, (_, i) => budget.take(i % 7 === 6 ? 'bob' : 'ann'));
      const results = await Promise.all(takes);
      expect(pipelines).toHaveBeenCalledTimes(1);
      const ann = results.filter((_, i) => i % 7 !== 6);
      const bob = results.filter((_, i) => i % 7 === 6);
      // in the order asked: ann's first `burst` pass, counting down, the rest are told when to retry
      expect(ann.slice(0, burst).map((r) => r.remaining)).toEqual(
        Array.from({ length: burst }, (_, i) => burst - 1 - i),
      );
      expect(ann.slice(burst).every((r) => !r.allowed && r.retryAfterMs > 0)).toBe(true);
      expect(bob.map((r) => [r.allowed, r.remaining])).toEqual([
        [true, burst - 1],
        [true, burst - 2],
        [true, burst - 3],
        [true, burst - 4],
        [true, burst - 5],
      ]);
      // a take alone in its turn is one call, no pipeline
      expect((await budget.take('carol')).allowed).toBe(true);
      expect(pipelines).toHaveBeenCalledTimes(1);
    } finally {
      client.disconnect();
    }
  });

  it('SendBudget: every take of a turn fails (none hangs) when Redis cannot be reached', async () => {
    const port = await freePort();
    const client = new Redis(`redis://127.0.0.1:${port}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    client.on('error', () => undefined);
    try {
      const budget = new SendBudget(client, { prefix: 't', ratePerSec: rate, burst });
      const outcomes = await Promise.allSettled([budget.take('ann'), budget.take('bob'), budget.take('ann')]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect((await Promise.allSettled([budget.take('ann')]))[0].status).toBe('rejected');
    } finally {
      client.disconnect();
    }
  });
});

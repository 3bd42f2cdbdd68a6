import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, startRedisCluster, StartedRedisCluster } from '@hihi/infra';
import { CLIENT_EVENTS, eventShard, Message, roomShardChannel, SERVER_EVENTS } from '@hihi/contracts';
import { Stack } from '../support/stack';
import {
  ack,
  api,
  Client,
  connect,
  expectGapFree,
  fullHistory,
  joinRoom,
  makeUser,
  sleep,
  until,
} from './chat-helpers';

/**
 * SPEC §11 on a real Redis Cluster: 3 masters + 3 replicas (`redis-server --cluster-enabled yes`
 * on loopback, joined by `redis-cli --cluster create`), 2 gateways × 2 chat processes and auth on
 * it: the delivery essentials (exactly once, catch-up, rate limits, revocation), room events by
 * interest (a gateway's sharded subscriptions follow its sockets' rooms) and a master killed
 * under traffic (failover: nothing acked lost, nothing duplicated, sends recover within 10 s).
 */
const PASSWORD = 'correct horse battery staple';

describe('Redis Cluster (3 masters, 3 replicas)', () => {
  let dir = '';
  let cluster: StartedRedisCluster;
  let stack: Stack;
  let url2 = '';
  /** a third gateway with tight limits (send budget, sign-in failures) */
  let strict = '';
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hihi-cluster-'));
    cluster = await startRedisCluster(dir, () => undefined, { nodeTimeoutMs: 2000 });
    stack = new Stack({ redisUrl: cluster.url, env: { SEND_RATE_PER_SEC: '1000', SEND_BURST: '1000' } });
    await stack.start();
    stack.spawn('chat');
    const [p2, p3] = [await freePort(), await freePort()];
    stack.spawn('gateway', { PORT: String(p2) });
    stack.spawn('gateway', {
      PORT: String(p3),
      SEND_RATE_PER_SEC: '1',
      SEND_BURST: '3',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '2',
    });
    url2 = `http://127.0.0.1:${p2}`;
    strict = `http://127.0.0.1:${p3}`;
    await Promise.all([stack.waitHealthy(url2), stack.waitHealthy(strict)]);
  }, 120000);

  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60000);

  const newRoom = async (token: string): Promise<string> =>
    (await api(stack, token, 'POST', '/api/rooms', { name: `C ${randomUUID().slice(0, 8)}` })).body.id as string;

  /** Subscribers of a sharded channel, summed over the live masters (PUBSUB SHARDNUMSUB). */
  async function shardSubscribers(channel: string): Promise<number> {
    let n = 0;
    for (const port of await cluster.masters()) {
      const c = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0 });
      try {
        const r = (await c.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number];
        n += Number(r[1]);
      } finally {
        c.disconnect();
      }
    }
    return n;
  }

  it('2 gateways × 2 chat: every message delivered exactly once, stored once, gap-free; catch-up after a leave', async () => {
    const users = [0, 1, 2, 3].map(() => makeUser(stack));
    const roomId = await newRoom(users[0].token);
    for (const u of users.slice(1)) await joinRoom(stack, u, roomId);
    const conns = await Promise.all(users.map((u, i) => connect(i % 2 ? url2 : stack.url, u.token)));
    clients.push(...conns);
    for (const c of conns) expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    const PER_USER = 15;
    const acked = await Promise.all(
      conns.map(async (c, i) => {
        const mine: Message[] = [];
        for (let n = 0; n < PER_USER; n++) {
          const r = await ack(
            c,
            CLIENT_EVENTS.messageSend,
            { roomId, text: `u${i} #${n}`, clientMsgId: randomUUID() },
            8000,
          );
          expect(r.ok).toBe(true);
          mine.push(r.message as Message);
        }
        return mine;
      }),
    );
    const total = PER_USER * conns.length;
    const allIds = new Set(acked.flat().map((m) => m.id));
    for (const c of conns) await until(() => c.received.filter((m) => m.roomId === roomId).length >= total, 10000);
    await sleep(300);
    for (const c of conns) {
      const got = c.received.filter((m) => m.roomId === roomId);
      expect(got).toHaveLength(total);
      expect(new Set(got.map((m) => m.id))).toEqual(allIds);
    }
    const history = await fullHistory(stack, users[0].token, roomId);
    expect(history).toHaveLength(total);
    expectGapFree(history);

    // catch-up: one leaves, misses three, joins again with sinceSeq and gets exactly those
    const [a, b] = conns;
    expect((await ack(b, CLIENT_EVENTS.roomLeave, { roomId })).ok).toBe(true);
    for (let n = 0; n < 3; n++)
      expect(
        (await ack(a, CLIENT_EVENTS.messageSend, { roomId, text: `missed ${n}`, clientMsgId: randomUUID() })).ok,
      ).toBe(true);
    const again = await ack(b, CLIENT_EVENTS.roomJoin, { roomId, sinceSeq: total });
    expect(again.ok).toBe(true);
    expect((again.messages as Message[]).map((m) => m.seq)).toEqual([total + 1, total + 2, total + 3]);
  }, 90000);

  it("a gateway subscribes only to the shards of its sockets' rooms, and unsubscribes when the last leaves", async () => {
    const u = makeUser(stack);
    // a room whose shard no other room of this test uses
    const taken = new Set(['lobby'].map(eventShard));
    let roomId = '';
    for (let i = 0; i < 20 && !roomId; i++) {
      const id = await newRoom(u.token);
      if (!taken.has(eventShard(id))) roomId = id;
    }
    expect(roomId).not.toBe('');
    const channel = roomShardChannel('hihi', eventShard(roomId));
    expect(await shardSubscribers(channel)).toBe(0);
    const a = await connect(stack.url, u.token);
    const a2 = await connect(stack.url, u.token);
    clients.push(a, a2);
    expect((await ack(a, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    expect((await ack(a2, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    // two sockets on one gateway: one subscription; the other gateways hear nothing of this room
    expect(await shardSubscribers(channel)).toBe(1);
    expect((await ack(a, CLIENT_EVENTS.roomLeave, { roomId })).ok).toBe(true);
    expect(await shardSubscribers(channel)).toBe(1);
    a2.socket.close();
    let left = -1;
    for (let i = 0; i < 30 && left !== 0; i++) {
      left = await shardSubscribers(channel);
      if (left) await sleep(100);
    }
    expect(left).toBe(0);
  }, 60000);

  it('rate limits hold on the cluster: the send budget (one Lua key) and sign-in failures (four keys, one slot)', async () => {
    const u = makeUser(stack);
    const c = await connect(strict, u.token);
    clients.push(c);
    expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId: 'lobby' })).ok).toBe(true);
    const rs = [];
    for (let i = 0; i < 5; i++)
      rs.push(await ack(c, CLIENT_EVENTS.messageSend, { roomId: 'lobby', text: `rl ${i}`, clientMsgId: randomUUID() }));
    expect(rs.slice(0, 3).every((r) => r.ok)).toBe(true);
    expect(rs[3].ok).toBe(false);
    expect(rs[3].error.code).toBe('rate_limited');

    const username = `cl${randomUUID().slice(0, 8)}`;
    expect((await api(strict, undefined, 'POST', '/api/auth/register', { username, password: PASSWORD })).status).toBe(
      201,
    );
    const wrong = async () =>
      (await api(strict, undefined, 'POST', '/api/auth/login', { username, password: 'wrong wrong wrong' })).status;
    expect(await wrong()).toBe(401);
    expect(await wrong()).toBe(401);
    expect(await wrong()).toBe(429);
  }, 60000);

  it('revocation: a signed-out session gets 401 and its socket is closed', async () => {
    const username = `cr${randomUUID().slice(0, 8)}`;
    const reg = await api(stack, undefined, 'POST', '/api/auth/register', { username, password: PASSWORD });
    expect(reg.status).toBe(201);
    const { accessToken, refreshToken } = reg.body as { accessToken: string; refreshToken: string };
    const c = await connect(url2, accessToken);
    clients.push(c);
    expect((await api(url2, accessToken, 'GET', '/api/me')).status).toBe(200);
    expect((await api(stack, undefined, 'POST', '/api/auth/logout', { refreshToken })).status).toBe(204);
    expect(await until(() => c.events.some((e) => e.event === SERVER_EVENTS.sessionRevoked), 5000)).toBe(true);
    expect(await until(() => !c.socket.connected, 5000)).toBe(true);
    expect((await api(url2, accessToken, 'GET', '/api/me')).status).toBe(401);
  }, 30000);

  it('a master killed under traffic: failover, no acked message lost or duplicated, sends recover within 10 s', async () => {
    const users = [makeUser(stack), makeUser(stack)];
    const roomId = await newRoom(users[0].token);
    await joinRoom(stack, users[1], roomId);
    const conns = [await connect(stack.url, users[0].token), await connect(url2, users[1].token)];
    clients.push(...conns);
    for (const c of conns) expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);

    let killedAt = 0;
    let firstOkAfterKill = 0;
    const acked: Message[] = [];
    /** send with one clientMsgId until acknowledged, as the web client does */
    const sendUntilAcked = async (c: Client, text: string) => {
      const clientMsgId = randomUUID();
      for (;;) {
        const r = await ack(c, CLIENT_EVENTS.messageSend, { roomId, text, clientMsgId }, 4000).catch(() => undefined);
        if (r?.ok) {
          if (killedAt && !firstOkAfterKill) firstOkAfterKill = Date.now();
          acked.push(r.message as Message);
          return;
        }
        await sleep(200);
      }
    };
    const traffic = Promise.all(
      conns.map(async (c, i) => {
        for (let n = 0; n < 40; n++) {
          await sendUntilAcked(c, `f${i} #${n}`);
          await sleep(50);
        }
      }),
    );
    await until(() => acked.length >= 20, 20000);
    const [victim] = await cluster.masters();
    await cluster.kill(victim);
    killedAt = Date.now();
    await traffic;
    await cluster.waitOk(30000);
    expect(firstOkAfterKill - killedAt).toBeLessThan(10000);

    const ids = acked.map((m) => m.id);
    expect(new Set(ids).size).toBe(80);
    const history = await fullHistory(stack, users[0].token, roomId);
    expect(history).toHaveLength(80);
    expectGapFree(history);
    expect(new Set(history.map((m) => m.id))).toEqual(new Set(ids));

    // each client: what arrived live plus a catch-up from its last seen seq is everything, once
    for (const c of conns) {
      const live = c.received.filter((m) => m.roomId === roomId);
      expect(new Set(live.map((m) => m.id)).size).toBe(live.length);
      const seen = new Set(live.map((m) => m.seq));
      let since = 0;
      while (seen.has(since + 1)) since++;
      const j = await ack(c, CLIENT_EVENTS.roomJoin, { roomId, sinceSeq: since }, 8000);
      expect(j.ok).toBe(true);
      const all = new Set([...seen, ...(j.messages as Message[]).map((m) => m.seq)]);
      // a join answers one page; more than one missed page would say hasMore
      if (j.hasMore) for (const m of await fullHistory(stack, users[0].token, roomId)) all.add(m.seq);
      expect([...all].sort((x, y) => x - y)).toEqual(history.map((m) => m.seq));
    }
  }, 120000);
});

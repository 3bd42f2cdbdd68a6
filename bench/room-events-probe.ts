/**
 * Room events by interest (SPEC §11) against the single room-events channel, at the Redis level:
 * G gateway processes (each a real subscriber doing what RoomEventsSubscriber + RoomFanout do with
 * an event: parse it, look its room up among its sockets' rooms, count a delivery) and one
 * publisher sending the same `message:new` envelopes, same rooms, same order, in both modes:
 *
 * - broadcast: every gateway subscribes to `<p>:hihi:room-events` (the design before SPEC §11);
 * - interest:  every gateway subscribes to the shard channels of its rooms only (roomChannel).
 *
 * Measured per delivered message (a delivery = an event reaching a gateway that has the room):
 * Redis bytes out (INFO stats total_net_output_bytes), Redis CPU (INFO cpu) and the gateways'
 * CPU (process.cpuUsage of the G processes). Then the interest mode's publish throughput on a
 * 3-master Redis Cluster (SPUBLISH, sharded subscribers) against one Redis.
 *
 * Run: npm run build:server && tsc -p bench/tsconfig.json && node dist/bench/bench/room-events-probe.js
 */
import { fork, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { startRedis } from '../libs/infra/src/redis';
import { startRedisCluster } from '../libs/infra/src/redis-cluster';
import { repoRoot } from '../libs/infra/src/services';
import type * as RedisLib from '../libs/common/src/redis';

// the built factory and channel helpers (nest build rewrote their @hihi imports)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require(join(repoRoot(), 'dist/apps/gateway/libs/common/src/redis')) as typeof RedisLib;

const PREFIX = 'hihi';
const GATEWAYS = Number(process.env.GATEWAYS ?? 4);
const ROOMS = Number(process.env.ROOMS ?? 400);
const MESSAGES = Number(process.env.MESSAGES ?? 20000);
const BROADCAST = `${PREFIX}:hihi:room-events`;
/** shard count to try (default: the contract's ROOM_EVENT_SHARDS, i.e. lib.roomChannel) */
const SHARDS = process.env.SHARDS ? Number(process.env.SHARDS) : undefined;
function channelOf(roomId: string): string {
  if (!SHARDS) return lib.roomChannel(PREFIX, roomId);
  let h = 0x811c9dc5;
  for (let i = 0; i < roomId.length; i++) h = Math.imul(h ^ roomId.charCodeAt(i), 0x01000193) >>> 0;
  return `${BROADCAST}:${h % SHARDS}`;
}

type Mode = 'broadcast' | 'interest';
interface Setup {
  mode: Mode;
  url: string;
  rooms: string[];
}
interface Report {
  cpuUs: number;
  received: number;
  delivered: number;
}

/* ---------- child: one gateway ---------- */
async function gateway(): Promise<void> {
  let setup: Setup | undefined;
  let received = 0;
  let delivered = 0;
  let cpu0 = process.cpuUsage();
  let sub: RedisLib.RedisClient | undefined;
  process.on('message', async (msg: { op: string; setup?: Setup }) => {
    if (msg.op === 'setup') {
      setup = msg.setup!;
      const rooms = new Set(setup.rooms);
      sub = lib.createRedis(setup.url, { name: 'bench-gateway', maxRetriesPerRequest: null, shardedSubscribers: true });
      const onEvent = (_ch: string, raw: string) => {
        received++;
        const event = JSON.parse(raw) as { roomId: string };
        if (rooms.has(event.roomId)) delivered++;
      };
      if (setup.mode === 'broadcast') {
        sub.on('message', onEvent);
        await sub.subscribe(BROADCAST);
      } else {
        lib.onShardedMessage(sub, onEvent);
        for (const ch of new Set(setup.rooms.map((r) => channelOf(r)))) await lib.subscribeSharded(sub, ch);
      }
      process.send!({ op: 'ready' });
    } else if (msg.op === 'start') {
      received = 0;
      delivered = 0;
      cpu0 = process.cpuUsage();
      process.send!({ op: 'started' });
    } else if (msg.op === 'report') {
      const d = process.cpuUsage(cpu0);
      const report: Report = { cpuUs: d.user + d.system, received, delivered };
      process.send!({ op: 'report', report });
    } else if (msg.op === 'stop') {
      sub?.disconnect();
      process.exit(0);
    }
  });
}

/* ---------- parent ---------- */
function ask<T>(child: ChildProcess, op: string, reply: string, extra: object = {}): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { op: string } & T) => {
      if (m.op !== reply) return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.send({ op, ...extra });
  });
}

function envelope(roomId: string, seq: number): string {
  return JSON.stringify({
    type: 'message:new',
    roomId,
    message: {
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      roomId,
      seq,
      clientMsgId: `c-${seq}`,
      sender: { id: 'u-1', username: 'alice', displayName: 'Alice' },
      text: '嗨嗨！ a message of ordinary length for a chat room, about one line of text or so.',
      createdAt: new Date().toISOString(),
      mentions: [],
      reactions: [],
      attachments: [],
    },
  });
}

/** Rooms spread over the gateways: room i has sockets on 1 or 2 of them (members on different gateways). */
function roomsOf(rooms: string[]): string[][] {
  const per: string[][] = Array.from({ length: GATEWAYS }, () => []);
  rooms.forEach((r, i) => {
    per[i % GATEWAYS].push(r);
    if (i % 2 === 1) per[(i + 1) % GATEWAYS].push(r);
  });
  return per;
}

interface RedisNodeStats {
  bytesOut: number;
  cpuSec: number;
}
async function nodeStats(ports: number[]): Promise<RedisNodeStats> {
  let bytesOut = 0;
  let cpuSec = 0;
  for (const port of ports) {
    const c = new Redis(port, '127.0.0.1');
    const info = await c.info();
    c.disconnect();
    bytesOut += Number(/total_net_output_bytes:(\d+)/.exec(info)?.[1] ?? 0);
    cpuSec +=
      Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  }
  return { bytesOut, cpuSec };
}

interface Run {
  mode: Mode;
  target: string;
  delivered: number;
  received: number;
  seconds: number;
  redisBytesPerDelivery: number;
  redisCpuUsPerDelivery: number;
  gatewayCpuUsPerDelivery: number;
  publishedPerSec: number;
}

async function run(mode: Mode, url: string, ports: number[], target: string): Promise<Run> {
  const rooms = Array.from({ length: ROOMS }, (_, i) => `room-bench-${i}`);
  const per = roomsOf(rooms);
  const script = __filename;
  const children = per.map(() => fork(script, ['gateway'], { stdio: 'inherit' }));
  await Promise.all(children.map((c, i) => ask(c, 'setup', 'ready', { setup: { mode, url, rooms: per[i] } })));
  const pub = lib.createRedis(url, { name: 'bench-publisher', enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  const payloads = Array.from({ length: MESSAGES }, (_, n) => {
    const room = rooms[n % ROOMS];
    return { room, raw: envelope(room, n + 1) };
  });
  const expected = payloads.reduce((s, p) => s + per.filter((r) => r.includes(p.room)).length, 0);
  await Promise.all(children.map((c) => ask(c, 'start', 'started')));
  const before = await nodeStats(ports);
  const t0 = process.hrtime.bigint();
  const BATCH = 200;
  for (let i = 0; i < payloads.length; i += BATCH) {
    await Promise.all(
      payloads
        .slice(i, i + BATCH)
        .map((p) =>
          mode === 'broadcast'
            ? (pub as Redis).publish(BROADCAST, p.raw)
            : lib.publishSharded(pub, channelOf(p.room), p.raw),
        ),
    );
  }
  // wait until every gateway got what it should
  let reports: Report[] = [];
  for (let i = 0; i < 600; i++) {
    reports = (await Promise.all(children.map((c) => ask<{ report: Report }>(c, 'report', 'report')))).map(
      (r) => r.report,
    );
    if (reports.reduce((s, r) => s + r.delivered, 0) >= expected) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = await nodeStats(ports);
  pub.disconnect();
  for (const c of children) c.send({ op: 'stop' });
  const delivered = reports.reduce((s, r) => s + r.delivered, 0);
  if (delivered !== expected) throw new Error(`${mode}: delivered ${delivered} of ${expected}`);
  return {
    mode,
    target,
    delivered,
    received: reports.reduce((s, r) => s + r.received, 0),
    seconds,
    redisBytesPerDelivery: (after.bytesOut - before.bytesOut) / delivered,
    redisCpuUsPerDelivery: ((after.cpuSec - before.cpuSec) * 1e6) / delivered,
    gatewayCpuUsPerDelivery: reports.reduce((s, r) => s + r.cpuUs, 0) / delivered,
    publishedPerSec: MESSAGES / seconds,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hihi-bench-events-'));
  const one = await startRedis(join(dir, 'one'), false, () => undefined);
  const results: Run[] = [];
  try {
    // same run, same load: broadcast then interest, twice, on one Redis
    for (let round = 0; round < 2; round++) {
      results.push(await run('broadcast', one.url, [one.port], 'one Redis'));
      results.push(await run('interest', one.url, [one.port], 'one Redis'));
    }
    const cluster = await startRedisCluster(join(dir, 'cluster'), () => undefined, {
      masters: 3,
      replicasPerMaster: 0,
    });
    try {
      const ports = await cluster.masters();
      for (let round = 0; round < 2; round++)
        results.push(await run('interest', cluster.url, ports, 'cluster (3 masters)'));
    } finally {
      await cluster.stop();
    }
  } finally {
    await one.proc.stop(2000);
    rmSync(dir, { recursive: true, force: true });
  }
  const best = (mode: Mode, target: string) => {
    const rs = results.filter((r) => r.mode === mode && r.target === target);
    return rs.reduce((a, b) => (b.gatewayCpuUsPerDelivery < a.gatewayCpuUsPerDelivery ? b : a));
  };
  const b = best('broadcast', 'one Redis');
  const i = best('interest', 'one Redis');
  const c = best('interest', 'cluster (3 masters)');
  console.log(
    `\n${GATEWAYS} gateways, ${ROOMS} rooms (each on 1 or 2 gateways), ${MESSAGES} message:new events, ${SHARDS ?? 'ROOM_EVENT_SHARDS'} shards\n`,
  );
  console.log(
    '| mode | Redis | events received by gateways | Redis bytes out / delivery | Redis CPU µs / delivery | gateway CPU µs / delivery | events published / s |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of [b, i, c])
    console.log(
      `| ${r.mode} | ${r.target} | ${r.received} for ${r.delivered} deliveries | ${r.redisBytesPerDelivery.toFixed(0)} | ${r.redisCpuUsPerDelivery.toFixed(1)} | ${r.gatewayCpuUsPerDelivery.toFixed(1)} | ${r.publishedPerSec.toFixed(0)} |`,
    );
  console.log(
    `\ninterest / broadcast: Redis bytes ×${(i.redisBytesPerDelivery / b.redisBytesPerDelivery).toFixed(2)}, ` +
      `Redis CPU ×${(i.redisCpuUsPerDelivery / b.redisCpuUsPerDelivery).toFixed(2)}, ` +
      `gateway CPU ×${(i.gatewayCpuUsPerDelivery / b.gatewayCpuUsPerDelivery).toFixed(2)}; ` +
      `cluster / one Redis throughput ×${(c.publishedPerSec / i.publishedPerSec).toFixed(2)}`,
  );
}

if (process.argv[2] === 'gateway') void gateway();
else
  main().catch((err: Error) => {
    console.error(err);
    process.exit(1);
  });

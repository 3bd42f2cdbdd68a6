/**
 * Push and digest recipients (SPEC §10): the plans and latency of the queries a new message and a
 * digest run make — PushRepository.recipients (who in the room has a device, their level and read
 * position) in rooms of 100 and 1,000 members, PushRepository.audience (PushAudience's read, once
 * per room and minute), DigestRepository.levels (the mentioned) and
 * DigestRepository.collect (a person's unread DMs, groups and mentions since their last digest) —
 * with chat's real repositories (the compiled ones in dist/: run `npm run build:server` first)
 * against the embedded PostgreSQL with chat's migrations, in a database of 100,000 people,
 * 5,000 other rooms and 300,000 messages; then the push query again without read_positions_room. The plans are chat's own statements, run under
 * `explain analyze` (the pool's client prefixes them), so what is printed is what production
 * runs. Usage:
 *   node dist/bench/bench/notify-probe.js [reps, default 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgres } from '../libs/infra/src/postgres';

interface QueryClient {
  query(text: unknown, params?: unknown): Promise<unknown>;
}
interface PoolLike {
  connect(): Promise<QueryClient>;
}
interface DatabaseModule {
  createPool(url: string, max: number): PoolLike;
  createDb(pool: PoolLike): { destroy(): Promise<void> };
  migrateToLatest(db: unknown, log: (l: string) => void): Promise<void>;
}
interface PushRepo {
  recipients(roomId: string, senderId: string, mentioned: string[]): Promise<unknown[]>;
  audience(roomId: string, defaultAll: boolean, limit: number): Promise<unknown[]>;
}
interface DigestRepo {
  levels(roomId: string, userIds: string[]): Promise<unknown[]>;
  members(roomId: string): Promise<unknown[]>;
  collect(userId: string, since: Date, until: Date, limit: number): Promise<{ rows: unknown[]; total: number }>;
}

const CHAT = join(__dirname, '..', '..', 'apps', 'chat', 'apps', 'chat', 'src');
/* eslint-disable @typescript-eslint/no-require-imports */
const database = require(join(CHAT, 'database', 'database')) as DatabaseModule;
const { PushRepository } = require(join(CHAT, 'persistence', 'push.repository')) as {
  PushRepository: new (db: unknown) => PushRepo;
};
const { DigestRepository } = require(join(CHAT, 'persistence', 'digest.repository')) as {
  DigestRepository: new (db: unknown) => DigestRepo;
};
/* eslint-enable @typescript-eslint/no-require-imports */

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Prefix the next statement of chat's repositories with `explain analyze` (and answer its plan). */
let explainNext = false;
function explainingPool(pool: PoolLike): PoolLike {
  const connect = pool.connect.bind(pool);
  const wrapped = new WeakSet<QueryClient>();
  pool.connect = async () => {
    const client = await connect();
    if (!wrapped.has(client)) {
      wrapped.add(client);
      const query = client.query.bind(client);
      client.query = (text: unknown, params?: unknown) => {
        if (explainNext && typeof text === 'string' && /^\s*(select|with)/i.test(text)) {
          explainNext = false;
          return query(`explain (analyze, costs off, summary on) ${text}`, params);
        }
        return query(text, params);
      };
    }
    return client;
  };
  return pool;
}

const USERS = 100_000;
const ROOMS = 5_000;
const MESSAGES = 300_000;

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? 200);
  const dir = mkdtempSync(join(tmpdir(), 'hihi-notifyprobe-'));
  const pg = await startPostgres(join(dir, 'pg'), { dbName: 'probe', persistent: false }, () => undefined);
  const db = database.createDb(explainingPool(database.createPool(pg.url, 4)));
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  const run = (s: string) => admin.query(s);
  try {
    await database.migrateToLatest(db, () => undefined);
    const t0 = performance.now();
    await run(`insert into chat_users (id, username, username_key, display_name)
      select 'u' || g, 'user' || g, 'user' || g, 'User ' || g from generate_series(1, ${USERS}) g`);
    // 2,000 public rooms of 20, and the two probed rooms: big100 (u1..u100), big1000 (u1..u1000)
    await run(`insert into rooms (id, kind, name, name_key, last_seq)
      select 'r' || g, 'public', 'room ' || g, 'public:room ' || g, 150 from generate_series(1, ${ROOMS}) g
      union all select 'big100', 'public', 'big100', 'public:big100', 150
      union all select 'big1000', 'public', 'big1000', 'public:big1000', 150`);
    await run(`insert into room_members (room_id, user_id)
      select 'r' || g, 'u' || (1 + (g * 7 + k * 997) % ${USERS}) from generate_series(1, ${ROOMS}) g, generate_series(0, 19) k
      on conflict do nothing`);
    await run(`insert into room_members (room_id, user_id) select 'big100', 'u' || g from generate_series(1, 100) g`);
    await run(`insert into room_members (room_id, user_id) select 'big1000', 'u' || g from generate_series(1, 1000) g`);
    // the digest's person (u1): 30 DMs and 10 groups with unread messages, one at `none`
    await run(`insert into rooms (id, kind, name, name_key, last_seq)
      select 'dm' || g, 'dm', '', 'dm:' || g, 40 from generate_series(1, 30) g
      union all select 'grp' || g, 'group', 'group ' || g, 'group:' || g, 40 from generate_series(1, 10) g`);
    await run(`insert into room_members (room_id, user_id, notify_level)
      select 'dm' || g, 'u1', null from generate_series(1, 30) g
      union all select 'dm' || g, 'u' || (2000 + g), null from generate_series(1, 30) g
      union all select 'grp' || g, 'u' || k, case when g = 1 and k = 1 then 'none' end
        from generate_series(1, 10) g, generate_series(1, 5) k`);
    // messages: 300,000 in the public rooms over 30 days, 40 per DM/group (the last 10 in the last hour)
    await run(`insert into messages (room_id, seq, sender_id, sender_username, sender_display_name, client_msg_id, text, created_at)
      select 'r' || (1 + g % ${ROOMS}), 1 + g / ${ROOMS}, 'u' || (1 + g % 997), 'user', 'User', 'c' || g, 'message ' || g,
        now() - interval '30 days' + (g * interval '30 days' / ${MESSAGES})
      from generate_series(0, ${MESSAGES - 1}) g`);
    await run(`insert into messages (room_id, seq, sender_id, sender_username, sender_display_name, client_msg_id, text, created_at)
      select r, s, case when s % 3 = 0 then 'u1' else 'u3' end, 'user3', 'User 3', r || '-' || s, 'hello ' || s,
        now() - (41 - s) * interval '5 minutes'
      from (select 'dm' || g as r from generate_series(1, 30) g union all select 'grp' || g from generate_series(1, 10) g) x,
        generate_series(1, 40) s`);
    await run(`insert into messages (room_id, seq, sender_id, sender_username, sender_display_name, client_msg_id, text, created_at)
      select b, s, 'u' || (2 + s), 'user', 'User', b || '-' || s, '@user1 hi ' || s, now() - (151 - s) * interval '1 minute'
      from (values ('big100'), ('big1000')) v (b), generate_series(1, 150) s`);
    // u1 is mentioned 2,000 times over the month in public rooms (read), and in the big rooms lately;
    // others one message in three
    await run(`insert into message_mentions (user_id, room_id, seq)
      select 'u' || (2 + g % ${USERS - 1}), 'r' || (1 + g % ${ROOMS}), 1 + g / ${ROOMS} from generate_series(0, ${MESSAGES - 1}, 3) g
      union all
      select 'u1', 'r' || (1 + g % ${ROOMS}), 1 + g / ${ROOMS} from generate_series(0, ${MESSAGES - 1}, 150) g
      union all select 'u1', b, s from (values ('big100'), ('big1000')) v (b), generate_series(1, 150, 10) s
      on conflict do nothing`);
    // everyone has read up to 140 of each room they are in; u1 has read 30 of 40 in DMs/groups
    await run(`insert into read_positions (user_id, room_id, seq)
      select user_id, room_id, case when room_id like 'dm%' or room_id like 'grp%' then 30 else 140 end from room_members`);
    await run(`update read_positions set seq = 150 where user_id = 'u1' and room_id like 'r%'`);
    // u1's mentions are in rooms u1 is a member of (mentions come only from members)
    await run(`insert into room_members (room_id, user_id) select distinct room_id, 'u1' from message_mentions
      where user_id = 'u1' on conflict do nothing`);
    await run(`insert into read_positions (user_id, room_id, seq) select 'u1', room_id, 150 from room_members
      where user_id = 'u1' and room_id like 'r%' on conflict (user_id, room_id) do update set seq = 150`);
    // one in four people has a device
    await run(`insert into push_subscriptions (endpoint, user_id, p256dh, auth)
      select 'https://push.example/' || g, 'u' || g, 'k', 'a' from generate_series(1, ${USERS}, 4) g`);
    for (const t of [
      'chat_users',
      'rooms',
      'room_members',
      'messages',
      'message_mentions',
      'read_positions',
      'push_subscriptions',
    ])
      await run(`vacuum analyze ${t}`);
    process.stdout.write(
      `${USERS} people, ${ROOMS + 42} rooms, ${MESSAGES + 1900} messages (set up in ${((performance.now() - t0) / 1000).toFixed(1)} s); ${reps} runs per query; p50 / p95 ms (rows)\n`,
    );

    const push = new PushRepository(db);
    const digest = new DigestRepository(db);
    const hourAgo = new Date(Date.now() - 3600_000);
    const mentioned = ['u5', 'u50', 'u500'];
    const shapes: [string, () => Promise<unknown>][] = [
      ['push recipients, 100 members', () => push.recipients('big100', 'u3', [])],
      ['push recipients, 1,000 members', () => push.recipients('big1000', 'u3', [])],
      ['push recipients, 1,000 members, 3 mentioned', () => push.recipients('big1000', 'u3', mentioned)],
      // PushAudience's read (once per room and minute, not per message): the worst case is a room
      // where nobody is at `all`, so every member is looked at
      ['push audience, 1,000 members, default mentions', () => push.audience('big1000', false, 2)],
      ['push audience, 1,000 members, default all', () => push.audience('big1000', true, 2)],
      ['digest levels of 3 mentioned, 1,000 members', () => digest.levels('big1000', mentioned)],
      ['digest members of a group', () => digest.members('grp2')],
      ['digest collect (last hour, 20)', () => digest.collect('u1', hourAgo, new Date(), 20)],
      ['digest later-check (limit 1)', () => digest.collect('u1', new Date(Date.now() - 60_000), new Date(8.64e15), 1)],
    ];
    const plans = async (only?: string) => {
      for (const [name, fn] of shapes) {
        if (only && !name.startsWith(only)) continue;
        explainNext = true;
        const res = await fn();
        const planRows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as Record<string, string>[];
        process.stdout.write(`\n-- ${name}\n${planRows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      }
    };
    const measure = async (label: string, only?: string) => {
      process.stdout.write(`\nlatency ${label}\n`);
      for (const [name, fn] of shapes) {
        if (only && !name.startsWith(only)) continue;
        for (let i = 0; i < 10; i++) await fn(); // warm
        const times: number[] = [];
        let rows = 0;
        for (let i = 0; i < reps; i++) {
          const t = performance.now();
          const res = await fn();
          rows = Array.isArray(res) ? res.length : (res as { total: number }).total;
          times.push(performance.now() - t);
        }
        process.stdout.write(
          `  ${name.padEnd(46)} ${pct(times, 50).toFixed(2).padStart(8)} ${pct(times, 95).toFixed(2).padStart(8)}  (${rows})\n`,
        );
      }
    };
    await plans();
    await measure('with read_positions_room (migration 0012)');
    await run('drop index read_positions_room');
    await run('analyze read_positions');
    await plans('push recipients, 1,000');
    await measure('baseline, same run: without read_positions_room', 'push recipients');
  } finally {
    await admin.end();
    await db.destroy();
    await pg.proc.stop(5000);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

/**
 * Storage scale probe (issue 10): one room grows from 1k to 1M messages; at each size, measure
 * through chat's own repository (the queries the service runs):
 *   - a history page (latest 50 before a seq deep in the room) and a catch-up page (100 after a seq),
 *     p50 / p99 over 200 random positions;
 *   - a join's change catch-up (messages changed since a seq);
 *   - insert throughput: single sends one after another (ack latency), and 20 concurrent senders
 *     through chat's MessageStore (group commit: sends that arrive together share a statement).
 * PostgreSQL runs with production durability (fsync, synchronous_commit on).
 *   node dist/bench/bench/storage-probe.js [--max=1000000]
 */
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kysely, sql } from 'kysely';
import { startPostgres } from '../libs/infra/src/postgres';
import { repoRoot } from '../libs/infra/src/services';
import type * as DatabaseModule from '../apps/chat/src/database/database';
import type * as MessagesModule from '../apps/chat/src/persistence/messages.repository';
import type * as RoomsModule from '../apps/chat/src/persistence/rooms.repository';
import type * as StoreModule from '../apps/chat/src/messages/message-store';
import type { NewMessage } from '../apps/chat/src/persistence/messages.repository';
import { cliArgs } from './lib/args';

// chat's own code as `npm run build:server` built it (the bench drives the real repositories)
const chatDist = join(repoRoot(), 'dist', 'apps', 'chat', 'apps', 'chat', 'src');
/* eslint-disable @typescript-eslint/no-require-imports */
const { createDb, createPool, migrateToLatest } = require(
  join(chatDist, 'database', 'database'),
) as typeof DatabaseModule;
const { MessagesRepository } = require(join(chatDist, 'persistence', 'messages.repository')) as typeof MessagesModule;
const { RoomsRepository } = require(join(chatDist, 'persistence', 'rooms.repository')) as typeof RoomsModule;
const { MessageStore } = require(join(chatDist, 'messages', 'message-store')) as typeof StoreModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const args = cliArgs();
const MAX = Number(args.get('max') ?? 1_000_000);
const LEVELS = [1_000, 10_000, 100_000, 1_000_000].filter((n) => n <= MAX);

function log(s: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100;
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const msg = (i: number, tag: string): NewMessage => ({
  senderId: `s${i % 50}`,
  senderUsername: `s${i % 50}`,
  senderDisplayName: `Sender ${i % 50}`,
  senderBot: false,
  clientMsgId: `${tag}-${i}`,
  text: `probe message ${i}: the quick brown fox 小黄鸭 jumps over the lazy dog`,
});

export interface StorageLevel {
  messages: number;
  historyMs: { p50: number; p99: number };
  catchUpMs: { p50: number; p99: number };
  changesMs: { p50: number; p99: number };
  sequentialSendMs: { p50: number; p99: number };
  sequentialSendsPerSec: number;
  concurrentSendsPerSec: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hihi-storage-'));
  const pg = await startPostgres(join(dir, 'postgres'), { dbName: 'probe', persistent: true }, () => undefined);
  const db = createDb(createPool(pg.url, 20));
  const out: StorageLevel[] = [];
  try {
    await migrateToLatest(db as Kysely<unknown>, () => undefined);
    const rooms = new RoomsRepository(db);
    const messages = new MessagesRepository(db);
    const store = new MessageStore(messages, { publish: () => Promise.resolve() });
    const roomId = 'probe-room';
    await rooms.create({ id: roomId, kind: 'public', name: roomId, nameKey: `public:${roomId}`, members: [] });
    let stored = 0;
    for (const level of LEVELS) {
      // fill up to the level in bulk (generate_series, 20k rows a statement), keeping the room's counters exact
      const add = level - stored;
      if (add > 0) {
        const t = performance.now();
        for (let done = 0; done < add;) {
          const n = Math.min(20_000, add - done);
          const from = stored + done;
          await sql`
            with room as (
              update rooms set last_seq = last_seq + ${n}, last_event = last_event + ${n} where id = ${roomId}
              returning last_seq, last_event)
            insert into messages (room_id, seq, event, sender_id, sender_username, sender_display_name, sender_bot,
                                  client_msg_id, text)
            select ${roomId}, room.last_seq - ${n} + g, room.last_event - ${n} + g, 's' || (g % 50), 's' || (g % 50),
                   'Sender ' || (g % 50), false, 'bulk-' || (${from} + g),
                   'probe message ' || (${from} + g) || ': the quick brown fox 小黄鸭 jumps over the lazy dog'
            from room, generate_series(1, ${n}) as g`.execute(db);
          done += n;
        }
        // some changed messages scattered through the room, as edits and reactions leave them
        await sql`
          with ev as (update rooms set last_event = last_event + 1 where id = ${roomId} returning last_event)
          update messages set changed_event = ev.last_event, edited_at = now()
          from ev where room_id = ${roomId} and seq > ${stored} and seq % 997 = 0`.execute(db);
        await sql`analyze messages`.execute(db);
        stored = level;
        log(`filled to ${level} messages in ${Math.round(performance.now() - t)} ms`);
      }
      const history: number[] = [];
      const catchUp: number[] = [];
      const changes: number[] = [];
      for (let i = 0; i < 200; i++) {
        const at = 1 + Math.floor(Math.random() * (stored - 1));
        history.push(await timed(() => messages.range(roomId, 0, at, 51, false)));
        catchUp.push(await timed(() => messages.range(roomId, at, undefined, 101, true)));
        changes.push(await timed(() => messages.changedSince(roomId, Math.max(1, stored - 5000), 500)));
      }
      const seq: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < 200; i++) seq.push(await timed(() => messages.insertBatch(roomId, [msg(i, `seq-${level}`)])));
      const seqRate = 200 / ((performance.now() - t0) / 1000);
      // 20 concurrent senders, 1,000 messages: what group commit makes of a busy room
      const t1 = performance.now();
      let k = 0;
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (k < 1000) {
            const i = k++;
            await store.send(roomId, msg(i, `conc-${level}`));
          }
        }),
      );
      const concRate = 1000 / ((performance.now() - t1) / 1000);
      stored += 1200;
      const r: StorageLevel = {
        messages: level,
        historyMs: { p50: pct(history, 50), p99: pct(history, 99) },
        catchUpMs: { p50: pct(catchUp, 50), p99: pct(catchUp, 99) },
        changesMs: { p50: pct(changes, 50), p99: pct(changes, 99) },
        sequentialSendMs: { p50: pct(seq, 50), p99: pct(seq, 99) },
        sequentialSendsPerSec: Math.round(seqRate),
        concurrentSendsPerSec: Math.round(concRate),
      };
      out.push(r);
      log(
        `${level}: history p50 ${r.historyMs.p50} p99 ${r.historyMs.p99} ms · catch-up p50 ${r.catchUpMs.p50} p99 ${r.catchUpMs.p99} ms · ` +
          `changes p50 ${r.changesMs.p50} ms · send p50 ${r.sequentialSendMs.p50} ms (${r.sequentialSendsPerSec}/s one by one, ` +
          `${r.concurrentSendsPerSec}/s from 20 concurrent senders)`,
      );
    }
    const first = out[0];
    const last = out[out.length - 1];
    if (first && last && first !== last) {
      log(
        `${first.messages} → ${last.messages}: history p50 ×${(last.historyMs.p50 / first.historyMs.p50).toFixed(2)}, ` +
          `catch-up p50 ×${(last.catchUpMs.p50 / first.catchUpMs.p50).toFixed(2)}, ` +
          `insert throughput (concurrent) ${Math.round((last.concurrentSendsPerSec / first.concurrentSendsPerSec) * 100)} %`,
      );
    }
    const resDir = resolve('bench/results');
    mkdirSync(resDir, { recursive: true });
    const file = join(resDir, `storage-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(out, null, 2));
    log(`results: ${file}`);
  } finally {
    await db.destroy();
    await pg.proc.stop(10000);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  },
);

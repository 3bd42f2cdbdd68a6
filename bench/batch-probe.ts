/**
 * What PostgreSQL spends per stored message, by group-commit batch size (issue 10): the sends of
 * 100 rooms stored through chat's own MessagesRepository.insert, `--batches=1,10,50,200` messages
 * a statement, N statements one after another; PostgreSQL's CPU (all its processes) per message
 * and statements/s — the send path. Search is indexed off it (migration 0013): after each level
 * the queued messages are indexed as chat's SearchIndexer does (SearchRepository.indexQueued, 1,000
 * a transaction, then a vacuum of message_search and search_queue) and PostgreSQL's CPU for that
 * is reported per message too (`indexerCpuUsPerMessage`).
 * Then the same without the search queue's triggers (`none`: what queueing costs the send path)
 * (`--variants=as-migrated,fastupdate-off,fastupdate-on,commit-no-flush,none`; fastupdate-* set the
 * GIN pending list of message_search's indexes). PostgreSQL runs with production durability (fsync, synchronous_commit on).
 *   node dist/bench/bench/batch-probe.js [--batches=1,10,50,200] [--messages=6000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { startPostgres } from '../libs/infra/src/postgres';
import { repoRoot } from '../libs/infra/src/services';
import { cpuMsOf, processTree } from './lib/procstat';
import type * as DatabaseModule from '../apps/chat/src/database/database';
import type * as MessagesModule from '../apps/chat/src/persistence/messages.repository';
import type * as RoomsModule from '../apps/chat/src/persistence/rooms.repository';
import type * as SearchModule from '../apps/chat/src/persistence/search.repository';
import type { RoomMessage } from '../apps/chat/src/persistence/messages.repository';
import { cliArgs } from './lib/args';

// chat's own code as `npm run build:server` built it
const chatDist = join(repoRoot(), 'dist', 'apps', 'chat', 'apps', 'chat', 'src');
/* eslint-disable @typescript-eslint/no-require-imports */
const { createDb, createPool, migrateToLatest } = require(
  join(chatDist, 'database', 'database'),
) as typeof DatabaseModule;
const { MessagesRepository } = require(join(chatDist, 'persistence', 'messages.repository')) as typeof MessagesModule;
const { RoomsRepository } = require(join(chatDist, 'persistence', 'rooms.repository')) as typeof RoomsModule;
const { SearchRepository } = require(join(chatDist, 'persistence', 'search.repository')) as typeof SearchModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const args = cliArgs();
const BATCHES = (args.get('batches') ?? '1,10,50,200').split(',').map(Number);
const MESSAGES = Number(args.get('messages') ?? 6000);
const ROOMS = 100;
/** as migrated; the GIN indexes without / with their pending list; no search queue triggers */
const VARIANTS = (args.get('variants') ?? 'as-migrated,none').split(',');

let counter = 0;
const msg = (i: number): RoomMessage => ({
  roomId: `room-${i % ROOMS}`,
  senderId: `s${i % 50}`,
  senderUsername: `s${i % 50}`,
  senderDisplayName: `Sender ${i % 50}`,
  senderBot: false,
  clientMsgId: `c-${++counter}`,
  text: `message ${counter}: the quick brown fox 小黄鸭 jumps over the lazy dog`,
});

export interface BatchLevel {
  batch: number;
  /** inserts queue their messages for search (false: `none`, the triggers dropped) */
  searchQueued: boolean;
  variant: string;
  statementsPerSec: number;
  messagesPerSec: number;
  postgresCpuUsPerMessage: number;
  /** PostgreSQL's CPU to index the level's messages afterwards (off the send path) */
  indexerCpuUsPerMessage: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hihi-batch-'));
  const pg = await startPostgres(join(dir, 'postgres'), { dbName: 'probe', persistent: true }, () => undefined);
  const db = createDb(createPool(pg.url, 4));
  const pgCpu = () => processTree(pg.proc.proc.pid!).reduce((a, p) => a + cpuMsOf(p), 0);
  const out: BatchLevel[] = [];
  try {
    await migrateToLatest(db as Kysely<unknown>, () => undefined);
    const rooms = new RoomsRepository(db);
    const messages = new MessagesRepository(db);
    const search = new SearchRepository(db);
    for (let r = 0; r < ROOMS; r++)
      await rooms.create({
        id: `room-${r}`,
        kind: 'public',
        name: `room ${r}`,
        nameKey: `public:room-${r}`,
        members: [],
      });
    for (const variant of VARIANTS) {
      const searchQueued = variant !== 'none';
      if (variant === 'fastupdate-off' || variant === 'fastupdate-on')
        for (const ix of ['message_search_text_trgm', 'message_search_text_bigrams'])
          await sql`alter index ${sql.id(ix)} set (fastupdate = ${sql.raw(variant === 'fastupdate-on' ? 'on' : 'off')})`.execute(
            db,
          );
      if (variant === 'commit-no-flush') {
        // what the WAL flush of each commit costs: commits that do not wait for it (not for production)
        await sql`alter system set synchronous_commit = off`.execute(db);
        await sql`select pg_reload_conf()`.execute(db);
      }
      if (variant === 'none') {
        await sql`drop trigger messages_search_inserted on messages`.execute(db);
      }
      for (const batch of BATCHES) {
        const statements = Math.max(20, Math.ceil(MESSAGES / batch));
        const cpu0 = pgCpu();
        const t0 = performance.now();
        for (let s = 0; s < statements; s++)
          await messages.insert(Array.from({ length: batch }, (_, i) => msg(s * batch + i)));
        const sec = (performance.now() - t0) / 1000;
        const cpu1 = pgCpu();
        while (((await search.indexQueued(1000))?.taken ?? 0) > 0);
        // and the clean-up that indexing leaves (the GIN pending lists, the queue's dead rows), so
        // that autovacuum does not run it during the next level's inserts
        await sql`vacuum message_search, search_queue`.execute(db);
        const indexCpu = pgCpu() - cpu1;
        const level: BatchLevel = {
          batch,
          searchQueued,
          variant,
          statementsPerSec: Math.round(statements / sec),
          messagesPerSec: Math.round((statements * batch) / sec),
          postgresCpuUsPerMessage: Math.round(((cpu1 - cpu0) * 1000) / (statements * batch)),
          indexerCpuUsPerMessage: Math.round((indexCpu * 1000) / (statements * batch)),
        };
        out.push(level);
        process.stderr.write(`${JSON.stringify(level)}\n`);
      }
    }
    console.table(out);
  } finally {
    await db.destroy();
    await pg.proc.stop(5000);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

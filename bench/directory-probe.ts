/**
 * Directory latency (GET /api/rooms/directory, SPEC §7) with 10,000 public rooms (and as many
 * private ones, never listed): chat's real RoomsRepository.directory (the compiled one in dist/,
 * so run `npm run build:server` first) against the embedded PostgreSQL with chat's migrations.
 * Rooms and memberships are generated in the database. Reports p50 / p95 per query shape, and
 * the same queries without the directory indexes as the baseline of the same run. Usage:
 *   node dist/bench/bench/directory-probe.js [rooms, default 10000] [reps, default 200] [--explain]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgres } from '../libs/infra/src/postgres';

interface DatabaseModule {
  createPool(url: string, max: number): unknown;
  createDb(pool: unknown): { destroy(): Promise<void> };
  migrateToLatest(db: unknown, log: (l: string) => void): Promise<void>;
}
interface RoomsRepositoryCtor {
  new (db: unknown): {
    directory(userId: string, q: string, limit: number, after?: { name: string; id: string }): Promise<unknown[]>;
  };
}

const CHAT = join(__dirname, '..', '..', 'apps', 'chat', 'apps', 'chat', 'src');
/* eslint-disable @typescript-eslint/no-require-imports */
const database = require(join(CHAT, 'database', 'database')) as DatabaseModule;
const { RoomsRepository } = require(join(CHAT, 'persistence', 'rooms.repository')) as {
  RoomsRepository: RoomsRepositoryCtor;
};
/* eslint-enable @typescript-eslint/no-require-imports */

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const WORDS = `'{design,team,random,chess,music,lunch,deploy,support,读书,摄影,旅行,美食}'`;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000);
  const reps = Number(process.argv[3] ?? 200);
  const explain = process.argv.includes('--explain');
  const dir = mkdtempSync(join(tmpdir(), 'hihi-dirprobe-'));
  const pg = await startPostgres(join(dir, 'pg'), { dbName: 'probe', persistent: false }, () => undefined);
  const db = database.createDb(database.createPool(pg.url, 4));
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  const run = (s: string) => admin.query(s);
  try {
    await database.migrateToLatest(db, () => undefined);
    const t0 = performance.now();
    await run(`insert into rooms (id, kind, name, name_key, member_count)
      select 'pub-' || g, 'public', n, 'public:' || lower(n), 1 + g % 300
      from (select g, (${WORDS}::text[])[1 + g % 12] || ' ' || md5(g::text) as n from generate_series(1, ${count}) g) x
      union all
      select 'priv-' || g, 'private', 'secret ' || md5(g::text), 'private:priv-' || g, 3 from generate_series(1, ${count}) g`);
    // the caller is in 1 of 10 public rooms
    await run(
      `insert into room_members (room_id, user_id) select 'pub-' || g, 'viewer' from generate_series(1, ${count}, 10) g`,
    );
    await run('vacuum analyze rooms');
    await run('vacuum analyze room_members');
    process.stdout.write(
      `${count} public + ${count} private rooms (set up in ${((performance.now() - t0) / 1000).toFixed(1)} s); ${reps} requests per query; p50 / p95 ms (rows)\n`,
    );
    const repo = new RoomsRepository(db);
    const shapes: [string, () => Promise<unknown[]>][] = [];
    const first = (await repo.directory('viewer', '', 21)) as { name_key_sort: string; id: string }[];
    const cursor = { name: first[19].name_key_sort, id: first[19].id };
    const deep = (await repo.directory('viewer', 'm', 1, { name: 'music', id: '' })) as {
      name_key_sort: string;
      id: string;
    }[];
    const deepCursor = deep[0] ? { name: deep[0].name_key_sort, id: deep[0].id } : cursor;
    shapes.push(['first page, no query', () => repo.directory('viewer', '', 21)]);
    shapes.push(['next page (cursor)', () => repo.directory('viewer', '', 21, cursor)]);
    shapes.push(['deep page (cursor at "music")', () => repo.directory('viewer', '', 21, deepCursor)]);
    shapes.push(['common word "design"', () => repo.directory('viewer', 'design', 21)]);
    shapes.push(['2 letters "de"', () => repo.directory('viewer', 'de', 21)]);
    shapes.push(['rare substring (6 hex)', () => repo.directory('viewer', 'c4ca42', 21)]);
    shapes.push(['Chinese "摄影"', () => repo.directory('viewer', '摄影', 21)]);
    shapes.push(['no match', () => repo.directory('viewer', 'zqxjkv', 21)]);

    const measure = async (label: string) => {
      process.stdout.write(`\n${label}\n`);
      const p95s: number[] = [];
      for (const [name, fn] of shapes) {
        for (let i = 0; i < 10; i++) await fn(); // warm
        const times: number[] = [];
        let rows = 0;
        for (let i = 0; i < reps; i++) {
          const t = performance.now();
          rows = (await fn()).length;
          times.push(performance.now() - t);
        }
        p95s.push(pct(times, 95));
        process.stdout.write(
          `  ${name.padEnd(32)} ${pct(times, 50).toFixed(2).padStart(8)} ${pct(times, 95).toFixed(2).padStart(8)}  (${rows})\n`,
        );
      }
      return p95s;
    };
    if (explain) {
      const plan = await run(`explain analyze select r.id from rooms r where r.kind = 'public'
        and lower(r.name) like '%c4ca42%' order by lower(r.name), r.id limit 21`);
      process.stdout.write(`${plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}\n`);
    }
    const withIdx = await measure('with rooms_directory_name, _trgm and _bigrams (migration 0006)');
    await run('drop index rooms_directory_name');
    await run('drop index rooms_directory_trgm');
    await run('drop index rooms_directory_bigrams');
    await run('analyze rooms');
    const without = await measure('baseline, same run: without the directory indexes');
    process.stdout.write(
      `\nworst p95 with the indexes ${Math.max(...withIdx).toFixed(2)} ms (target ≤ 20 ms); without ${Math.max(...without).toFixed(2)} ms\n`,
    );
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

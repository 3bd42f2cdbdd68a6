/**
 * Search latency as the message table grows: chat's real SearchRepository (the compiled one in
 * dist/, so run `npm run build:server` first) against the embedded PostgreSQL with chat's
 * migrations. Messages are generated in the database (generate_series): 50 public rooms and a
 * few DMs, English and Chinese words, a random token per message. Usage:
 *   node dist/bench/bench/search-probe.js [sizes, default 10000,100000,1000000] [reps, default 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgres } from '../libs/infra/src/postgres';

/** The parts of chat's compiled modules this probe uses (loaded at run time from dist/). */
interface DatabaseModule {
  createPool(url: string, max: number): unknown;
  createDb(pool: unknown): { destroy(): Promise<void> };
  migrateToLatest(db: unknown, log: (l: string) => void): Promise<void>;
}
interface SearchRepositoryCtor {
  new (db: unknown): {
    search(f: {
      userId: string;
      includeLobby: boolean;
      roomId?: string;
      terms: string[];
      limit: number;
    }): Promise<unknown[]>;
  };
}

const CHAT = join(__dirname, '..', '..', 'apps', 'chat', 'apps', 'chat', 'src');
/* eslint-disable @typescript-eslint/no-require-imports */
const database = require(join(CHAT, 'database', 'database')) as DatabaseModule;
const { SearchRepository } = require(join(CHAT, 'persistence', 'search.repository')) as {
  SearchRepository: SearchRepositoryCtor;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const WORDS = `'{hello,world,meeting,lunch,deploy,review,coffee,release,小黄鸭,你好,今天,天气,项目,会议,周末,下班}'`;

/** Messages [from, to) : ~1/16 carry each word, 1 in 10 000 carries 鸳鸯 (a rare two-character word). */
function fill(from: number, to: number): string {
  return `
    insert into messages (room_id, seq, event, sender_id, sender_username, sender_display_name, sender_bot,
                          client_msg_id, text, created_at)
    select case when g % 20 = 0 then 'dm-' || (g % 7) else 'pub-' || (g % 50) end, g, g,
           'u' || (g % 500), 'u', 'u', false, 'c' || g,
           (${WORDS}::text[])[1 + g % 16] || ' ' || (${WORDS}::text[])[1 + (g / 16) % 16] || ' '
             || case when g % 10000 = 5000 then '鸳鸯 ' else '' end || md5(g::text),
           timestamptz '2026-01-01' + g * interval '1 second'
    from generate_series(${from + 1}, ${to}) g`;
}

const QUERIES: [string, string[]][] = [
  ['common English word', ['meeting']],
  ['two common words', ['coffee', 'review']],
  ['rare token (8 chars)', ['PLACEHOLDER']],
  ['3-char Chinese 小黄鸭', ['小黄鸭']],
  ['2-char Chinese, common 天气', ['天气']],
  ['2-char Chinese, rare 鸳鸯', ['鸳鸯']],
  ['no match', ['zqxjkv']],
];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '10000,100000,1000000').split(',').map(Number);
  const reps = Number(process.argv[3] ?? 30);
  const dir = mkdtempSync(join(tmpdir(), 'hihi-searchprobe-'));
  const pg = await startPostgres(join(dir, 'pg'), { dbName: 'probe', persistent: false }, () => undefined);
  const db = database.createDb(database.createPool(pg.url, 4));
  // setup (bulk inserts, index builds) without the service pool's 10 s statement timeout
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  const run = (s: string) => admin.query(s);
  const explain = process.argv.includes('--explain');
  try {
    await database.migrateToLatest(db, () => undefined);
    await run('set maintenance_work_mem = 256000');
    await run(`insert into rooms (id, kind, name, name_key)
      select 'pub-' || i, 'public', 'room ' || i, 'public:room ' || i from generate_series(0, 49) i
      union all select 'dm-' || i, 'dm', 'dm', 'dm:dm-' || i from generate_series(0, 6) i`);
    await run(`insert into room_members (room_id, user_id) values ('dm-1', 'searcher'), ('dm-1', 'u1')`);
    // the searcher is a member of every public room (search covers the rooms one is a member of)
    await run(
      `insert into room_members (room_id, user_id) select 'pub-' || i, 'searcher' from generate_series(0, 49) i`,
    );
    const indexes = {
      messages_text_trgm: 'create index messages_text_trgm on messages using gin (text gin_trgm_ops)',
      messages_text_bigrams: 'create index messages_text_bigrams on messages using gin (hihi_cjk_bigrams(text))',
      messages_newest: 'create index messages_newest on messages (created_at desc, room_id desc, seq desc)',
    };
    const repo = new SearchRepository(db);
    process.stdout.write(`sizes ${sizes.join(', ')}; ${reps} searches per query; p50 / p95 ms (results)\n`);
    let n = 0;
    for (const size of sizes) {
      for (const name of Object.keys(indexes)) await run(`drop index if exists ${name}`);
      const t0 = performance.now();
      for (let from = n; from < size; from += 100_000) await run(fill(from, Math.min(size, from + 100_000)));
      const tInsert = performance.now() - t0;
      n = size;
      const built: string[] = [];
      for (const [name, ddl] of Object.entries(indexes)) {
        const t = performance.now();
        await run(ddl);
        built.push(`${name} ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
      await run('vacuum analyze messages');
      const { rows } = await run(`select pg_size_pretty(pg_relation_size('messages')) as heap,
        pg_size_pretty(pg_relation_size('messages_text_trgm')) as trgm,
        pg_size_pretty(pg_relation_size('messages_text_bigrams')) as bigrams,
        pg_size_pretty(pg_relation_size('messages_newest')) as newest`);
      process.stdout.write(
        `\n${size} messages (insert ${(tInsert / 1000).toFixed(1)} s; build ${built.join(', ')}; sizes ${JSON.stringify(rows[0])})\n`,
      );
      const rare = (await run(`select left(md5('${Math.floor(size / 2) + 1}'), 8) as t`)).rows[0].t as string;
      for (const [label, terms0] of QUERIES) {
        const terms = terms0.map((t) => (t === 'PLACEHOLDER' ? rare : t));
        const times: number[] = [];
        let count = 0;
        for (let i = 0; i < reps; i++) {
          const t = performance.now();
          count = (await repo.search({ userId: 'searcher', includeLobby: false, terms, limit: 21 })).length;
          times.push(performance.now() - t);
        }
        if (explain) {
          const like = terms.map((t) => `m.text ilike '%${t}%'`).join(' and ');
          const chars = [...terms[0]];
          const bigram = chars.length === 2 && chars.some((c) => c.codePointAt(0)! > 0x7f);
          const plan = await run(`explain analyze select m.id from messages m where
            ${bigram ? `hihi_cjk_bigrams(m.text) @> array[lower('${terms[0]}')] and` : ''} ${like} and not m.deleted
            and m.room_id in (select room_id from room_members where user_id = 'searcher')
            order by m.created_at desc, m.room_id desc, m.seq desc limit 21`);
          process.stdout.write(`${plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}\n`);
        }
        process.stdout.write(
          `  ${label.padEnd(30)} ${pct(times, 50).toFixed(2).padStart(8)} ${pct(times, 95).toFixed(2).padStart(8)}  (${count})\n`,
        );
      }
    }
  } finally {
    await admin.end();
    await db.destroy();
    await pg.proc.stop(5000);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

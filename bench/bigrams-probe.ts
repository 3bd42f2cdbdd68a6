/**
 * What the CJK bigram function (hihi_cjk_bigrams, which the search indexer runs on every stored
 * or edited message) costs as a message grows: migration 0014's linear definition against 0003's
 * (`substr` per character: quadratic on multibyte text), same database, same run. Texts are half
 * Chinese, as in the fan-out bench, up to the longest a send takes (LIMITS.messageMax). Run
 * `npm run build:server` first (it loads chat's compiled migrations). Usage:
 *   node dist/bench/bench/bigrams-probe.js [lengths, default 40,400,1000,4000] [least calls, default 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { LIMITS } from '../libs/contracts/src/limits';
import { startPostgres } from '../libs/infra/src/postgres';
import { cpuMsOf, processTree } from './lib/procstat';

/** The parts of chat's compiled modules this probe uses (loaded at run time from dist/). */
interface DatabaseModule {
  createPool(url: string, max: number): unknown;
  createDb(pool: unknown): { destroy(): Promise<void> };
  migrateToLatest(db: unknown, log: (l: string) => void): Promise<void>;
}
interface Migration {
  up(db: unknown): Promise<void>;
  down(db: unknown): Promise<void>;
}

const MIGRATIONS = join(__dirname, '..', '..', 'apps', 'chat', 'apps', 'chat', 'src', 'database');
/* eslint-disable @typescript-eslint/no-require-imports */
const database = require(join(MIGRATIONS, 'database')) as DatabaseModule;
const linear = require(join(MIGRATIONS, 'migrations', '0014-linear-bigrams')) as Migration;
/* eslint-enable @typescript-eslint/no-require-imports */

/** `length` characters, half Chinese, half English words and spaces. */
function text(length: number): string {
  const pattern = '小黄鸭你好 hello 今天天气 world 项目会议 ';
  let t = '';
  while (t.length < length) t += pattern;
  return t.slice(0, length);
}

async function main(): Promise<void> {
  const lengths = (process.argv[2] ?? `40,400,1000,${LIMITS.messageMax}`).split(',').map(Number);
  const reps = Number(process.argv[3] ?? 20);
  const dir = mkdtempSync(join(tmpdir(), 'hihi-bigrams-'));
  const pg = await startPostgres(join(dir, 'pg'), { dbName: 'probe', persistent: false }, () => undefined);
  const db = database.createDb(database.createPool(pg.url, 2));
  const client = new Client({ connectionString: pg.url });
  try {
    await database.migrateToLatest(db, () => undefined);
    await client.connect();
    const pgCpu = () => processTree(pg.proc.proc.pid!).reduce((a, p) => a + cpuMsOf(p), 0);
    /** ms of wall and of PostgreSQL CPU per call, for each length */
    const measure = async (): Promise<{ wall: number; cpu: number }[]> => {
      const out = [];
      for (const length of lengths) {
        const t = text(length);
        await client.query('select hihi_cjk_bigrams($1)', [t]);
        // at least `reps` calls and 1 s: the CPU meter counts in clock ticks (10 ms)
        const c0 = pgCpu();
        const t0 = performance.now();
        let calls = 0;
        while (calls < reps || performance.now() - t0 < 1000) {
          await client.query('select hihi_cjk_bigrams($1)', [t]);
          calls++;
        }
        out.push({ wall: (performance.now() - t0) / calls, cpu: (pgCpu() - c0) / calls });
      }
      return out;
    };
    const now = await measure();
    await linear.down(db);
    const before = await measure();
    await linear.up(db);
    process.stdout.write(
      `hihi_cjk_bigrams, at least ${reps} calls and 1 s per length (ms per call: wall / PostgreSQL CPU)\n` +
        'characters   0003 (substr per character)   0014 (linear)   0003 / 0014 (CPU)\n',
    );
    lengths.forEach((length, i) => {
      const b = before[i];
      const n = now[i];
      const cell = (m: { wall: number; cpu: number }) => `${m.wall.toFixed(3)} / ${m.cpu.toFixed(3)}`;
      process.stdout.write(
        `${String(length).padStart(10)}   ${cell(b).padStart(27)}   ${cell(n).padStart(13)}   ` +
          `${(b.cpu / n.cpu).toFixed(1).padStart(17)}\n`,
      );
    });
  } finally {
    await client.end().catch(() => undefined);
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

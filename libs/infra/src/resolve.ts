import { join } from 'node:path';
import { InfraError } from './errors';
import { probeMongoUrl, startMongo } from './mongo';
import { LineSink } from './process';
import { probePostgres, startPostgres } from './postgres';
import { probeRedis, startRedis } from './redis';

export interface ResolveOptions {
  /** where embedded servers keep their data */
  dataDir: string;
  /** keep data across restarts (npm start) or throw it away (tests) */
  persistent: boolean;
  /** name of the database in an embedded server */
  dbName?: string;
  env?: NodeJS.ProcessEnv;
  log?: LineSink;
}

export interface Infra {
  redisUrl: string;
  /** auth's database */
  mongoUrl: string;
  /** chat's database */
  databaseUrl: string;
  /** what was started here (empty when every URL was given) */
  started: string[];
  stop(): Promise<void>;
}

export function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/**
 * The one way to get Redis, MongoDB (auth) and PostgreSQL (chat), used by `npm start` and by the
 * tests alike: REDIS_URL / MONGO_URL / DATABASE_URL when set (checked, failing fast naming the
 * variable), otherwise private instances on free ports that stop when `stop()` is called or this
 * process dies.
 */
export async function resolveInfra(opts: ResolveOptions): Promise<Infra> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => process.stderr.write(`[infra] ${l}\n`));
  const stops: (() => Promise<void>)[] = [];
  const started: string[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    let redisUrl = env.REDIS_URL;
    if (redisUrl) {
      const problem = await probeRedis(redisUrl);
      if (problem)
        throw new InfraError(`REDIS_URL: cannot reach ${redact(redisUrl)} (${problem}). Fix or unset REDIS_URL.`);
    } else {
      const r = await startRedis(join(opts.dataDir, 'redis'), opts.persistent, log);
      stops.push(() => r.proc.stop(5000));
      started.push(`redis-server on ${r.url}`);
      redisUrl = r.url;
    }
    let mongoUrl = env.MONGO_URL;
    if (mongoUrl) {
      const problem = await probeMongoUrl(mongoUrl);
      if (problem)
        throw new InfraError(`MONGO_URL: cannot reach ${redact(mongoUrl)} (${problem}). Fix or unset MONGO_URL.`);
    } else {
      const m = await startMongo(join(opts.dataDir, 'mongo'), opts.dbName ?? 'hihi', log);
      stops.push(() => m.proc.stop(5000));
      started.push(`${m.engine} on ${m.url}`);
      mongoUrl = m.url;
    }
    let databaseUrl = env.DATABASE_URL;
    if (databaseUrl) {
      const problem = await probePostgres(databaseUrl);
      if (problem)
        throw new InfraError(
          `DATABASE_URL: cannot reach ${redact(databaseUrl)} (${problem}). Fix or unset DATABASE_URL.`,
        );
    } else {
      const p = await startPostgres(
        join(opts.dataDir, 'postgres'),
        { dbName: opts.dbName ?? 'hihi', persistent: opts.persistent },
        log,
      );
      stops.push(() => p.proc.stop(10000));
      started.push(`PostgreSQL on 127.0.0.1:${p.port}`);
      databaseUrl = p.url;
    }
    return { redisUrl, mongoUrl, databaseUrl, started, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

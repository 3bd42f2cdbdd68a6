import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CompiledQuery, Kysely, Migrator, PostgresDialect, QueryResult, sql } from 'kysely';
import { Pool, PoolClient, types } from 'pg';
import { ChatConfig } from '@hihi/config';
import { PartHealth } from '@hihi/contracts';
import { ChatDatabase } from './schema';
import { migrationProvider } from './migrations';

/** Injection token of chat's Kysely instance. */
export const DB = Symbol('ChatDatabase');
export type Db = Kysely<ChatDatabase>;

/** int8 (bigint) as a JS number: seqs and counts stay far below 2^53. Scoped to our pool only. */
const INT8_OID = 20;
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : types.getTypeParser(oid, format as 'text')) as typeof types.getTypeParser,
};

/** A pool whose every limit is bounded: a database that is down answers errors in ~3 s, never a hang. */
export function createPool(url: string, max: number): Pool {
  const pool = new Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    query_timeout: 10_000,
    statement_timeout: 10_000,
    idle_in_transaction_session_timeout: 10_000,
    application_name: 'hihi-chat',
    types: typeParsers,
  });
  // an idle connection that breaks (database restarted) must not crash the process
  pool.on('error', (err) => new Logger('Postgres').warn(`idle connection failed: ${err.message}`));
  pool.on('connect', (client) => {
    // …nor one checked out at that moment (in a transaction between two statements): pg-pool's
    // idle listener does not cover it, and an 'error' without a listener ends the process. The
    // statement in flight, if any, is rejected anyway; the pool drops the broken client.
    client.on('error', (err) => new Logger('Postgres').warn(`connection in use failed: ${err.message}`));
    runNamedStatementsPrepared(client);
  });
  return pool;
}

/** SQL text → statement name of the hot statements run as named prepared statements. */
const NAMED = new Map<string, string>();

/**
 * The pool's connections run the statements registered by `executeNamed` as named prepared
 * statements: parsed and planned once per connection instead of at every execution.
 */
function runNamedStatementsPrepared(client: PoolClient): void {
  const original = client.query as (...args: unknown[]) => unknown;
  const patched = (...args: unknown[]): unknown => {
    const [text, values] = args;
    const name = typeof text === 'string' ? NAMED.get(text) : undefined;
    // Kysely's driver calls query(sql, parameters)
    if (name && Array.isArray(values) && args.length === 2) return original.call(client, { name, text, values });
    return original.apply(client, args);
  };
  client.query = patched as PoolClient['query'];
}

/**
 * Run a hot statement (constant SQL text, parameters only) as a named prepared statement. The
 * result columns must be listed (no `*` at the top), so a migration cannot change its row type.
 */
export function executeNamed<R>(
  db: Db,
  name: string,
  query: { compile(db: Db): CompiledQuery<R> },
): Promise<QueryResult<R>> {
  const compiled = query.compile(db);
  const known = NAMED.get(compiled.sql);
  if (known === undefined) NAMED.set(compiled.sql, name);
  else if (known !== name) throw new Error(`statement ${name} has the text of ${known}`);
  return db.executeQuery(compiled);
}

export function createDb(pool: Pool): Db {
  return new Kysely<ChatDatabase>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Bring the schema to the latest version. Kysely's migrator holds a PostgreSQL advisory lock
 * while it works, so several chat processes starting at once apply each migration once.
 */
export async function migrateToLatest(db: Kysely<unknown>, log: (line: string) => void): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) log(`migration ${r.migrationName}: ${r.status}`);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** Owns the pool's life: migrations before the first request, a clean close at shutdown. */
@Injectable()
export class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Postgres');

  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly config: ChatConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await migrateToLatest(this.db as Kysely<unknown>, (l) => this.logger.log(l));
    this.logger.log(`schema up to date (pool of ${this.config.DB_POOL_MAX})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy().catch(() => undefined);
  }

  /** `select 1` within 1.5 s: what /health and the gateway's health report as `postgres`. */
  async health(): Promise<PartHealth> {
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('PostgreSQL did not answer within 1.5 s')), 1500);
      });
      await Promise.race([sql`select 1`.execute(this.db), timeout]).finally(() => clearTimeout(timer));
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', message: (err as Error).message || 'unreachable' };
    }
  }
}

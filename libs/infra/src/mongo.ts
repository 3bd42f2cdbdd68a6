import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, chmodSync, writeFileSync, rmSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { InfraError } from './errors';
import { freePort, waitFor } from './net';
import { LineSink, Managed, spawnGuarded, which } from './process';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

const HINT =
  'Set MONGO_URL to a running MongoDB, install mongod, install Go (so FerretDB can be built), ' +
  'or run `docker compose up -d mongo`.';

/** Where FerretDB is kept between runs: outside the repository, reused when present. */
export function ferretCacheDir(): string {
  const base = process.env.HIHI_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hihi-chat');
  return join(base, 'ferretdb', FERRETDB_VERSION);
}

function chmodTree(dir: string): void {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) chmodTree(p);
    else chmodSync(p, 0o644 | (st.mode & 0o111));
  }
}

/**
 * FerretDB binary: from the cache, else `go install …@v1.24.2` into the cache. Where
 * `go install` cannot be used (some module proxies refuse the version list it asks for, and the
 * module as published lacks build/version/version.txt), the same tagged module is downloaded with
 * `go mod download` and built with its version file written.
 */
export function ensureFerretDb(log: LineSink): string {
  const dir = ferretCacheDir();
  const bin = join(dir, 'bin', 'ferretdb');
  if (existsSync(bin) && spawnSync(bin, ['--version']).status === 0) return bin;
  const go = which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go)
    throw new InfraError(`No MongoDB available: neither mongod nor Go (to build FerretDB) is installed. ${HINT}`);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  log(
    `no mongod here, so auth gets FerretDB (MongoDB-compatible, on SQLite): building FerretDB ${FERRETDB_VERSION} with Go into ${dir} (once; takes a minute or two) …`,
  );
  const env = { ...process.env, GOBIN: join(dir, 'bin'), GOFLAGS: '-buildvcs=false' };
  const inst = spawnSync(go, ['install', `${FERRETDB_MODULE}/cmd/ferretdb@${FERRETDB_VERSION}`], {
    env,
    encoding: 'utf8',
  });
  if (inst.status === 0 && spawnSync(bin, ['--version']).status === 0) return bin;
  log(
    `go install did not give a working binary (${(inst.stderr || '').trim().split('\n').pop() ?? ''}); building from the module source instead …`,
  );
  const dl = spawnSync(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    env,
    encoding: 'utf8',
    cwd: dir,
  });
  let modDir: string | undefined;
  try {
    modDir = (JSON.parse(dl.stdout) as { Dir?: string }).Dir;
  } catch {
    modDir = undefined;
  }
  if (!modDir)
    throw new InfraError(`Could not download FerretDB ${FERRETDB_VERSION}: ${dl.stderr || dl.stdout}. ${HINT}`);
  const src = join(dir, 'src');
  rmSync(src, { recursive: true, force: true });
  cpSync(modDir, src, { recursive: true });
  chmodTree(src);
  writeFileSync(join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  const build = spawnSync(go, ['build', '-o', bin, './cmd/ferretdb'], { env, cwd: src, encoding: 'utf8' });
  rmSync(src, { recursive: true, force: true });
  if (build.status !== 0 || spawnSync(bin, ['--version']).status !== 0) {
    throw new InfraError(`Could not build FerretDB ${FERRETDB_VERSION}: ${build.stderr}. ${HINT}`);
  }
  return bin;
}

/** Is a MongoDB reachable at this URL? Resolves with an error message, or undefined when it is. */
export async function probeMongoUrl(url: string, timeoutMs = 5000): Promise<string | undefined> {
  const conn = mongoose.createConnection(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await conn.asPromise();
    await conn.db?.admin().ping();
    return undefined;
  } catch (err) {
    return (err as Error).message || 'cannot connect';
  } finally {
    await conn.close().catch(() => undefined);
  }
}

export interface StartedMongo {
  url: string;
  port: number;
  engine: 'mongod' | 'ferretdb';
  proc: Managed;
}

/** Start a private MongoDB-compatible server on a free port with its data in `dir`. */
export async function startMongo(dir: string, dbName: string, log: LineSink): Promise<StartedMongo> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const mongod = which('mongod');
  let proc: Managed;
  let engine: StartedMongo['engine'];
  if (mongod) {
    engine = 'mongod';
    proc = spawnGuarded(
      'mongod',
      mongod,
      ['--dbpath', dir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'],
      (l) => log(`mongod: ${l}`),
    );
  } else {
    engine = 'ferretdb';
    const bin = ensureFerretDb(log);
    const debugPort = await freePort();
    proc = spawnGuarded(
      'ferretdb',
      bin,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dir}/`,
        `--state-dir=${dir}`,
        `--listen-addr=127.0.0.1:${port}`,
        `--debug-addr=127.0.0.1:${debugPort}`,
        '--telemetry=disable',
        '--log-level=error',
      ],
      (l) => log(`ferretdb: ${l}`),
    );
  }
  const url = `mongodb://127.0.0.1:${port}/${dbName}`;
  const up = await waitFor(async () => (await probeMongoUrl(url, 500)) === undefined, 20000, 200);
  if (!up) {
    await proc.stop(1000);
    throw new InfraError(`${engine} did not start on port ${port}. ${HINT}`);
  }
  return { url, port, engine, proc };
}

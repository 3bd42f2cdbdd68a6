import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import Redis from 'ioredis';
import { InfraError } from './errors';
import { freePort, waitFor } from './net';
import { isRoot, LineSink, Managed, spawnGuarded, which } from './process';

const INSTALL_HINT =
  'Install Redis (Debian/Ubuntu: apt-get install -y redis-server), set REDIS_URL to a running Redis, ' +
  'or run `docker compose up -d redis`.';

/** Path of redis-server, installing Debian's package when missing and running as root. */
export function ensureRedisServer(log: LineSink): string {
  const found = which('redis-server');
  if (found) return found;
  if (isRoot() && which('apt-get')) {
    log('redis-server not found: installing Debian package redis-server …');
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'inherit' }).status;
    if (install() !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit' });
      install();
    }
    const after = which('redis-server');
    if (after) return after;
  }
  throw new InfraError(`No Redis available: redis-server is not installed. ${INSTALL_HINT}`);
}

/**
 * The first node of a `redis+cluster://h1:p1,h2:p2` URL as a `redis://` URL (credentials kept),
 * for probing; undefined for a URL of one Redis. (The services parse cluster URLs with
 * createRedis in libs/common/src/redis; this package cannot import it.)
 */
export function firstClusterNode(url: string): string | undefined {
  const m = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^,/?#]+)/i.exec(url);
  return m ? `${m[1]}://${m[2] ? `${m[2]}@` : ''}${m[3]}` : undefined;
}

/**
 * Is a Redis reachable at this URL? Resolves with an error message, or undefined when it is. For
 * a cluster URL its first node must answer and report `cluster_state:ok`.
 */
export async function probeRedis(url: string, timeoutMs = 3000): Promise<string | undefined> {
  const node = firstClusterNode(url);
  const client = new Redis(node ?? url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    if (node) {
      const info = String(await client.call('CLUSTER', 'INFO'));
      if (!/cluster_state:ok/.test(info)) return 'the cluster is not ok (cluster_state)';
    }
    return undefined;
  } catch (err) {
    return (err as Error).message || 'cannot connect';
  } finally {
    client.disconnect();
  }
}

export interface StartedRedis {
  url: string;
  port: number;
  proc: Managed;
}

/** Start a private redis-server on a free port; `persistent` keeps an append-only file in `dir`. */
export async function startRedis(dir: string, persistent: boolean, log: LineSink): Promise<StartedRedis> {
  const bin = ensureRedisServer(log);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    '--save',
    '',
    '--appendonly',
    persistent ? 'yes' : 'no',
    '--loglevel',
    'warning',
  ];
  const proc = spawnGuarded('redis', bin, args, (line) => log(`redis: ${line}`));
  const url = `redis://127.0.0.1:${port}`;
  const up = await waitFor(async () => (await probeRedis(url, 300)) === undefined, 10000);
  if (!up) {
    await proc.stop(1000);
    throw new InfraError(`redis-server did not start on port ${port}. ${INSTALL_HINT}`);
  }
  return { url, port, proc };
}

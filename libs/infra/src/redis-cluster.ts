import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { InfraError } from './errors';
import { freePort, waitFor } from './net';
import { LineSink, Managed, spawnGuarded, which } from './process';
import { ensureRedisServer, probeRedis } from './redis';

export interface ClusterNodeProc {
  port: number;
  proc: Managed;
}

export interface StartedRedisCluster {
  /** `redis+cluster://127.0.0.1:p1,…` (SPEC §11) */
  url: string;
  nodes: ClusterNodeProc[];
  /** ports of the nodes that are masters now */
  masters(): Promise<number[]>;
  /** kill one node at once (SIGKILL: no goodbye to the cluster) */
  kill(port: number): Promise<void>;
  /** wait until every live node reports cluster_state:ok and each slot range has a live master */
  waitOk(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

function runRedisCli(args: string[], log: LineSink): Promise<number> {
  const cli = which('redis-cli');
  if (!cli) throw new InfraError('redis-cli is not installed (Debian: apt-get install -y redis-tools)');
  return new Promise((resolve) => {
    const p = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', (d: Buffer) => log(`redis-cli: ${d.toString().trim()}`));
    p.stderr.on('data', (d: Buffer) => log(`redis-cli: ${d.toString().trim()}`));
    p.on('exit', (code) => resolve(code ?? 1));
  });
}

/** One node's view: CLUSTER INFO, CLUSTER NODES and INFO replication (undefined when it does not answer). */
async function nodeView(port: number): Promise<{ info: string; nodes: string; replication: string } | undefined> {
  const c = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    const [info, nodes, replication] = await Promise.all([
      c.call('CLUSTER', 'INFO'),
      c.call('CLUSTER', 'NODES'),
      c.info('replication'),
    ]);
    return { info: String(info), nodes: String(nodes), replication };
  } catch {
    return undefined;
  } finally {
    c.disconnect();
  }
}

/** Ports of the live masters that serve slots, from a CLUSTER NODES text. */
function mastersOf(nodes: string): number[] {
  return nodes
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => {
      const flags = (f[2] ?? '').split(',');
      return flags.includes('master') && !flags.some((x) => x.startsWith('fail')) && f.length > 8;
    })
    .map((f) => Number(/:(\d+)@/.exec(f[1])?.[1]))
    .filter((p) => Number.isFinite(p));
}

/**
 * A real Redis Cluster on loopback for tests and benchmarks: `masters` masters with
 * `replicasPerMaster` replicas each (`redis-server --cluster-enabled yes`, joined by
 * `redis-cli --cluster create … --cluster-replicas n --cluster-yes`), on free ports, no
 * persistence. `nodeTimeoutMs` is cluster-node-timeout: a killed master is failed over after it.
 */
export async function startRedisCluster(
  dir: string,
  log: LineSink,
  opts: { masters?: number; replicasPerMaster?: number; nodeTimeoutMs?: number } = {},
): Promise<StartedRedisCluster> {
  const bin = ensureRedisServer(log);
  const masters = opts.masters ?? 3;
  const replicas = opts.replicasPerMaster ?? 1;
  const count = masters * (1 + replicas);
  const nodes: ClusterNodeProc[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.proc.stop(2000)));
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      // the cluster bus port must be free too (default port + 10000 may be out of range)
      const busPort = await freePort();
      const nodeDir = join(dir, `node-${port}`);
      mkdirSync(nodeDir, { recursive: true });
      const args = [
        '--port',
        String(port),
        '--cluster-port',
        String(busPort),
        '--bind',
        '127.0.0.1',
        '--dir',
        nodeDir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-node-timeout',
        String(opts.nodeTimeoutMs ?? 2000),
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        process.env.HIHI_REDIS_CLUSTER_LOGLEVEL ?? 'warning',
      ];
      const proc = spawnGuarded(`redis-${port}`, bin, args, (l) => log(`redis ${port}: ${l}`), { stopSignal: 'KILL' });
      nodes.push({ port, proc });
    }
    for (const n of nodes) {
      const url = `redis://127.0.0.1:${n.port}`;
      if (!(await waitFor(async () => (await probeRedis(url, 300)) === undefined, 10000)))
        throw new InfraError(`cluster node ${n.port} did not start`);
    }
    const code = await runRedisCli(
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ],
      log,
    );
    if (code !== 0) throw new InfraError(`redis-cli --cluster create failed (exit ${code})`);
  } catch (err) {
    await stop();
    throw err;
  }
  const alive = () => nodes.filter((n) => n.proc.proc.exitCode === null && n.proc.proc.signalCode === null);
  /** every live node says ok, sees `masters` masters serving slots, and every replica is in sync */
  const waitOk = async (timeoutMs = 30000) => {
    const ok = await waitFor(
      async () => {
        for (const n of alive()) {
          const v = await nodeView(n.port);
          if (!v || !/cluster_state:ok/.test(v.info) || mastersOf(v.nodes).length !== masters) return false;
          if (/role:slave/.test(v.replication) && !/master_link_status:up/.test(v.replication)) return false;
        }
        return true;
      },
      timeoutMs,
      200,
    );
    if (!ok) throw new InfraError('the Redis Cluster did not reach cluster_state:ok with every replica in sync');
  };
  await waitOk();
  return {
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    nodes,
    waitOk,
    async masters() {
      for (const n of alive()) {
        const v = await nodeView(n.port);
        if (v) return mastersOf(v.nodes);
      }
      return [];
    },
    async kill(port: number) {
      const n = nodes.find((x) => x.port === port);
      if (n) await n.proc.stop(0);
    },
    stop,
  };
}

import { fork, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Target } from './targets';
import { rssOf } from './procstat';
import { sleep } from '../../libs/infra/src/net';

export interface IdleLevel {
  sockets: number;
  connectMs: number;
  failed: number;
  rssBytes: number;
  rssDeltaBytes: number;
  bytesPerSocket: number;
}

const PER_WORKER = 5000;

/** Connect idle sockets in levels (cumulative), RSS of the socket server at each level. */
export async function idleMemory(
  target: Target,
  levels: number[],
  settleMs = 2500,
): Promise<{ baseRss: number; levels: IdleLevel[] }> {
  const workers: ChildProcess[] = [];
  const pid = target.socketPid();
  await sleep(settleMs);
  const baseRss = rssOf(pid);
  const out: IdleLevel[] = [];
  let have = 0;
  let failedTotal = 0;
  try {
    for (const level of levels) {
      const t0 = performance.now();
      let failed = 0;
      const jobs: Promise<void>[] = [];
      while (have < level) {
        const n = Math.min(PER_WORKER, level - have);
        const w = fork(join(__dirname, '..', 'idle-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        workers.push(w);
        const users = Array.from({ length: n }, (_, k) => target.userName(100_000 + have + k));
        const tokens = Array.from({ length: n }, (_, k) => target.token(100_000 + have + k));
        const offset = have;
        jobs.push(
          new Promise<void>((resolve) => {
            w.once('message', (r: { connected: number; failed: number; firstError: string }) => {
              failed += r.failed;
              if (r.failed) process.stderr.write(`  idle: ${r.failed} connections failed (${r.firstError})\n`);
              resolve();
            });
            w.send({ kind: target.kind, url: target.url, users, tokens, offset });
          }),
        );
        have += n;
      }
      await Promise.all(jobs);
      const connectMs = Math.round(performance.now() - t0);
      await sleep(settleMs);
      const rss = rssOf(pid);
      failedTotal += failed;
      const okSockets = level - failedTotal;
      out.push({
        sockets: okSockets,
        connectMs,
        failed: failedTotal,
        rssBytes: rss,
        rssDeltaBytes: rss - baseRss,
        bytesPerSocket: Math.round((rss - baseRss) / Math.max(1, okSockets)),
      });
      process.stderr.write(
        `  idle ${target.label}: ${okSockets} sockets, ${Math.round((rss - baseRss) / Math.max(1, okSockets))} B/socket\n`,
      );
    }
  } finally {
    for (const w of workers) w.send('close');
    await Promise.all(workers.map((w) => (w.exitCode === null ? new Promise((r) => w.once('exit', r)) : undefined)));
  }
  return { baseRss, levels: out };
}

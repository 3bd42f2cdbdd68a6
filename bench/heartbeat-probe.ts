/**
 * The gateway's presence heartbeat (apps/gateway/src/chat/presence.service.ts) refreshes one
 * sorted-set entry per (room, user) of its sockets in ONE multi every 10 s. This replays that
 * multi for N entries against a private redis-server and reports how long it blocks an event
 * loop (max event-loop delay while it runs) and its wall time.
 * Usage: node dist/bench/bench/heartbeat-probe.js [entries, default 1000,10000,20000]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Redis from 'ioredis';
import { freePort, spawnGuarded, sleep } from '../libs/infra/src/index';

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '1000,10000,20000').split(',').map(Number);
  const port = await freePort();
  const srv = spawnGuarded('redis', 'redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no']);
  await sleep(300);
  const redis = new Redis(`redis://127.0.0.1:${port}`);
  const rooms = 100;
  process.stdout.write('entries  exec wall ms  max loop delay ms  gateway CPU ms\n');
  for (const n of sizes) {
    for (let rep = 0; rep < 2; rep++) {
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const now = Date.now();
      const multi = redis.multi();
      for (let r = 0; r < rooms; r++) {
        for (let u = 0; u < n / rooms; u++)
          multi.zadd(
            `hihi:presence:room-${r}`,
            now,
            `instance-uuid-0000-0000-000000000000|user-${r}-${u}-000000000000`,
          );
        multi.zremrangebyscore(`hihi:presence:room-${r}`, '-inf', now - 30000);
      }
      await multi.exec();
      const wall = performance.now() - t0;
      await sleep(20);
      h.disable();
      const cpu = process.cpuUsage(c0);
      if (rep === 1)
        process.stdout.write(
          `${String(n).padEnd(8)} ${wall.toFixed(1).padStart(12)}  ${(h.max / 1e6).toFixed(1).padStart(17)}  ${((cpu.user + cpu.system) / 1000).toFixed(1).padStart(14)}\n`,
        );
    }
  }
  redis.disconnect();
  await srv.stop(2000);
}
void main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

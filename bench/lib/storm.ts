import { httpJson, Target } from './targets';
import { connectMany, sourceAddress } from './clients';
import { newHistogram, summarize, LatencySummary } from './load';
import { CpuMeter } from './procstat';
import { sleep } from '../../libs/infra/src/net';

export interface StormResult {
  users: number;
  concurrency: number;
  durationSec: number;
  logins: number;
  loginsPerSec: number;
  failures: Record<string, number>;
  loginLatency: LatencySummary;
  /** GET of a gateway-only route (404) every 50 ms: the gateway's responsiveness */
  probeLatencyIdle: LatencySummary;
  probeLatencyStorm: LatencySummary;
  /** prom-client nodejs_eventloop_lag_* of the gateway (reset at each scrape) */
  eventLoopIdle: Record<string, number>;
  eventLoopStorm: Record<string, number>;
  cpuMs: Record<string, number>;
}

async function eventLoopMetrics(url: string): Promise<Record<string, number>> {
  const r = await fetch(`${url}/metrics`);
  const text = await r.text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^nodejs_eventloop_lag_(\w+)_seconds(?:\{[^}]*\})? ([\d.eE+-]+)/.exec(line);
    if (m) out[m[1]] = Math.round(Number(m[2]) * 100000) / 100;
  }
  return out; // ms
}

async function probe(url: string, until: () => boolean): Promise<LatencySummary> {
  const h = newHistogram();
  while (!until()) {
    const t0 = performance.now();
    await httpJson(`${url}/api/bench-probe`, 'GET').catch(() => undefined);
    h.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1000)));
    await sleep(50);
  }
  return summarize(h);
}

/** (d) sign-in storm: real POST /api/auth/login (argon2id verify) from many addresses. */
export async function signInStorm(target: Target, users = 64, concurrency = 16, durationSec = 8): Promise<StormResult> {
  const url = target.url;
  const password = 'Bench-Storm-pw-8472';
  const names = Array.from({ length: users }, (_, i) => `storm${i}x${Math.floor(Math.random() * 1e6).toString(36)}`);
  await connectMany(users, 2, async (i) => {
    for (let attempt = 0; ; attempt++) {
      const r = await httpJson(
        `${url}/api/auth/register`,
        'POST',
        { username: names[i], password },
        {},
        sourceAddress(i, 32),
      );
      // 409 after a retry: the first attempt timed out at the gateway but auth stored the user
      if (r.status === 201 || (r.status === 409 && attempt > 0)) return;
      if (r.status !== 503 || attempt >= 4) throw new Error(`register → ${r.status} ${JSON.stringify(r.body)}`);
    }
  });
  // idle reference
  await eventLoopMetrics(url);
  let stopIdle = false;
  const idleP = probe(url, () => stopIdle);
  await sleep(2000);
  stopIdle = true;
  const probeIdle = await idleP;
  const elIdle = await eventLoopMetrics(url);

  const cpu = new CpuMeter(target.pids());
  const c0 = cpu.sample();
  const h = newHistogram();
  const failures: Record<string, number> = {};
  let logins = 0;
  let n = 0;
  const end = performance.now() + durationSec * 1000;
  let done = false;
  const probeP = probe(url, () => done);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const i = n++;
        const t = performance.now();
        const r = await httpJson(
          `${url}/api/auth/login`,
          'POST',
          { username: names[i % users], password },
          {},
          sourceAddress(i, 32),
        ).catch((e: Error) => ({ status: -1, body: e.message, ms: 0 }));
        if (r.status === 200) {
          logins++;
          h.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
        } else failures[String(r.status)] = (failures[String(r.status)] ?? 0) + 1;
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  done = true;
  const probeStorm = await probeP;
  const elStorm = await eventLoopMetrics(url);
  const cpuMs = CpuMeter.diff(c0, cpu.sample());
  return {
    users,
    concurrency,
    durationSec: Math.round(wall * 10) / 10,
    logins,
    loginsPerSec: Math.round((logins / wall) * 10) / 10,
    failures,
    loginLatency: summarize(h),
    probeLatencyIdle: probeIdle,
    probeLatencyStorm: probeStorm,
    eventLoopIdle: elIdle,
    eventLoopStorm: elStorm,
    cpuMs,
  };
}

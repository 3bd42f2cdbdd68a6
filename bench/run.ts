/**
 * Hihi Chat benchmark: the real stack against a bare `ws` and a plain Socket.IO baseline, same
 * generator, same machine. Usage:
 *   node dist/bench/bench/run.js [--quick] [--only=ws,sio,hihi] [--scenarios=a,b,c,d] [--profile]
 *     [--base=100x10] [--hihi=100x10:real] [--ladder=…] [--base-ladder=…] [--skip-injected]
 *     [--env=NAME:value,…] [--step-sec=N]
 * Each step logs CPU µs per stored (acked) message per process (gateway, chat, postgres, redis …).
 * Writes bench/results/<stamp>.json, bench/results/<stamp>.html and latest.{json,html}.
 */
import { mkdirSync, writeFileSync, readdirSync, readFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { baselineTarget, hihiTarget, Target } from './lib/targets';
import { Fleet, LoadDriver, StepResult } from './lib/load';
import { CpuMeter } from './lib/procstat';
import { idleMemory, IdleLevel } from './lib/idle';
import { signInStorm, StormResult } from './lib/storm';
import { SystemKind, useSocketIoClient, SIO_CLIENT } from './lib/clients';
import { consoleTables, htmlReport } from './lib/report';
import { summarizeProfiles, ProfileSummary } from './lib/profile';
import { cliArgs } from './lib/args';

const args = cliArgs();
const QUICK = args.has('quick');
const PROFILE = args.has('profile');
const ONLY = (args.get('only') ?? 'ws,sio,hihi').split(',') as SystemKind[];
if (args.get('client') === 'socket.io-client') useSocketIoClient('socket.io-client');
const SCEN = new Set((args.get('scenarios') ?? 'a,b,c,d').split(','));
// --env=SEARCH_INDEX_MS:60000,SEND_BURST:50  extra environment for Hihi's services (an A/B of a setting; as web-clients.js)
const HIHI_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  (args.get('env') ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]),
);

const P99_LIMIT_MS = 100;
const MIN_DELIVERY_RATIO = 0.99;

export interface Config {
  /** baselines */
  topologies: { rooms: number; members: number }[];
  /** the real stack (see docs/performance.md: presence makes big rooms cubic, joins are slow) */
  hihiTopologies: { rooms: number; members: number; real: boolean; latency: boolean }[];
  ladder: number[];
  hihiLadder: number[];
  stepSec: number;
  warmupSec: number;
  latencyRate: number;
  latencySec: number;
  idleLevels: number[];
}

const CONFIG: Config = QUICK
  ? {
      topologies: [
        { rooms: 10, members: 20 },
        { rooms: 2, members: 100 },
      ],
      hihiTopologies: [
        { rooms: 4, members: 25, real: false, latency: false },
        { rooms: 4, members: 50, real: true, latency: true },
      ],
      ladder: [2000, 5000, 10000, 20000],
      hihiLadder: [1000, 2000, 5000],
      stepSec: 2,
      warmupSec: 0.5,
      latencyRate: 2000,
      latencySec: 2,
      idleLevels: [200, 500],
    }
  : {
      topologies: [
        { rooms: 100, members: 100 },
        { rooms: 10, members: 1000 },
      ],
      // 100×100 gateway-only (messages injected into Redis pub/sub: the fan-out alone);
      // then 100 rooms × 10 members through the real path (gateway → bus → chat → PostgreSQL)
      hihiTopologies: [
        { rooms: 100, members: 100, real: false, latency: false },
        { rooms: 100, members: 10, real: true, latency: true },
      ],
      ladder: [10000, 20000, 30000, 40000, 50000, 60000, 80000, 100000, 130000, 160000, 200000],
      hihiLadder: [2000, 5000, 10000, 15000, 20000, 30000, 40000, 50000, 60000, 80000],
      stepSec: 4,
      warmupSec: 1,
      latencyRate: 10000,
      latencySec: 10,
      // the hard open-files limit is 20,000 per process here: the server cannot hold 20k sockets
      idleLevels: [1000, 5000, 10000, 19000],
    };

// --base=100x10  overrides the baselines' topologies (rooms x members)
if (args.has('base')) {
  CONFIG.topologies = args
    .get('base')!
    .split(',')
    .map((t) => {
      const [rooms, members] = t.split('x').map(Number);
      return { rooms, members };
    });
}

// --hihi=100x100:gw,10x100:real  overrides Hihi's topologies (gw = gateway only; real = also the real path + latency)
if (args.has('hihi')) {
  CONFIG.hihiTopologies = args
    .get('hihi')!
    .split(',')
    .map((t) => {
      const [size, mode] = t.split(':');
      const [rooms, members] = size.split('x').map(Number);
      return { rooms, members, real: mode === 'real', latency: mode === 'real' };
    });
}

// --ladder=5000,10000  overrides the real path's rates (deliveries/s); --skip-injected: no gateway-only ladder
if (args.has('ladder')) CONFIG.hihiLadder = args.get('ladder')!.split(',').map(Number);
// --base-ladder=2000,5000  overrides the baselines' rates (deliveries/s), e.g. on a loaded host where 10,000 already fails
if (args.has('base-ladder')) CONFIG.ladder = args.get('base-ladder')!.split(',').map(Number);
// --step-sec=15  longer ladder steps (steadier CPU per message for an A/B at one rate)
if (args.has('step-sec')) CONFIG.stepSec = Number(args.get('step-sec'));

export interface FanoutResult {
  rooms: number;
  members: number;
  setup: { connectMs: number; joinMs: number; settleMs: number };
  steps: StepResult[];
  maxSustained?: StepResult;
  /** hihi only: message:new published straight to Redis pub/sub (gateway fan-out alone) */
  injected?: { latency?: StepResult; steps: StepResult[]; maxSustained?: StepResult };
  error?: string;
}

export interface SystemResult {
  kind: SystemKind;
  label: string;
  fanout: FanoutResult[];
  latency?: StepResult;
  idle?: { baseRss: number; levels: IdleLevel[] };
  storm?: StormResult;
  errors: string[];
}

export interface RunResult {
  startedAt: string;
  finishedAt?: string;
  machine: {
    cpus: number;
    model: string;
    memGB: number;
    node: string;
    openFilesLimit: string;
    loadavgStart: number[];
    loadavgEnd?: number[];
  };
  client: string;
  config: Config;
  quick: boolean;
  systems: SystemResult[];
  profile?: ProfileSummary;
}

function log(s: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
}

function fmtStep(s: StepResult): string {
  return `offered ${s.offeredDeliveriesPerSec}/s → ${s.deliveredPerSec}/s (${(s.deliveryRatio * 100).toFixed(1)}%), p50 ${s.latency.p50} p99 ${s.latency.p99} p99.9 ${s.latency.p999} ms, ${s.cpuUsPerDelivery} µs CPU/delivery, µs CPU/stored message ${JSON.stringify(s.cpuUsPerMessage)}, generator ${s.generatorCpuPct}%${Object.keys(s.ackErrors).length ? ` ackErrors ${JSON.stringify(s.ackErrors)}` : ''}`;
}

async function ladder(
  fleet: Fleet,
  driver: LoadDriver,
  rates: number[],
  into: { steps: StepResult[]; maxSustained?: StepResult },
  tag: string,
  inject?: Parameters<LoadDriver['run']>[5],
): Promise<void> {
  const passes = (s: StepResult) =>
    s.latency.p99 <= P99_LIMIT_MS && s.deliveryRatio >= MIN_DELIVERY_RATIO && Object.keys(s.ackErrors).length === 0;
  for (const rate of rates) {
    let s = await driver.run(fleet, rate, CONFIG.stepSec, CONFIG.warmupSec, 3000, inject);
    if (!passes(s) && s.deliveryRatio >= MIN_DELIVERY_RATIO) {
      // the machine is shared: one retry after a pause before calling a rate unsustainable
      log(`  ${tag} retry ${fmtStep(s)}`);
      await new Promise((r) => setTimeout(r, 2000));
      const again = await driver.run(fleet, rate, CONFIG.stepSec, CONFIG.warmupSec, 3000, inject);
      again.retried = true;
      s = again;
    }
    s.pass = passes(s);
    delete s.curve;
    delete s.histogram;
    into.steps.push(s);
    log(`  ${tag} ${s.pass ? 'ok  ' : 'FAIL'} ${fmtStep(s)}`);
    if (s.pass) into.maxSustained = s;
    else break;
  }
  // let a saturated system work off its backlog before the next phase
  await new Promise((r) => setTimeout(r, 3000));
}

async function fanout(
  target: Target,
  driver: LoadDriver,
  rooms: number,
  members: number,
  withLatency: SystemResult | undefined,
  real = true,
): Promise<FanoutResult> {
  const fleet = new Fleet(target, rooms, members, driver.onDelivery);
  const res: FanoutResult = { rooms, members, setup: { connectMs: 0, joinMs: 0, settleMs: 0 }, steps: [] };
  try {
    log(`${target.label}: ${rooms}×${members}: connecting ${rooms * members} clients`);
    res.setup = await fleet.open(100, target.kind === 'hihi' ? 16 : 200);
    log(
      `  connected in ${res.setup.connectMs} ms, joined in ${res.setup.joinMs} ms, quiet after ${res.setup.settleMs} ms more`,
    );
    // --profile: profile gateway and chat while load runs (not while connecting), one profile per topology
    const toggleProfiler = () => {
      if (PROFILE && target.stack)
        for (const p of [...target.stack.running('gateway'), ...target.stack.running('chat')])
          p.proc.send({ hihiCpuProf: 'toggle' });
    };
    toggleProfiler();
    try {
      if (target.injector && !args.has('skip-injected')) {
        const inj = await target.injector();
        res.injected = { steps: [] };
        try {
          if (withLatency) {
            const s = await driver.run(
              fleet,
              CONFIG.latencyRate,
              CONFIG.latencySec,
              CONFIG.warmupSec,
              3000,
              inj.inject,
            );
            res.injected.latency = s;
            log(`  (b') gateway-only latency: ${fmtStep(s)}`);
          }
          if (SCEN.has('a')) await ladder(fleet, driver, CONFIG.ladder, res.injected, "(a')", inj.inject);
        } finally {
          inj.close();
        }
      }
      // the ladder first: on the real stack every stored message makes the next ones slower (see docs)
      if (SCEN.has('a') && real)
        await ladder(fleet, driver, target.kind === 'hihi' ? CONFIG.hihiLadder : CONFIG.ladder, res, '(a)');
      if (withLatency && real) {
        const s = await driver.run(fleet, CONFIG.latencyRate, CONFIG.latencySec, CONFIG.warmupSec);
        withLatency.latency = s;
        log(`  (b) latency: ${fmtStep(s)}`);
      }
    } finally {
      toggleProfiler();
    }
  } catch (e) {
    res.error = String((e as Error).stack ?? e);
    log(`  error: ${res.error}`);
  } finally {
    fleet.close();
    await new Promise((r) => setTimeout(r, 1500));
  }
  return res;
}

async function runSystem(kind: SystemKind, result: RunResult): Promise<void> {
  log(`=== ${kind} ===`);
  const profDir = resolve('bench/results/profiles');
  const target =
    kind === 'hihi'
      ? await hihiTarget(
          PROFILE
            ? {
                nodeOptions: {
                  gateway: `--require ${join(__dirname, 'lib', 'cpu-prof-preload.js')}`,
                  chat: `--require ${join(__dirname, 'lib', 'cpu-prof-preload.js')}`,
                },
                env: { ...HIHI_ENV, HIHI_CPU_PROF_DIR: profDir },
              }
            : { env: HIHI_ENV },
        )
      : await baselineTarget(kind);
  const sys: SystemResult = { kind, label: target.label, fanout: [], errors: [] };
  result.systems.push(sys);
  const driver = new LoadDriver(() => new CpuMeter(target.pids()));
  try {
    if (SCEN.has('c')) {
      try {
        sys.idle = await idleMemory(target, CONFIG.idleLevels);
      } catch (e) {
        sys.errors.push(`idle: ${String(e)}`);
      }
    }
    if (SCEN.has('a') || SCEN.has('b')) {
      const topos =
        kind === 'hihi'
          ? CONFIG.hihiTopologies
          : CONFIG.topologies.map((t, i) => ({ ...t, real: true, latency: i === 0 }));
      for (const t of topos) {
        if (!SCEN.has('a') && !t.latency) continue;
        const f = await fanout(
          target,
          driver,
          t.rooms,
          t.members,
          t.latency && SCEN.has('b') ? sys : undefined,
          t.real,
        );
        if (f.error) sys.errors.push(`fanout ${t.rooms}×${t.members}: ${f.error.split('\n')[0]}`);
        sys.fanout.push(f);
      }
      if (PROFILE) await new Promise((r) => setTimeout(r, 2000));
    }
    if (kind === 'hihi' && SCEN.has('d')) {
      log('(d) sign-in storm');
      try {
        sys.storm = await signInStorm(target, 64, QUICK ? 8 : 16, QUICK ? 3 : 8);
        log(
          `  ${sys.storm.loginsPerSec} sign-ins/s, login p99 ${sys.storm.loginLatency.p99} ms, gateway probe p99 ${sys.storm.probeLatencyStorm.p99} ms, loop lag ${JSON.stringify(sys.storm.eventLoopStorm)}`,
        );
      } catch (e) {
        sys.errors.push(`storm: ${String(e)}`);
        log(`  storm error: ${String(e)}`);
      }
    }
  } finally {
    await target.stop();
  }
}

async function main(): Promise<void> {
  const outDir = resolve('bench/results');
  mkdirSync(outDir, { recursive: true });
  let limit = '?';
  try {
    limit = /Max open files\s+(\d+)\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))!.slice(1).join('/');
  } catch {
    /* not linux */
  }
  const result: RunResult = {
    startedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? '?',
      memGB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      openFilesLimit: limit,
      loadavgStart: loadavg(),
    },
    client: SIO_CLIENT,
    config: CONFIG,
    quick: QUICK,
    systems: [],
  };
  const profDir = join(outDir, 'profiles');
  const before = new Set(safeList(profDir));
  for (const kind of ONLY) {
    try {
      await runSystem(kind, result);
    } catch (e) {
      log(`${kind} failed: ${String((e as Error).stack ?? e)}`);
      result.systems.push({ kind, label: kind, fanout: [], errors: [String(e)] });
    }
  }
  if (PROFILE) {
    const fresh = safeList(profDir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
    result.profile = summarizeProfiles(fresh.map((f) => join(profDir, f)));
  }
  result.finishedAt = new Date().toISOString();
  result.machine.loadavgEnd = loadavg();
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  writeFileSync(join(outDir, `${stamp}.json`), JSON.stringify(result, null, 2));
  writeFileSync(join(outDir, `${stamp}.html`), htmlReport(result));
  copyFileSync(join(outDir, `${stamp}.json`), join(outDir, 'latest.json'));
  copyFileSync(join(outDir, `${stamp}.html`), join(outDir, 'latest.html'));
  process.stdout.write(consoleTables(result));
  log(`results: bench/results/${stamp}.json and .html (also latest.*)`);
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  },
);

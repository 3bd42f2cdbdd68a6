/**
 * The web-clients scenario on its own (also part of `npm run bench`):
 *   node dist/bench/bench/web-clients.js [--members=100] [--rates=50,100,200,300,400,500] [--step=5]
 * Bare `ws` first (same fan-out, no storage, same generator), then the real stack with apps/web's
 * read marks (one per room per second), then the real stack with a read mark on every message
 * received (a naive bot, issue 24); prints each and the ratios. --systems=ws,hihi,hihi-every picks.
 * Each step reports the generator's own CPU (`generator` ms/s) next to the servers'.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { baselineTarget, hihiTarget, Target } from './lib/targets';
import { CpuMeter } from './lib/procstat';
import { webClients, WebClientsResult } from './lib/webclients';
import { cliArgs } from './lib/args';

const args = cliArgs();
const MEMBERS = Number(args.get('members') ?? 100);
const RATES = (args.get('rates') ?? '50,100,200,300,400,500,700').split(',').map(Number);
const STEP = Number(args.get('step') ?? 5);
/** --changes=0.1: that share of the offered operations are edits and reactions (issue 13) */
const CHANGES = Number(args.get('changes') ?? 0);
/** --profile: CPU profiles of gateway and chat during the rate steps (bench/results/profiles) */
const PROFILE = args.has('profile');

function log(s: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
}

/** --env=READ_FLUSH_MS:0,SOCKET_COALESCE_MS:0: extra environment for the Hihi services */
const EXTRA_ENV = Object.fromEntries(
  (args.get('env') ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]),
);
type System = 'ws' | 'hihi' | 'hihi-every';
const SYSTEMS = (args.get('systems') ?? 'ws,hihi,hihi-every').split(',') as System[];

export async function runWebClients(systems: System[] = SYSTEMS): Promise<WebClientsResult[]> {
  const out: WebClientsResult[] = [];
  for (const system of systems) {
    const kind = system === 'ws' ? 'ws' : 'hihi';
    const profDir = resolve('bench/results/profiles');
    const preload = `--require ${join(__dirname, 'lib', 'cpu-prof-preload.js')}`;
    const target: Target =
      kind === 'hihi'
        ? await hihiTarget(
            PROFILE
              ? { nodeOptions: { gateway: preload, chat: preload }, env: { HIHI_CPU_PROF_DIR: profDir, ...EXTRA_ENV } }
              : { env: EXTRA_ENV },
          )
        : await baselineTarget('ws');
    const toggle = () => {
      if (PROFILE && target.stack)
        for (const p of [...target.stack.running('gateway'), ...target.stack.running('chat')])
          p.proc.send({ hihiCpuProf: 'toggle' });
    };
    try {
      log(`(w) web clients: ${target.label}, one room of ${MEMBERS}`);
      out.push(
        await webClients(
          target,
          MEMBERS,
          RATES,
          STEP,
          () => new CpuMeter(target.pids()),
          log,
          toggle,
          kind === 'hihi' ? CHANGES : 0,
          system === 'hihi-every',
        ),
      );
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await target.stop();
    }
  }
  return out;
}

if (require.main === module) {
  runWebClients()
    .then((results) => {
      const dir = resolve('bench/results');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `web-clients-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(results, null, 2));
      const [ws, ...hihis] = results;
      for (const r of results) {
        const m = r.maxSustained;
        log(
          `${r.system}: joins ${r.joinMs} ms (${r.failedJoins} failed); highest passing rate ${m?.offeredMsgsPerSec ?? 0} msg/s ` +
            `(${m?.deliveriesPerSec ?? 0} deliveries/s, delivery p99 ${m?.delivery.p99 ?? '-'} ms)`,
        );
      }
      for (const hihi of ws ? hihis : []) {
        log(`${hihi.system} vs bare ws:`);
        for (const h of hihi.steps) {
          const b = ws.steps.find((s) => s.offeredMsgsPerSec === h.offeredMsgsPerSec);
          if (b)
            log(
              `  at ${h.offeredMsgsPerSec} msg/s: delivery p99 ${h.delivery.p99} ms vs bare ws ${b.delivery.p99} ms (×${(h.delivery.p99 / Math.max(0.01, b.delivery.p99)).toFixed(1)})`,
            );
        }
      }
      log(`results: ${file}`);
      process.exit(0);
    })
    .catch((e) => {
      process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
      process.exit(1);
    });
}

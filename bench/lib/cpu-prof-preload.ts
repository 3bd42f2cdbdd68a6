/**
 * Preloaded into a service with NODE_OPTIONS="--require …/cpu-prof-preload.js" (node refuses
 * --cpu-prof in NODE_OPTIONS; NestJS's shutdown hooks own SIGUSR2). The first IPC message
 * {hihiCpuProf: 'toggle'} from the parent starts the V8 CPU profiler, the second stops it
 * and writes <HIHI_CPU_PROF_DIR>/<service>-<pid>-<n>.cpuprofile. Only when HIHI_CPU_PROF_DIR is set.
 */
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const dir = process.env.HIHI_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let on = false;
  let n = 0;
  const name = basename(dirname(dirname(process.argv[1] ?? 'node'))) || 'node';
  process.on('message', (msg: unknown) => {
    if ((msg as { hihiCpuProf?: string } | null)?.hihiCpuProf !== 'toggle') return;
    if (!on) {
      on = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')),
      );
      return;
    }
    on = false;
    session.post('Profiler.stop', (err, res) => {
      if (err || !res) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}-${process.pid}-${++n}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}

import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86-64/arm64

/** pid and every descendant (via /proc/<pid>/task/<tid>/children). */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    try {
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (kids) for (const k of kids.split(/\s+/)) stack.push(Number(k));
      }
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * utime+stime of one process in ms, with cutime+cstime: the CPU of its children that have exited
 * (and been waited for). Summed over a live process tree that counts every process once, also
 * the short-lived ones — PostgreSQL's autovacuum workers and backends, whose CPU would otherwise
 * vanish from the sum when they exit (a step could read negative). 0 when it is gone.
 */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is state (field 3); utime is field 14, stime 15, cutime 16, cstime 17
    return ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Resident set size in bytes (0 when gone). */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A named group of process trees whose CPU time we sum (e.g. gateway+chat+auth+redis+ferretdb). */
export class CpuMeter {
  constructor(readonly roots: { name: string; pid: number }[]) {}

  /** CPU ms per component and total, summed over each root's process tree. */
  sample(): Record<string, number> {
    const r: Record<string, number> = {};
    let total = 0;
    for (const { name, pid } of this.roots) {
      let ms = 0;
      for (const p of processTree(pid)) ms += cpuMsOf(p);
      r[name] = (r[name] ?? 0) + ms;
      total += ms;
    }
    r.total = total;
    return r;
  }

  static diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
    const r: Record<string, number> = {};
    for (const k of Object.keys(b)) r[k] = Math.round((b[k] - (a[k] ?? 0)) * 10) / 10;
    return r;
  }
}

/** This process's own CPU (user+system) in ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

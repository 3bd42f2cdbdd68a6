import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface ProfileSummary {
  files: {
    file: string;
    totalMs: number;
    byFunction: { fn: string; selfMs: number; pct: number }[];
    byModule: { module: string; selfMs: number; pct: number }[];
  }[];
}

function moduleOf(url: string): string {
  if (!url) return '(native code: syscalls, program)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node core';
  const d = url.indexOf('/dist/');
  return d >= 0
    ? `hihi ${url
        .slice(d + 6)
        .split('/')
        .slice(0, 3)
        .join('/')}`
    : url;
}

/** Self time by function and by package of each .cpuprofile (node --cpu-prof). */
export function summarizeProfiles(files: string[], top = 20): ProfileSummary {
  return {
    files: files.map((file) => {
      const p = JSON.parse(readFileSync(file, 'utf8')) as {
        nodes: CpuNode[];
        startTime: number;
        endTime: number;
        samples: number[];
      };
      const totalMs = (p.endTime - p.startTime) / 1000;
      const per = totalMs / Math.max(1, p.samples.length);
      const fn = new Map<string, number>();
      const mod = new Map<string, number>();
      for (const n of p.nodes) {
        const hits = n.hitCount ?? 0;
        if (!hits) continue;
        const { functionName, url, lineNumber } = n.callFrame;
        const key = `${functionName || '(anonymous)'} ${
          url
            ? `${url
                .replace(/^.*node_modules\//, '')
                .replace(/^.*\/dist\//, 'dist/')
                .replace(/^file:\/\//, '')}:${lineNumber + 1}`
            : ''
        }`;
        fn.set(key, (fn.get(key) ?? 0) + hits * per);
        const m =
          functionName === '(idle)' ? '(idle)' : functionName === '(garbage collector)' ? '(gc)' : moduleOf(url);
        mod.set(m, (mod.get(m) ?? 0) + hits * per);
      }
      const busy = [...mod.entries()].filter(([k]) => k !== '(idle)').reduce((a, [, v]) => a + v, 0);
      const rank = (m: Map<string, number>) =>
        [...m.entries()]
          .filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(program)'))
          .sort((a, b) => b[1] - a[1])
          .slice(0, top)
          .map(([k, v]) => ({ k, selfMs: Math.round(v), pct: Math.round((v / Math.max(1, busy)) * 1000) / 10 }));
      return {
        file: basename(file),
        totalMs: Math.round(totalMs),
        byFunction: rank(fn).map(({ k, selfMs, pct }) => ({ fn: k, selfMs, pct })),
        byModule: rank(mod).map(({ k, selfMs, pct }) => ({ module: k, selfMs, pct })),
      };
    }),
  };
}

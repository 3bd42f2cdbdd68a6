#!/usr/bin/env node
/**
 * Make package-lock.json acceptable to `npm ci` when the registry lacks some platform-specific
 * optional packages (other operating systems' and CPUs' builds of rollup, unrs-resolver,
 * msgpackr-extract …).
 *
 * `npm install` skips an optional dependency it cannot fetch and leaves it out of the lock file;
 * npm 11's `npm ci` then refuses the lock file ("Missing: X@ from lock file"). This adds an entry
 * for each such package with its version and its os/cpu/libc, so `npm ci` sees a complete lock
 * file and, on this platform, skips them as it would anyway. Run it after `npm install` changes
 * the lock file: `node scripts/complete-lockfile.mjs`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const pkgs = lock.packages;

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'netbsd', 'sunos', 'win32', 'openharmony', 'aix'];
const CPU = {
  'arm-eabi': 'arm',
  'arm-gnueabihf': 'arm',
  'arm-musleabihf': 'arm',
  arm64: 'arm64',
  x64: 'x64',
  ia32: 'ia32',
  loong64: 'loong64',
  ppc64: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
  arm: 'arm',
};

/** os / cpu / libc of a platform package: from the registry when it has it, else from its name. */
function platformOf(name, version) {
  try {
    const out = execFileSync('npm', ['view', `${name}@${version}`, 'os', 'cpu', 'libc', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const v = JSON.parse(out || '{}');
    if (v.os || v.cpu) return { os: v.os, cpu: v.cpu, libc: v.libc };
  } catch {
    // not in the registry: infer
  }
  const base = name.split('/').pop();
  const os = OS.find((o) => base.includes(`-${o}-`) || base.endsWith(`-${o}`));
  const cpuKey = Object.keys(CPU).find((c) => base.includes(`-${c}`));
  const libc = /-musl/.test(base) ? ['musl'] : /-gnu/.test(base) ? ['glibc'] : undefined;
  return { os: os ? [os] : undefined, cpu: cpuKey ? [CPU[cpuKey]] : undefined, libc };
}

let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [dep, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    // resolve like node: nearest node_modules up from the dependent
    const parts = path.split('node_modules/').filter(Boolean);
    let found = false;
    for (let i = parts.length; i >= 0 && !found; i--) {
      const prefix = parts
        .slice(0, i)
        .map((p) => `node_modules/${p.replace(/\/$/, '')}/`)
        .join('');
      if (pkgs[`${prefix}node_modules/${dep}`]) found = true;
    }
    if (found) continue;
    const version = String(spec).replace(/^[\^~=]/, '');
    const { os, cpu, libc } = platformOf(dep, version);
    const entry = { version, optional: true };
    if (os) entry.os = os;
    if (cpu) entry.cpu = cpu;
    if (libc) entry.libc = libc;
    pkgs[`node_modules/${dep}`] = entry;
    added++;
    console.log(`added ${dep}@${version} ${JSON.stringify({ os, cpu, libc })}`);
  }
}
if (added) {
  lock.packages = Object.fromEntries(
    Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
  );
  writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(`${added} missing optional packages added to package-lock.json`);

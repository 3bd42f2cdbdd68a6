import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../errors';

/** One thing `npm start` builds: what it is made of, what it makes, how. */
export interface BuildTarget {
  name: string;
  /** files and folders (relative to the repository) whose change needs a rebuild */
  sources: string[];
  /** the file the build writes last-ish; missing or older than a source → rebuild */
  output: string;
  /** the command (a binary in node_modules/.bin) and its arguments */
  bin: string;
  args: string[];
}

/** What every server build reads besides its app. */
const SERVER_SHARED = [
  'libs/contracts',
  'libs/config',
  'libs/common',
  'libs/dto',
  'package-lock.json',
  'tsconfig.json',
  'nest-cli.json',
];

export const BUILD_TARGETS: BuildTarget[] = [
  ...(['auth', 'chat', 'gateway'] as const).map((app) => ({
    name: app,
    sources: [`apps/${app}`, ...SERVER_SHARED],
    output: `dist/apps/${app}/apps/${app}/src/main.js`,
    bin: 'nest',
    args: ['build', app],
  })),
  {
    name: 'web',
    sources: ['apps/web', 'libs/contracts', 'angular.json', 'package-lock.json', 'tsconfig.json'],
    output: 'dist/apps/web/browser/index.html',
    bin: 'ng',
    args: ['build', 'web'],
  },
];

const SKIP_DIRS = new Set(['node_modules', 'dist', '.angular', '.git']);

/** The newest file under `path` (a file or a folder): its mtime (ms) and path. */
export function newestSource(root: string, path: string): { mtimeMs: number; file: string } {
  let best = { mtimeMs: 0, file: path };
  const walk = (rel: string): void => {
    const abs = join(root, rel);
    let st;
    try {
      st = statSync(abs);
    } catch {
      return; // a source that does not exist (yet) changes nothing
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(abs)) if (!SKIP_DIRS.has(entry)) walk(join(rel, entry));
    } else if (st.mtimeMs > best.mtimeMs && !/\.(spec|int-spec)\.ts$/.test(rel)) {
      // specs are not part of a build
      best = { mtimeMs: st.mtimeMs, file: rel };
    }
  };
  walk(path);
  return best;
}

/** Why a target needs building, or undefined when its output is newer than every source. */
export function staleReason(root: string, target: BuildTarget): string | undefined {
  const out = join(root, target.output);
  if (!existsSync(out)) return 'never built';
  const built = statSync(out).mtimeMs;
  for (const source of target.sources) {
    const newest = newestSource(root, source);
    if (newest.mtimeMs > built) return `${newest.file} changed`;
  }
  return undefined;
}

export interface BuildOptions {
  root: string;
  log: (line: string) => void;
  /** progress line every this many ms while a step runs (default 15 s) */
  heartbeatMs?: number;
  targets?: BuildTarget[];
}

/**
 * Build only what changed (`npm start`): each target whose output is missing or older than one
 * of its sources is built, with a line when it starts, every 15 s while it runs and when it is
 * done; the rest is reported up to date. A failed build removes its output (so the next start
 * builds it again) and stops with the build's last lines.
 */
export async function buildChanged(opts: BuildOptions): Promise<{ built: string[]; skipped: string[] }> {
  const { root, log } = opts;
  const built: string[] = [];
  const skipped: string[] = [];
  for (const target of opts.targets ?? BUILD_TARGETS) {
    const reason = staleReason(root, target);
    if (!reason) {
      skipped.push(target.name);
      continue;
    }
    const started = Date.now();
    log(`building ${target.name} (${reason}) …`);
    const heartbeat = setInterval(
      () => log(`still building ${target.name} (${Math.round((Date.now() - started) / 1000)} s) …`),
      opts.heartbeatMs ?? 15_000,
    );
    try {
      await run(root, target);
    } catch (err) {
      rmSync(join(root, target.output), { force: true });
      throw err;
    } finally {
      clearInterval(heartbeat);
    }
    // the output dates from the build's start: a source saved while it ran is built next time
    const out = join(root, target.output);
    if (existsSync(out)) utimesSync(out, started / 1000, started / 1000);
    log(`built ${target.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    built.push(target.name);
  }
  if (skipped.length) log(`up to date (not rebuilt): ${skipped.join(', ')}`);
  return { built, skipped };
}

function run(root: string, target: BuildTarget): Promise<void> {
  const bin = join(root, 'node_modules', '.bin', target.bin);
  if (!existsSync(bin)) throw new InfraError(`${bin} is missing: run \`npm ci\` first.`);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, target.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const keep = (b: Buffer) => {
      tail.push(...b.toString().split('\n').filter(Boolean));
      if (tail.length > 40) tail.splice(0, tail.length - 40);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (err) => reject(new InfraError(`${target.bin} ${target.args.join(' ')}: ${err.message}`)));
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new InfraError(
            `building ${target.name} failed (${target.bin} ${target.args.join(' ')}, exit ${code}):\n${tail.join('\n')}`,
          ),
        );
    });
  });
}

/** Whether node_modules was installed from the current package-lock.json. */
export function dependenciesCurrent(root: string): boolean {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (!existsSync(marker)) return false;
  return !existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
}

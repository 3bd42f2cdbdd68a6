// @ts-check
/**
 * `npm start`: (re)build the launcher (libs/infra) only when one of its sources is newer than its
 * output, then run it (dist/libs/infra/src/cli/start.js), which builds only what changed of the
 * services and the web app and starts everything. Plain Node, so a start with nothing changed
 * spends no time in a compiler.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const launcher = join(root, 'dist', 'libs', 'infra', 'src', 'cli', 'start.js');

/** @param {string} path @returns {number} newest mtime under path (0: missing) */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let best = 0;
  for (const entry of readdirSync(path)) best = Math.max(best, newest(join(path, entry)));
  return best;
}

const sources = ['libs/infra/src', 'libs/infra/tsconfig.lib.json', 'tsconfig.json', 'package-lock.json'];
const builtAt = existsSync(launcher) ? statSync(launcher).mtimeMs : 0;
if (sources.some((s) => newest(join(root, s)) > builtAt)) {
  process.stdout.write(`[build]   building the launcher (libs/infra) …\n`);
  const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'libs/infra/tsconfig.lib.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) {
    process.stderr.write('[build]   building the launcher failed (is `npm ci` done?)\n');
    process.exit(1);
  }
}
await import(pathToFileURL(launcher).href);

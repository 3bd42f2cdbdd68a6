import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What a running `npm start` uses, kept in the data folder (`run.json`, mode 0600) while it runs:
 * the admin CLI (`npm run admin`) finds the embedded databases of a running server through it
 * instead of starting its own over the same files.
 */
export interface RunState {
  pid: number;
  redisUrl: string;
  mongoUrl: string;
  databaseUrl: string;
}

export function runStateFile(dataDir: string): string {
  return join(dataDir, 'run.json');
}

export function writeRunState(dataDir: string, state: RunState): void {
  writeFileSync(runStateFile(dataDir), `${JSON.stringify(state)}\n`, { mode: 0o600 });
}

export function clearRunState(dataDir: string): void {
  rmSync(runStateFile(dataDir), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The state of a server running from this data folder now, if there is one. */
export function readRunState(dataDir: string): RunState | undefined {
  const file = runStateFile(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunState>;
    if (
      typeof s.pid !== 'number' ||
      typeof s.redisUrl !== 'string' ||
      typeof s.mongoUrl !== 'string' ||
      typeof s.databaseUrl !== 'string'
    )
      return undefined;
    return alive(s.pid) ? (s as RunState) : undefined;
  } catch {
    return undefined;
  }
}

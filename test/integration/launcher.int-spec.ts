import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, freePort, repoRoot, waitFor } from '@hihi/infra';

const LAUNCHER = join(repoRoot(), 'dist', 'libs', 'infra', 'src', 'cli', 'start.js');

function descendants(pid: number): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows) {
      if (parent !== p) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface Run {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(env: NodeJS.ProcessEnv, dataDir: string): Run {
  const clean = { ...process.env };
  delete clean.REDIS_URL;
  delete clean.MONGO_URL;
  delete clean.DATABASE_URL;
  delete clean.JWT_SECRET;
  const proc = spawn(process.execPath, [LAUNCHER], {
    env: { ...clean, HIHI_DATA_DIR: dataDir, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  proc.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, output: () => text, exited };
}

describe('npm start launcher (real processes)', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'hihi-start-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves health and the web app on PORT, and SIGTERM stops every process it started', async () => {
    const port = await freePort();
    const run = launch({ PORT: String(port) }, dataDir);
    try {
      const healthy = await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200,
        60000,
        250,
      );
      expect(healthy).toBe(true);
      const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as {
        details: Record<string, { status: string }>;
      };
      expect(Object.keys(health.details).sort()).toEqual(['auth', 'chat', 'mongo', 'postgres', 'redis']);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toMatch(/<title>Hihi Chat/);
      // each log line carries its service's prefix
      expect(run.output()).toMatch(/^\[gateway\] /m);
      expect(run.output()).toMatch(/^\[auth\] /m);
      expect(run.output()).toMatch(/^\[chat\] /m);

      const children = descendants(run.proc.pid!);
      expect(children.length).toBeGreaterThanOrEqual(5); // auth, chat, gateway, redis, ferretdb (+ guards)
      const t0 = Date.now();
      run.proc.kill('SIGTERM');
      const code = await run.exited;
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(15000);
      const leftovers = await waitFor(async () => children.every((p) => !alive(p)), 3000);
      expect(leftovers).toBe(true);
      expect(await canConnect('127.0.0.1', port)).toBe(false);
    } finally {
      if (run.proc.exitCode === null) run.proc.kill('SIGKILL');
    }
  }, 90000);

  it('builds only what changed: nothing on a built tree, and only the target of a changed source', async () => {
    const healthyAt = async (run: Run, port: number, ms: number) =>
      waitFor(
        async () => {
          if (run.proc.exitCode !== null) return true;
          // not before the gateway runs: a connection polled at a port nobody listens on for the
          // length of a build can be given that very port as its source (a TCP self-connect),
          // and the gateway then finds its port taken
          if (!/^\[gateway\] /m.test(run.output())) return false;
          return (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined))?.status === 200;
        },
        ms,
        250,
      );
    // a launcher that stopped says why: its output is in the failure
    const expectRunning = (run: Run) => {
      if (run.proc.exitCode !== null)
        throw new Error(
          `the launcher exited (${run.proc.exitCode}):\n${run.output().split('\n').slice(-60).join('\n')}`,
        );
    };
    const stop = async (run: Run) => {
      run.proc.kill('SIGTERM');
      await run.exited;
    };
    // the tests run on a built tree (`npm run build`): a second start builds nothing
    let port = await freePort();
    const t0 = Date.now();
    let run = launch({ PORT: String(port) }, dataDir);
    try {
      expect(await healthyAt(run, port, 60000)).toBe(true);
      expectRunning(run);
      process.stderr.write(
        `[launcher] start with nothing changed: healthy in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
      );
      expect(run.output()).toMatch(/up to date \(not rebuilt\): auth, chat, gateway, web/);
      expect(run.output()).not.toMatch(/building /);
    } finally {
      await stop(run);
    }
    // a changed source file (its mtime): its target, and only it, is built again before the start
    const source = join(repoRoot(), 'apps', 'auth', 'src', 'main.ts');
    const now = new Date();
    utimesSync(source, now, now);
    port = await freePort();
    run = launch({ PORT: String(port) }, dataDir);
    try {
      expect(await healthyAt(run, port, 150000)).toBe(true);
      expectRunning(run);
      expect(run.output()).toMatch(/building auth \(apps\/auth\/src\/main\.ts changed\)/);
      expect(run.output()).toMatch(/built auth in \d+\.\d s/);
      expect(run.output()).toMatch(/up to date \(not rebuilt\): chat, gateway, web/);
    } finally {
      await stop(run);
    }
  }, 240000);

  it('keeps its data folder and secret between runs', async () => {
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(dataDir, 'jwt-secret'))).toBe(true);
    expect(existsSync(join(dataDir, 'mongo'))).toBe(true);
    expect(existsSync(join(dataDir, 'redis'))).toBe(true);
    expect(existsSync(join(dataDir, 'postgres', 'cluster', 'PG_VERSION'))).toBe(true);
  });

  it('fails fast naming MONGO_URL when it cannot be reached', async () => {
    const t0 = Date.now();
    const run = launch({ PORT: String(await freePort()), MONGO_URL: 'mongodb://127.0.0.1:1/x' }, dataDir);
    const code = await run.exited;
    expect(code).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(15000);
    expect(run.output()).toContain('MONGO_URL');
  }, 30000);

  it('fails fast naming DATABASE_URL when it cannot be reached', async () => {
    const t0 = Date.now();
    const run = launch({ PORT: String(await freePort()), DATABASE_URL: 'postgres://hihi:x@127.0.0.1:1/x' }, dataDir);
    const code = await run.exited;
    expect(code).not.toBe(0);
    expect(Date.now() - t0).toBeLessThan(15000);
    expect(run.output()).toContain('DATABASE_URL');
  }, 30000);

  it('refuses a bad PORT naming the variable', async () => {
    const run = launch({ PORT: 'not-a-port' }, dataDir);
    const code = await run.exited;
    expect(code).not.toBe(0);
    expect(run.output()).toMatch(/PORT must be/);
  }, 60000);

  it('refuses to start in production without JWT_SECRET, naming it', async () => {
    const run = launch({ PORT: String(await freePort()), NODE_ENV: 'production' }, dataDir);
    const code = await run.exited;
    expect(code).not.toBe(0);
    expect(run.output()).toContain('JWT_SECRET');
  }, 30000);
});

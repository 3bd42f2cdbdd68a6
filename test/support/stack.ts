import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  freePort,
  Infra,
  Managed,
  repoRoot,
  resolveInfra,
  ServiceName,
  serviceScript,
  spawnNode,
  waitFor,
} from '@hihi/infra';

export interface ServiceProc extends Managed {
  service: ServiceName;
  /** captured output lines (JSON logs) */
  lines: string[];
}

export interface StackOptions {
  /** which services to start (default all three) */
  services?: ServiceName[];
  /** extra environment for every service */
  env?: NodeJS.ProcessEnv;
  /** print service output to stderr (debugging) */
  verbose?: boolean;
  /** use this Redis (e.g. a test's own Redis Cluster) instead of a private redis-server */
  redisUrl?: string;
  /** use this PostgreSQL (e.g. a test's own primary with a standby) instead of a private one */
  databaseUrl?: string;
}

/**
 * A private Hihi Chat stack for one test file: its own redis-server and database (temp dirs,
 * free ports) and the real built services as separate processes.
 */
export class Stack {
  readonly procs: ServiceProc[] = [];
  gatewayPort = 0;
  env: NodeJS.ProcessEnv = {};
  private infra?: Infra;
  private dir = '';

  constructor(private readonly opts: StackOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.gatewayPort}`;
  }

  get redisUrl(): string {
    return this.infra!.redisUrl;
  }

  get mongoUrl(): string {
    return this.infra!.mongoUrl;
  }

  get databaseUrl(): string {
    return this.infra!.databaseUrl;
  }

  async start(): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'hihi-test-'));
    const quiet = () => undefined;
    this.infra = await resolveInfra({
      dataDir: this.dir,
      persistent: false,
      env: {
        ...process.env,
        ...(this.opts.redisUrl ? { REDIS_URL: this.opts.redisUrl } : {}),
        ...(this.opts.databaseUrl ? { DATABASE_URL: this.opts.databaseUrl } : {}),
      },
      dbName: `hihi_test_${randomBytes(4).toString('hex')}`,
      log: this.opts.verbose ? (l) => process.stderr.write(`[infra] ${l}\n`) : quiet,
    });
    this.gatewayPort = await freePort();
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      REDIS_URL: this.infra.redisUrl,
      MONGO_URL: this.infra.mongoUrl,
      DATABASE_URL: this.infra.databaseUrl,
      JWT_SECRET: randomBytes(32).toString('hex'),
      UPLOAD_DIR: join(this.dir, 'uploads'),
      PORT: String(this.gatewayPort),
      HOST: '127.0.0.1',
      WEB_DIST: join(repoRoot(), 'dist', 'apps', 'web', 'browser'),
      HIHI_DATA_DIR: join(this.dir, 'data'),
      ...this.opts.env,
    };
    for (const s of this.opts.services ?? (['auth', 'chat', 'gateway'] as ServiceName[])) this.spawn(s);
    if ((this.opts.services ?? ['gateway']).includes('gateway')) await this.waitHealthy();
    return this;
  }

  /** Start one more process of a service (extra env overrides, e.g. another PORT). */
  spawn(service: ServiceName, extraEnv: NodeJS.ProcessEnv = {}): ServiceProc {
    const lines: string[] = [];
    const m = spawnNode(service, serviceScript(service), { ...this.env, ...extraEnv }, (line) => {
      lines.push(line);
      if (lines.length > 5000) lines.shift();
      if (this.opts.verbose) process.stderr.write(`[${service}] ${line}\n`);
    });
    const proc: ServiceProc = Object.assign(m, { service, lines });
    this.procs.push(proc);
    return proc;
  }

  /** The first running process of a service. */
  proc(service: ServiceName): ServiceProc {
    const p = this.procs.find((x) => x.service === service && x.proc.exitCode === null && x.proc.signalCode === null);
    if (!p) throw new Error(`no running ${service} process`);
    return p;
  }

  async health(base = this.url): Promise<{
    status: number;
    body: { status: string; details: Record<string, { status: string }>; down: string[] };
  }> {
    const res = await fetch(`${base}/api/health`);
    return { status: res.status, body: (await res.json()) as never };
  }

  async waitHealthy(base = this.url, timeoutMs = 30000): Promise<void> {
    const ok = await waitFor(async () => (await this.health(base)).status === 200, timeoutMs, 150);
    if (!ok) throw new Error(`stack did not become healthy at ${base}`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop(10000)));
    await this.infra?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  return new Stack(opts).start();
}

import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  freePort,
  Managed,
  repoRoot,
  ServiceName,
  serviceScript,
  spawnGuarded,
  spawnNode,
  waitFor,
  sleep,
} from '../../libs/infra/src/index';
import { startMongo } from '../../libs/infra/src/mongo';
import { startPostgres } from '../../libs/infra/src/postgres';
import { probeRedis } from '../../libs/infra/src/redis';

export interface Proc extends Managed {
  service: string;
  lines: string[];
}

export interface BenchStackOptions {
  env?: NodeJS.ProcessEnv;
  /** extra NODE_OPTIONS per service, e.g. { gateway: '--cpu-prof --cpu-prof-dir=…' } */
  nodeOptions?: Partial<Record<ServiceName, string>>;
  verbose?: boolean;
  /** start no gateway (callers spawn their own) */
  gateways?: number;
}

/**
 * The real Hihi Chat stack for benchmarks and fault tests: a private redis-server (on a fixed
 * port, so it can be restarted in place), FerretDB / mongod (auth), PostgreSQL (chat) and the built services as real
 * processes, each of which we can kill, restart and measure (/proc CPU and RSS).
 */
export class BenchStack {
  readonly procs: Proc[] = [];
  redis?: Managed;
  mongo?: Managed;
  postgres?: Managed;
  databaseUrl = '';
  redisPort = 0;
  env: NodeJS.ProcessEnv = {};
  gatewayPorts: number[] = [];
  readonly jwtSecret = randomBytes(32).toString('hex');
  private dir = '';

  constructor(private readonly opts: BenchStackOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.gatewayPorts[0]}`;
  }

  urlOf(i: number): string {
    return `http://127.0.0.1:${this.gatewayPorts[i]}`;
  }

  async start(): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'hihi-bench-'));
    this.redisPort = await freePort();
    await this.startRedis();
    const m = await startMongo(
      join(this.dir, 'mongo'),
      `hihi_bench_${randomBytes(3).toString('hex')}`,
      () => undefined,
    );
    this.mongo = m.proc;
    // chat's PostgreSQL with production durability (fsync and synchronous commit on): what a
    // stored-message figure means
    const pg = await startPostgres(
      join(this.dir, 'postgres'),
      { dbName: 'hihi_bench', persistent: true },
      () => undefined,
    );
    this.postgres = pg.proc;
    this.databaseUrl = pg.url;
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      REDIS_URL: `redis://127.0.0.1:${this.redisPort}`,
      MONGO_URL: m.url,
      DATABASE_URL: pg.url,
      JWT_SECRET: this.jwtSecret,
      HOST: '127.0.0.1',
      WEB_DIST: join(repoRoot(), 'dist', 'apps', 'web', 'browser'),
      ...this.opts.env,
    };
    this.spawn('auth');
    this.spawn('chat');
    for (let i = 0; i < (this.opts.gateways ?? 1); i++) await this.addGateway();
    await this.waitHealthy();
    return this;
  }

  async startRedis(): Promise<void> {
    mkdirSync(join(this.dir, 'redis'), { recursive: true });
    this.redis = spawnGuarded('redis', 'redis-server', [
      '--port',
      String(this.redisPort),
      '--bind',
      '127.0.0.1',
      '--dir',
      join(this.dir, 'redis'),
      '--daemonize',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
    ]);
    const url = `redis://127.0.0.1:${this.redisPort}`;
    if (!(await waitFor(async () => (await probeRedis(url, 300)) === undefined, 10000)))
      throw new Error('redis did not start');
  }

  async restartRedis(downMs = 500): Promise<void> {
    this.redis?.proc.kill('SIGKILL');
    await this.redis?.exited;
    await sleep(downMs);
    await this.startRedis();
  }

  async addGateway(): Promise<Proc> {
    const port = await freePort();
    this.gatewayPorts.push(port);
    return this.spawn('gateway', { PORT: String(port) });
  }

  spawn(service: ServiceName, extraEnv: NodeJS.ProcessEnv = {}): Proc {
    const lines: string[] = [];
    const env = { ...this.env, ...extraEnv };
    const no = this.opts.nodeOptions?.[service];
    if (no) env.NODE_OPTIONS = no;
    const m = spawnNode(service, serviceScript(service), env, (line) => {
      lines.push(line);
      if (lines.length > 500) lines.shift();
      if (this.opts.verbose) process.stderr.write(`[${service}] ${line}\n`);
    });
    const p: Proc = Object.assign(m, { service, lines });
    this.procs.push(p);
    return p;
  }

  running(service: string): Proc[] {
    return this.procs.filter((p) => p.service === service && p.proc.exitCode === null && p.proc.signalCode === null);
  }

  /** name → pid of every live process (redis and the database are guarded shells: count their trees). */
  pids(): { name: string; pid: number }[] {
    const out: { name: string; pid: number }[] = [];
    for (const p of this.procs)
      if (p.proc.exitCode === null && p.proc.signalCode === null && p.proc.pid)
        out.push({ name: p.service, pid: p.proc.pid });
    if (this.redis?.proc.pid) out.push({ name: 'redis', pid: this.redis.proc.pid });
    if (this.mongo?.proc.pid) out.push({ name: 'mongo', pid: this.mongo.proc.pid });
    if (this.postgres?.proc.pid) out.push({ name: 'postgres', pid: this.postgres.proc.pid });
    return out;
  }

  async health(base = this.url): Promise<number> {
    const res = await fetch(`${base}/api/health`);
    await res.arrayBuffer();
    return res.status;
  }

  async waitHealthy(base = this.url, timeoutMs = 40000): Promise<void> {
    const ok = await waitFor(async () => (await this.health(base)) === 200, timeoutMs, 150);
    if (!ok) {
      const tail = this.procs.flatMap((p) => p.lines.slice(-5).map((l) => `[${p.service}] ${l}`)).join('\n');
      throw new Error(`stack did not become healthy at ${base}\n${tail}`);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop(10000)));
    await this.redis?.stop(3000);
    await this.mongo?.stop(5000);
    await this.postgres?.stop(10000);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

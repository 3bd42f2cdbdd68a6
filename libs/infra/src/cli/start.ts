/**
 * `npm start`: build what changed (nothing when dist/ is newer than the sources and the lock
 * file), resolve Redis, MongoDB and PostgreSQL (given or embedded), then run auth, chat and
 * gateway as separate processes, each log line prefixed with its service — on a terminal
 * pretty-printed (pino-pretty), else the services' JSON as it is. Ctrl-C stops everything.
 */
import { join } from 'node:path';
import { prettyFactory } from 'pino-pretty';
import { buildChanged, dependenciesCurrent } from './builds';
import { InfraError } from '../errors';
import { resolveInfra, Infra } from '../resolve';
import { clearRunState, writeRunState } from '../run-state';
import { devSecret } from '../secrets';
import { repoRoot, ServiceName } from '../services';
import { Supervisor } from '../supervisor';

const COLORS: Record<string, string> = { auth: '35', chat: '36', gateway: '33', infra: '90', build: '32' };
const tty = process.stdout.isTTY;
/** A service's JSON log line made readable (pino-pretty), on a terminal only. */
const pretty = tty
  ? prettyFactory({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true })
  : undefined;

function readable(line: string): string {
  if (!pretty || !line.startsWith('{')) return line;
  try {
    return pretty(JSON.parse(line) as object).replace(/\n$/, '');
  } catch {
    return line;
  }
}

function out(service: string, line: string): void {
  const tag = `[${service}]`.padEnd(10);
  process.stdout.write(`${tty ? `\x1b[${COLORS[service] ?? '0'}m${tag}\x1b[0m` : tag}${readable(line)}\n`);
}

async function main(): Promise<void> {
  const root = repoRoot();
  const dataDir = process.env.HIHI_DATA_DIR || join(root, 'data');
  const production = process.env.NODE_ENV === 'production';
  let jwtSecret = process.env.JWT_SECRET;
  if (!jwtSecret) {
    if (production) throw new InfraError('JWT_SECRET is required when NODE_ENV=production (at least 32 characters).');
    jwtSecret = devSecret(join(dataDir, 'jwt-secret'));
  }

  const state: { infra?: Infra; supervisor?: Supervisor } = {};
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    out('infra', 'stopping …');
    await state.supervisor?.stopAll();
    clearRunState(dataDir);
    await state.infra?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));

  if (!dependenciesCurrent(root)) {
    out('build', 'node_modules is older than package-lock.json: run `npm ci` (starting with what is installed)');
  } else {
    out('build', 'dependencies installed (node_modules matches package-lock.json)');
  }
  if (process.env.HIHI_SKIP_BUILD !== '1') {
    await buildChanged({ root, log: (l) => out('build', l) });
  }

  const infra = (state.infra = await resolveInfra({ dataDir, persistent: true, log: (l) => out('infra', l) }));
  for (const s of infra.started) out('infra', `started ${s}`);
  // the admin CLI finds these databases here while this server runs
  writeRunState(dataDir, {
    pid: process.pid,
    redisUrl: infra.redisUrl,
    mongoUrl: infra.mongoUrl,
    databaseUrl: infra.databaseUrl,
  });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: infra.redisUrl,
    MONGO_URL: infra.mongoUrl,
    DATABASE_URL: infra.databaseUrl,
    JWT_SECRET: jwtSecret,
    HIHI_DATA_DIR: dataDir,
    WEB_DIST: process.env.WEB_DIST || join(root, 'dist', 'apps', 'web', 'browser'),
  };
  const supervisor = (state.supervisor = new Supervisor({
    env,
    root,
    out,
    restart: true,
    onFatal: (name: ServiceName, code) => {
      out('infra', `${name} cannot start (exit ${code}); stopping everything`);
      void shutdown(typeof code === 'number' && code !== 0 ? code : 1);
    },
  }));
  supervisor.start('auth');
  supervisor.start('chat');
  supervisor.start('gateway');
}

main().catch((err: unknown) => {
  const msg = err instanceof InfraError ? err.message : `unexpected error: ${(err as Error)?.stack ?? String(err)}`;
  process.stderr.write(`[infra] ${msg}\n`);
  process.exit(1);
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@hihi/infra';
import { BUILD_TARGETS } from '../../libs/infra/src/cli/builds';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
  environment?: Record<string, string>;
  volumes?: unknown[];
}

/** `docker-compose config` (no Docker engine needed) parsed to JSON. */
function composeConfig(env: NodeJS.ProcessEnv): {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
} {
  const yaml = execFileSync('docker-compose', ['config'], {
    cwd: repoRoot(),
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  const json = execFileSync('python3', ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
    input: yaml,
    encoding: 'utf8',
  });
  return JSON.parse(json);
}

describe('docker compose stack', () => {
  const cfg = composeConfig({ JWT_SECRET: 'x'.repeat(48), POSTGRES_PASSWORD: 'p'.repeat(24) });

  it('validates and names every service with a health check and a restart policy', () => {
    expect(Object.keys(cfg.services).sort()).toEqual(['auth', 'chat', 'gateway', 'lb', 'mongo', 'postgres', 'redis']);
    for (const [name, svc] of Object.entries(cfg.services)) {
      expect({ name, healthcheck: (svc.healthcheck?.test?.length ?? 0) > 1 }).toEqual({ name, healthcheck: true });
      expect(svc.restart).toBe('unless-stopped');
    }
  });

  it('starts each service once its own database and Redis are healthy (each service owns its database)', () => {
    const deps = (name: string) => Object.keys(cfg.services[name].depends_on ?? {}).sort();
    expect(deps('auth')).toEqual(['mongo', 'redis']);
    expect(deps('chat')).toEqual(['postgres', 'redis']);
    expect(deps('gateway')).toEqual(['redis']);
    for (const name of ['auth', 'chat', 'gateway']) {
      for (const dep of deps(name)) expect(cfg.services[name].depends_on?.[dep]?.condition).toBe('service_healthy');
      expect(cfg.services[name].environment?.NODE_ENV).toBe('production');
    }
    expect(cfg.services.auth.environment?.MONGO_URL).toMatch(/^mongodb:\/\/mongo:27017\//);
    expect(cfg.services.chat.environment?.DATABASE_URL).toBe(`postgres://hihi:${'p'.repeat(24)}@postgres:5432/hihi`);
    expect(cfg.services.chat.environment?.MONGO_URL).toBeUndefined();
    expect(cfg.services.lb.depends_on?.gateway?.condition).toBe('service_healthy');
    expect(Object.keys(cfg.volumes).sort()).toEqual(['mongo-data', 'postgres-data', 'redis-data', 'uploads']);
    // every gateway replica stores uploads on the one named volume
    expect(cfg.services.gateway.environment?.UPLOAD_DIR).toBe('/app/data/uploads');
    expect(JSON.stringify(cfg.services.gateway.volumes)).toContain('/app/data/uploads');
  });

  it('runs the same build artefacts as npm start', () => {
    const dockerfile = readFileSync(join(repoRoot(), 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('RUN npm run build');
    expect(dockerfile).toMatch(/^USER node$/m);
    const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    // npm start builds only what changed, each target with the command `npm run build` runs
    expect(pkg.scripts.start).toBe('node scripts/start.mjs');
    const buildScripts = `${pkg.scripts['build:server']} && ${pkg.scripts['build:web']}`;
    for (const t of BUILD_TARGETS) expect(buildScripts).toContain(`${t.bin} ${t.args.join(' ')}`);
    for (const name of ['auth', 'chat', 'gateway']) {
      expect(cfg.services[name].command).toEqual(['node', `dist/apps/${name}/apps/${name}/src/main.js`]);
    }
  });

  it.each(['JWT_SECRET', 'POSTGRES_PASSWORD'])('refuses to render without %s, naming it', (variable) => {
    let message = '';
    try {
      execFileSync('docker-compose', ['config', '-q'], {
        cwd: repoRoot(),
        env: { ...process.env, JWT_SECRET: 'x'.repeat(48), POSTGRES_PASSWORD: 'p'.repeat(24), [variable]: '' },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (err) {
      message = String((err as { stderr?: string }).stderr);
    }
    expect(message).toContain(variable);
  });
});

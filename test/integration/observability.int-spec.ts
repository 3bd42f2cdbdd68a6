import { spawnSync } from 'node:child_process';
import { serviceScript } from '@hihi/infra';
import { Stack } from '../support/stack';

interface LogLine {
  service?: string;
  correlationId?: string;
  msg?: string;
  pattern?: string;
}

function parse(lines: string[]): LogLine[] {
  return lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as LogLine];
    } catch {
      return [];
    }
  });
}

describe('observability and production mode (real processes)', () => {
  const stack = new Stack();
  beforeAll(() => stack.start(), 60000);
  afterAll(() => stack.stop(), 30000);

  it('logs JSON with the same correlation id in the gateway and in auth for one request', async () => {
    const correlationId = `corr-${Date.now()}`;
    const res = await fetch(`${stack.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
      body: JSON.stringify({ username: 'nobody-here', password: 'wrong-password-1' }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { correlationId: string };
    expect(body.correlationId).toBe(correlationId);
    await new Promise((r) => setTimeout(r, 300));
    const gw = parse(stack.proc('gateway').lines).filter((l) => l.correlationId === correlationId);
    const auth = parse(stack.proc('auth').lines).filter((l) => l.correlationId === correlationId);
    expect(gw.length).toBeGreaterThan(0);
    expect(gw[0].service).toBe('gateway');
    expect(auth.length).toBeGreaterThan(0);
    expect(auth[0].service).toBe('auth');
    // the password never reaches a log line
    const all = [...stack.proc('gateway').lines, ...stack.proc('auth').lines].join('\n');
    expect(all).not.toContain('wrong-password-1');
  });

  it('serves Prometheus metrics on the gateway, with bus and socket metrics', async () => {
    const res = await fetch(`${stack.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'hihi_sockets_connected',
      'hihi_messages_accepted_total',
      'hihi_messages_delivered_total',
      'hihi_send_ack_seconds_bucket',
      'hihi_fanout_seconds_bucket',
      'hihi_auth_outcomes_total',
      'hihi_rate_limit_hits_total',
      'hihi_bus_request_seconds_bucket',
      'hihi_bus_timeouts_total',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/hihi_bus_request_seconds_count\{[^}]*target="auth"[^}]*\} [1-9]/);
  });

  it('serves the OpenAPI document and Swagger UI at /api/docs', async () => {
    const ui = await fetch(`${stack.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const doc = (await (await fetch(`${stack.url}/api/docs/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/auth/login', '/api/auth/register']),
    );
  });

  it.each(['gateway', 'auth'] as const)(
    '%s refuses to start in production without JWT_SECRET, naming it',
    (service) => {
      const env: NodeJS.ProcessEnv = { ...stack.env, NODE_ENV: 'production' };
      delete env.JWT_SECRET;
      const r = spawnSync(process.execPath, [serviceScript(service)], { env, encoding: 'utf8', timeout: 20000 });
      expect(r.status).toBe(78);
      expect(r.stderr).toContain('JWT_SECRET is required when NODE_ENV=production');
    },
  );
});

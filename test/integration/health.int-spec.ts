import { Stack } from '../support/stack';
import { waitFor } from '@hihi/infra';

describe('foundation: health and resilience (real processes)', () => {
  const stack = new Stack();
  beforeAll(() => stack.start(), 60000);
  afterAll(() => stack.stop(), 30000);

  it('reports redis, mongo, auth and chat up', async () => {
    const { status, body } = await stack.health();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    for (const part of ['redis', 'mongo', 'auth', 'chat']) expect(body.details[part].status).toBe('up');
  });

  it('answers 503 naming auth within 5 s of auth being killed, and recovers without a gateway restart', async () => {
    const gateway = stack.proc('gateway');
    const auth = stack.proc('auth');
    auth.proc.kill('SIGKILL');
    await auth.exited;
    const killedAt = Date.now();
    let last: Awaited<ReturnType<Stack['health']>> | undefined;
    const down = await waitFor(
      async () => {
        last = await stack.health();
        return last.status === 503;
      },
      5000,
      100,
    );
    expect(down).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(5000);
    expect(last!.body.down).toContain('auth');
    expect(last!.body.details.auth.status).toBe('down');
    expect(last!.body.details.chat.status).toBe('up');

    stack.spawn('auth');
    await stack.waitHealthy(stack.url, 20000);
    expect(gateway.proc.exitCode).toBeNull();
    expect(stack.proc('gateway').proc.pid).toBe(gateway.proc.pid);
  }, 40000);

  it('gives the one error shape with a correlation id for unknown routes and bad JSON', async () => {
    const res = await fetch(`${stack.url}/api/nope`, { headers: { 'x-correlation-id': 'test-corr-1' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-correlation-id')).toBe('test-corr-1');
    expect(await res.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: expect.any(String),
      correlationId: 'test-corr-1',
    });
    const bad = await fetch(`${stack.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username": ',
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { correlationId: string; error: string };
    expect(body.error).toBe('Bad Request');
    expect(body.correlationId).toEqual(expect.any(String));
  });
});

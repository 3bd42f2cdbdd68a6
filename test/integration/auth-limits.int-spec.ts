/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON, checked by the assertions */
import Redis from 'ioredis';
import { freePort } from '@hihi/infra';
import { Stack } from '../support/stack';

/**
 * Rate limits of accounts, counted in Redis so that every gateway process shares them:
 * failed sign-ins per address, registrations, guest sessions and refreshes (429 + Retry-After).
 */
const stack = new Stack({
  env: {
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '100',
    LOGIN_MAX_FAILURES_PER_IP: '6',
    REGISTER_RATE_LIMIT: '3',
    GUEST_RATE_LIMIT: '3',
    REFRESH_RATE_LIMIT: '3',
    RATE_LIMIT_WINDOW_SEC: '120',
  },
});
let second = '';

async function post(
  base: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: any; retryAfter: number }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : undefined,
    retryAfter: Number(res.headers.get('retry-after') ?? 0),
  };
}

function expect429(r: { status: number; body: any; retryAfter: number }, maxWait: number): void {
  expect(r.status).toBe(429);
  expect(r.body).toEqual({
    statusCode: 429,
    error: 'Too Many Requests',
    message: expect.any(String),
    correlationId: expect.any(String),
  });
  expect(r.retryAfter).toBeGreaterThan(0);
  expect(r.retryAfter).toBeLessThanOrEqual(maxWait);
}

let n = 0;
const uniq = (p: string) => `${p}${Date.now().toString(36)}${n++}`;
const PASSWORD = 'correct horse battery staple';

beforeAll(async () => {
  await stack.start();
  const port = await freePort();
  stack.spawn('gateway', { PORT: String(port) });
  second = `http://127.0.0.1:${port}`;
  await stack.waitHealthy(second, 30000);
}, 90000);
afterAll(() => stack.stop(), 30000);

describe('rate limits shared by every gateway process', () => {
  it('refresh: over the limit per address → 429 with Retry-After, on the other gateway too', async () => {
    const reg = await post(stack.url, '/api/auth/register', { username: uniq('refresher'), password: PASSWORD });
    expect(reg.status).toBe(201);
    let token = reg.body.refreshToken as string;
    for (let i = 0; i < 3; i++) {
      const r = await post(i % 2 ? second : stack.url, '/api/auth/refresh', { refreshToken: token });
      expect(r.status).toBe(200);
      token = r.body.refreshToken;
    }
    expect429(await post(stack.url, '/api/auth/refresh', { refreshToken: token }), 120);
    expect429(await post(second, '/api/auth/refresh', { refreshToken: token }), 120);
  });

  it('register: over the limit per address → 429 with Retry-After, on the other gateway too', async () => {
    // one registration was made above
    expect((await post(second, '/api/auth/register', { username: uniq('r'), password: PASSWORD })).status).toBe(201);
    expect((await post(stack.url, '/api/auth/register', { username: uniq('r'), password: PASSWORD })).status).toBe(201);
    expect429(await post(stack.url, '/api/auth/register', { username: uniq('r'), password: PASSWORD }), 120);
    expect429(await post(second, '/api/auth/register', { username: uniq('r'), password: PASSWORD }), 120);
  });

  it('guest: over the limit per address → 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i++)
      expect((await post(i % 2 ? second : stack.url, '/api/auth/guest', {})).status).toBe(201);
    expect429(await post(stack.url, '/api/auth/guest', {}), 120);
    expect429(await post(second, '/api/auth/guest', { nickname: 'again' }), 120);
  });

  it('failed sign-ins per address: after the limit every sign-in from it gets 429 (any account, any gateway)', async () => {
    for (let i = 0; i < 6; i++) {
      const r = await post(i % 2 ? second : stack.url, '/api/auth/login', {
        username: uniq('spray'),
        password: `wrong-${i}-password`,
      });
      expect(r.status).toBe(401);
    }
    expect429(await post(stack.url, '/api/auth/login', { username: uniq('spray'), password: PASSWORD }), 900);
    expect429(await post(second, '/api/auth/login', { username: 'refresher', password: PASSWORD }), 900);
  });

  it('counters live in Redis under REDIS_PREFIX, with an expiry', async () => {
    const redis = new Redis(stack.redisUrl);
    try {
      const keys = await redis.keys('hihi:rl:*');
      expect(keys.length).toBeGreaterThanOrEqual(4);
      for (const k of keys) expect(await redis.ttl(k)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});

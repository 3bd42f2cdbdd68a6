/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON, checked by the assertions */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startMongo, StartedMongo } from '@hihi/infra';
import { Stack } from '../support/stack';

/**
 * A user registered before a full restart of every process, the database included, can still
 * sign in afterwards (and a remembered session survives). The database is started here on a
 * kept data folder and handed to each Stack through MONGO_URL (which the harness honours).
 */
const dir = mkdtempSync(join(tmpdir(), 'hihi-restart-'));
const dbName = `hihi_restart_${randomBytes(3).toString('hex')}`;
const JWT_SECRET = randomBytes(32).toString('hex');
const quiet = () => undefined;

async function withDatabase<T>(fn: (mongo: StartedMongo) => Promise<T>): Promise<T> {
  const mongo = await startMongo(join(dir, 'mongo'), dbName, quiet);
  try {
    return await fn(mongo);
  } finally {
    await mongo.proc.stop(10000);
  }
}

async function withStack<T>(mongoUrl: string, fn: (stack: Stack) => Promise<T>): Promise<T> {
  const before = process.env.MONGO_URL;
  process.env.MONGO_URL = mongoUrl;
  const stack = new Stack({ env: { JWT_SECRET } });
  try {
    await stack.start();
    return await fn(stack);
  } finally {
    if (before === undefined) delete process.env.MONGO_URL;
    else process.env.MONGO_URL = before;
    await stack.stop();
  }
}

async function post(base: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a user registered before a full restart (every process and the database) can still sign in', async () => {
  const username = `Persist${Date.now().toString(36)}`;
  const password = 'survives a restart 2024';

  const before = await withDatabase((mongo) =>
    withStack(mongo.url, async (stack) => {
      const reg = await post(stack.url, '/api/auth/register', { username, password, rememberMe: true });
      expect(reg.status).toBe(201);
      return reg.body as { user: { id: string }; refreshToken: string };
    }),
  );

  await withDatabase((mongo) =>
    withStack(mongo.url, async (stack) => {
      const login = await post(stack.url, '/api/auth/login', { username: username.toLowerCase(), password });
      expect(login.status).toBe(200);
      expect(login.body.user.id).toBe(before.user.id);
      expect((await post(stack.url, '/api/auth/login', { username, password: `${password}!` })).status).toBe(401);
      // "remember me" outlives the restart too
      const refreshed = await post(stack.url, '/api/auth/refresh', { refreshToken: before.refreshToken });
      expect(refreshed.status).toBe(200);
      // and the username is still taken
      expect((await post(stack.url, '/api/auth/register', { username: username.toUpperCase(), password })).status).toBe(
        409,
      );
    }),
  );
}, 180000);

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON, checked by the assertions */
import mongoose from 'mongoose';
import { Secret, TOTP } from 'otpauth';
import { Stack } from '../support/stack';
import { SoftAuthenticator } from '../support/soft-authenticator';

/**
 * Passkeys with real processes (SPEC §12) and a software authenticator made from node:crypto:
 * creation options ask for a resident key and user verification; several passkeys per account,
 * named, listed, revoked; sign-in with no username and no second factor even with TOTP on; a
 * replayed assertion, a wrong origin, a revoked passkey and a counter that goes back are refused.
 */
const stack = new Stack({ env: { LOGIN_MAX_FAILURES_PER_IP: '100000', REGISTER_RATE_LIMIT: '100000' } });

async function req<T = any>(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
const post = <T = any>(path: string, body?: unknown, token?: string) => req<T>('POST', path, body, token);

let seq = 0;
const uniq = (p = 'pk') => `${p}${Date.now().toString(36)}${(seq++).toString(36)}`;
const PASSWORD = 'correct horse battery staple';

async function account() {
  const r = await post('/api/auth/register', { username: uniq(), password: PASSWORD });
  expect(r.status).toBe(201);
  return r.body as { user: { id: string; username: string }; accessToken: string };
}

async function enrol(token: string, auth: SoftAuthenticator, name?: string) {
  const options = await post('/api/me/passkeys/options', undefined, token);
  expect(options.status).toBe(200);
  const created = await post('/api/me/passkeys', { credential: auth.create(options.body), name }, token);
  return { options: options.body, created };
}

async function signIn(auth: SoftAuthenticator, overrides: { origin?: string } = {}) {
  const options = await post('/api/auth/passkey/options');
  expect(options.status).toBe(200);
  const credential = auth.get(options.body, overrides);
  return { credential, res: await post('/api/auth/passkey', { credential }) };
}

let db: mongoose.Connection;
beforeAll(async () => {
  await stack.start();
  db = await mongoose.createConnection(stack.mongoUrl).asPromise();
}, 90000);
afterAll(async () => {
  await db?.close();
  await stack.stop();
}, 30000);

describe('passkeys', () => {
  it('creation options: resident key and user verification required, RP id localhost, the user handle', async () => {
    const a = await account();
    const { options, created } = await enrol(a.accessToken, new SoftAuthenticator(stack.url), 'laptop');
    expect(options.rp).toEqual({ id: 'localhost', name: expect.any(String) });
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(Buffer.from(options.user.id, 'base64url').toString('hex')).toBe(a.user.id);
    expect(options.user.name).toBe(a.user.username);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[a-f0-9]{24}$/),
      name: 'laptop',
      createdAt: expect.any(String),
      backupEligible: false,
      backedUp: false,
    });
  });

  it('several per account, listed and named; counters and backup flags stored; revoked ones stop signing in', async () => {
    const a = await account();
    const laptop = new SoftAuthenticator(stack.url);
    const phone = new SoftAuthenticator(stack.url, { backup: true, counting: false });
    expect((await enrol(a.accessToken, laptop, 'laptop')).created.status).toBe(201);
    const second = await enrol(a.accessToken, phone, '手机');
    expect(second.created.status).toBe(201);
    expect(second.created.body).toMatchObject({ name: '手机', backupEligible: true, backedUp: true });
    // the second creation excluded the first credential
    expect(second.options.excludeCredentials).toEqual([expect.objectContaining({ id: laptop.id })]);

    const list = await req('GET', '/api/me/passkeys', undefined, a.accessToken);
    expect(list.body.map((p: any) => p.name)).toEqual(['laptop', '手机']);

    expect((await signIn(laptop)).res.status).toBe(200);
    expect((await signIn(laptop)).res.status).toBe(200);
    const stored = await db.collection('passkeys').findOne({ credentialId: laptop.id });
    expect(stored).toMatchObject({ counter: 2, deviceType: 'singleDevice', backedUp: false, userId: a.user.id });
    expect((await signIn(phone)).res.status).toBe(200); // counter 0 (synced passkeys do not count)

    const del = await req('DELETE', `/api/me/passkeys/${list.body[0].id}`, undefined, a.accessToken);
    expect(del.status).toBe(204);
    expect((await signIn(laptop)).res.status).toBe(401);
    expect((await req('DELETE', `/api/me/passkeys/${list.body[0].id}`, undefined, a.accessToken)).status).toBe(404);
    // another account cannot revoke someone else's passkey
    const b = await account();
    expect((await req('DELETE', `/api/me/passkeys/${list.body[1].id}`, undefined, b.accessToken)).status).toBe(404);
    expect((await req('GET', '/api/me/passkeys', undefined, a.accessToken)).body).toHaveLength(1);
  });

  it('signs in with no username and no second factor, even with TOTP on', async () => {
    const a = await account();
    const auth = new SoftAuthenticator(stack.url);
    await enrol(a.accessToken, auth);
    const enrolTotp = await post('/api/me/2fa/totp', undefined, a.accessToken);
    const c = TOTP.generate({ secret: Secret.fromBase32(enrolTotp.body.secret), timestamp: Date.now() });
    expect((await post('/api/me/2fa/totp/confirm', { code: c }, a.accessToken)).status).toBe(200);
    expect((await post('/api/auth/login', { username: a.user.username, password: PASSWORD })).body.mfaRequired).toBe(
      true,
    );
    const { res } = await signIn(auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      user: { id: a.user.id, username: a.user.username },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(res.body.mfaRequired).toBeUndefined();
    expect((await req('GET', '/api/me', undefined, res.body.accessToken)).status).toBe(200);
    expect((await post('/api/auth/refresh', { refreshToken: res.body.refreshToken })).status).toBe(200);
  });

  it('a replayed assertion is refused (its challenge is spent), and so is one for another origin', async () => {
    const a = await account();
    const auth = new SoftAuthenticator(stack.url);
    await enrol(a.accessToken, auth);
    const first = await signIn(auth);
    expect(first.res.status).toBe(200);
    const replay = await post('/api/auth/passkey', { credential: first.credential });
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'this passkey could not be verified',
      correlationId: expect.any(String),
    });
    expect((await signIn(auth, { origin: 'https://evil.example' })).res.status).toBe(401);
  });

  it('a counter that goes back (a cloned authenticator) is refused', async () => {
    const a = await account();
    const auth = new SoftAuthenticator(stack.url);
    await enrol(a.accessToken, auth);
    expect((await signIn(auth)).res.status).toBe(200);
    expect((await signIn(auth)).res.status).toBe(200);
    await db.collection('passkeys').updateOne({ credentialId: auth.id }, { $set: { counter: 50 } });
    expect((await signIn(auth)).res.status).toBe(401);
  });

  it('bad input is 400, never a crash; guests and strangers cannot enrol', async () => {
    const a = await account();
    for (const body of [{}, { credential: 'x' }, { credential: { id: 'a', rawId: 'a', type: 'other' } }]) {
      const r = await post('/api/auth/passkey', body);
      expect(r.status).toBe(400);
    }
    expect((await post('/api/me/passkeys/options')).status).toBe(401);
    const guest = await post('/api/auth/guest', {});
    expect((await post('/api/me/passkeys/options', undefined, guest.body.accessToken)).status).toBe(403);
    // a registration response for a challenge never handed out
    const bogus = new SoftAuthenticator(stack.url).create({
      challenge: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      rp: { id: 'localhost', name: 'x' },
      user: { id: 'AAAA', name: 'x' },
    });
    expect((await post('/api/me/passkeys', { credential: bogus }, a.accessToken)).status).toBe(400);
  });
});

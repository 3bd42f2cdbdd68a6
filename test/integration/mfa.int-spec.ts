/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON, checked by the assertions */
import mongoose from 'mongoose';
import { Secret, TOTP } from 'otpauth';
import { Stack } from '../support/stack';

/**
 * TOTP two-factor with real processes (SPEC §12): enrolment (otpauth URL, confirm → 10 recovery
 * codes stored hashed), the two-step sign-in, a code accepted once (replay refused), codes of
 * the step before/after accepted and of two steps away refused, recovery codes once, wrong codes
 * counted by the sign-in limits (429), and turning it off. The test is the clock's master: it
 * makes every code itself for the time it chooses (now, one step back, two steps back), keeping
 * clear of step boundaries so the server's clock lands in the same step.
 */
const stack = new Stack({
  env: {
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '5',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    REGISTER_RATE_LIMIT: '100000',
    HIHI_ADMINS: 'boss2fa,other2fa',
  },
});

interface Res<T = any> {
  status: number;
  body: T;
}
async function req<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<Res<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const post = <T = any>(path: string, body?: unknown, token?: string) => req<T>('POST', path, body, token);
const patch = <T = any>(path: string, body?: unknown, token?: string) => req<T>('PATCH', path, body, token);

let seq = 0;
const uniq = (p = 'mfa') => `${p}${Date.now().toString(36)}${(seq++).toString(36)}`;
const PASSWORD = 'correct horse battery staple';
const STEP_MS = 30_000;

function code(secret: string, atMs: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: atMs,
  });
}
/** Now, but at least 4 s away from a step boundary (waits when closer), so server and test agree. */
async function steadyNow(): Promise<number> {
  const into = Date.now() % STEP_MS;
  if (into > STEP_MS - 4000) await new Promise((r) => setTimeout(r, STEP_MS - into + 1000));
  else if (into < 1000) await new Promise((r) => setTimeout(r, 1000 - into));
  return Date.now();
}
/** An account with TOTP on, confirmed with the code of `confirmAt` (default: now). */
async function registerWithTotp(
  confirmAt?: (now: number) => number,
): Promise<{ username: string; token: string; secret: string; recovery: string[]; now: number }> {
  const username = uniq();
  const reg = await post('/api/auth/register', { username, password: PASSWORD });
  expect(reg.status).toBe(201);
  const enrol = await post('/api/me/2fa/totp', undefined, reg.body.accessToken);
  expect(enrol.status).toBe(201);
  const secret = enrol.body.secret as string;
  const now = await steadyNow();
  const at = confirmAt ? confirmAt(now) : now;
  const confirm = await post('/api/me/2fa/totp/confirm', { code: code(secret, at) }, reg.body.accessToken);
  expect(confirm.status).toBe(200);
  return { username, token: reg.body.accessToken, secret, recovery: confirm.body.recoveryCodes, now };
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

describe('TOTP enrolment', () => {
  it('enrol → {secret, otpauthUrl}; a wrong code is refused; the right one turns it on with 10 recovery codes, stored hashed', async () => {
    const username = uniq();
    const reg = await post('/api/auth/register', { username, password: PASSWORD });
    const token = reg.body.accessToken as string;
    expect((await req('GET', '/api/me/2fa', undefined, token)).body).toEqual({
      totp: false,
      recoveryCodesLeft: 0,
      passkeys: 0,
    });
    const enrol = await post('/api/me/2fa/totp', undefined, token);
    expect(enrol.status).toBe(201);
    expect(enrol.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(enrol.body.otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(enrol.body.secret);
    expect(url.searchParams.get('period')).toBe('30');
    expect(decodeURIComponent(url.pathname)).toContain(username);

    const now = await steadyNow();
    const wrong = await post('/api/me/2fa/totp/confirm', { code: code(enrol.body.secret, now - 3 * STEP_MS) }, token);
    expect(wrong.status).toBe(400);
    expect((await post('/api/me/2fa/totp/confirm', { code: 'abcdef' }, token)).status).toBe(400);

    const ok = await post('/api/me/2fa/totp/confirm', { code: code(enrol.body.secret, now) }, token);
    expect(ok.status).toBe(200);
    expect(ok.body.recoveryCodes).toHaveLength(10);
    for (const c of ok.body.recoveryCodes) expect(c).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(new Set(ok.body.recoveryCodes).size).toBe(10);
    expect((await req('GET', '/api/me/2fa', undefined, token)).body).toMatchObject({
      totp: true,
      recoveryCodesLeft: 10,
    });

    // stored: the secret sealed, the recovery codes as hashes only
    const userId = reg.body.user.id as string;
    const factor = await db.collection('mfa_totp').findOne({ userId });
    expect(factor?.enabled).toBe(true);
    expect(JSON.stringify(factor)).not.toContain(enrol.body.secret);
    const stored = await db.collection('mfa_recovery_codes').find({ userId }).toArray();
    expect(stored).toHaveLength(10);
    const all = JSON.stringify(stored);
    for (const c of ok.body.recoveryCodes) {
      expect(all).not.toContain(c);
      expect(all).not.toContain(c.replace(/-/g, ''));
    }
    // enrolling again while on: 409
    expect((await post('/api/me/2fa/totp', undefined, token)).status).toBe(409);
  }, 60000);

  it('needs an account: 401 without a token, 403 for a guest', async () => {
    expect((await post('/api/me/2fa/totp')).status).toBe(401);
    const guest = await post('/api/auth/guest', {});
    expect((await post('/api/me/2fa/totp', undefined, guest.body.accessToken)).status).toBe(403);
  });
});

describe('two-step sign-in', () => {
  it('login answers {mfaRequired, mfaToken, methods} and no tokens; login/mfa with the code gives tokens; the same code again is refused', async () => {
    const a = await registerWithTotp();
    const now = a.now + STEP_MS; // the confirm code's step is used: the next step's code (drift +1)
    const first = await post('/api/auth/login', { username: a.username, password: PASSWORD, rememberMe: true });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String), methods: ['totp', 'recovery'] });
    expect(first.body.accessToken).toBeUndefined();
    // the mfaToken is no access token
    expect((await req('GET', '/api/me', undefined, first.body.mfaToken)).status).toBe(401);

    const c = code(a.secret, now);
    const second = await post('/api/auth/login/mfa', { mfaToken: first.body.mfaToken, code: c });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      user: { username: a.username },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      rememberMe: true,
    });
    expect((await req('GET', '/api/me', undefined, second.body.accessToken)).status).toBe(200);

    // replay: the same code, even with a fresh password step, is refused
    const again = await post('/api/auth/login', { username: a.username, password: PASSWORD });
    const replay = await post('/api/auth/login/mfa', { mfaToken: again.body.mfaToken, code: c });
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'wrong or expired code',
      correlationId: expect.any(String),
    });
  }, 90000);

  it('codes of the step before and after are accepted (drift), each once and only forward; two steps away refused', async () => {
    const a = await registerWithTotp((now) => now - STEP_MS); // confirmed with last step's code
    const now = a.now;
    const login = async () => (await post('/api/auth/login', { username: a.username, password: PASSWORD })).body;
    const mfa = async (at: number) =>
      post('/api/auth/login/mfa', { mfaToken: (await login()).mfaToken, code: code(a.secret, at) });
    expect((await mfa(now - 2 * STEP_MS)).status).toBe(401); // two steps back: outside the window
    expect((await mfa(now + 2 * STEP_MS)).status).toBe(401); // two steps ahead: outside the window
    expect((await mfa(now - STEP_MS)).status).toBe(401); // the confirm code itself: used
    expect((await mfa(now)).status).toBe(200);
    expect((await mfa(now + STEP_MS)).status).toBe(200);
    expect((await mfa(now)).status).toBe(401); // older than the last accepted: refused
    const bad = await post('/api/auth/login', { username: a.username, password: 'not the password at all' });
    expect(bad.status).toBe(401);
    expect(bad.body.mfaRequired).toBeUndefined();
  }, 60000);

  it('a recovery code signs in once; the same code again is refused', async () => {
    const a = await registerWithTotp();
    const login = async () => (await post('/api/auth/login', { username: a.username, password: PASSWORD })).body;
    const rc = a.recovery[3];
    const one = await post('/api/auth/login/mfa', {
      mfaToken: (await login()).mfaToken,
      recoveryCode: rc.toUpperCase(),
    });
    expect(one.status).toBe(200);
    expect(one.body.accessToken).toEqual(expect.any(String));
    const two = await post('/api/auth/login/mfa', { mfaToken: (await login()).mfaToken, recoveryCode: rc });
    expect(two.status).toBe(401);
    expect((await req('GET', '/api/me/2fa', undefined, one.body.accessToken)).body.recoveryCodesLeft).toBe(9);
  }, 60000);

  it('malformed second steps are 400; a forged or foreign mfaToken is 401', async () => {
    const a = await registerWithTotp();
    const { mfaToken } = (await post('/api/auth/login', { username: a.username, password: PASSWORD })).body;
    expect((await post('/api/auth/login/mfa', { mfaToken })).status).toBe(400);
    expect((await post('/api/auth/login/mfa', { mfaToken, code: '12345' })).status).toBe(400);
    expect((await post('/api/auth/login/mfa', { mfaToken, code: '123456', recoveryCode: a.recovery[0] })).status).toBe(
      400,
    );
    expect((await post('/api/auth/login/mfa', { mfaToken: a.token, code: '123456' })).status).toBe(401);
    expect((await post('/api/auth/login/mfa', { mfaToken: `${mfaToken}x`, code: '123456' })).status).toBe(401);
  }, 60000);

  it('wrong codes count toward the sign-in limits: after LOGIN_MAX_FAILURES_PER_ACCOUNT, 429 with Retry-After, even for the right code', async () => {
    const a = await registerWithTotp();
    const now = a.now + STEP_MS;
    const { mfaToken } = (await post('/api/auth/login', { username: a.username, password: PASSWORD })).body;
    const wrong = code(a.secret, now) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await post('/api/auth/login/mfa', { mfaToken, code: wrong })).status).toBe(401);
    const res = await fetch(`${stack.url}/api/auth/login/mfa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mfaToken, code: code(a.secret, now) }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // a right password does not reset the count (the password step settles nothing with 2FA on)
    const pw = await post('/api/auth/login', { username: a.username, password: PASSWORD });
    expect(pw.status).toBe(429);
  }, 90000);
});

describe('turning TOTP off', () => {
  it('needs the password and a code; afterwards login gives tokens in one step', async () => {
    const a = await registerWithTotp();
    const now = a.now + STEP_MS;
    const wrongPw = await req(
      'DELETE',
      '/api/me/2fa/totp',
      { password: 'not the password!', code: code(a.secret, now) },
      a.token,
    );
    expect(wrongPw.status).toBe(401);
    const off = await req('DELETE', '/api/me/2fa/totp', { password: PASSWORD, code: a.recovery[0] }, a.token);
    expect(off.status).toBe(204);
    const login = await post('/api/auth/login', { username: a.username, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.accessToken).toEqual(expect.any(String));
    expect(login.body.mfaRequired).toBeUndefined();
    expect(await db.collection('mfa_recovery_codes').countDocuments({ userId: login.body.user.id })).toBe(0);
  }, 90000);
});

describe('require2fa: server moderators and above must have a second factor (SPEC §12)', () => {
  it('an admin without a factor cannot turn it on; with one it is on; a moderator without one is asked to enrol at sign-in and other admins lose admin powers until they enrol', async () => {
    // an admin (HIHI_ADMINS) with no factor may not require one of admins: it would lock them out
    const bossReg = await post('/api/auth/register', { username: 'boss2fa', password: PASSWORD });
    expect(bossReg.status).toBe(201);
    expect(['owner', 'admin']).toContain(bossReg.body.user.role);
    const early = await patch('/api/admin/settings', { require2fa: true }, bossReg.body.accessToken);
    expect(early.status).toBe(409);
    expect(await patch('/api/admin/settings', { require2fa: 'yes' }, bossReg.body.accessToken)).toMatchObject({
      status: 400,
    });

    // enrol TOTP, then turn the setting on
    const enrol = await post('/api/me/2fa/totp', undefined, bossReg.body.accessToken);
    const now = await steadyNow();
    const confirm = await post(
      '/api/me/2fa/totp/confirm',
      { code: code(enrol.body.secret, now) },
      bossReg.body.accessToken,
    );
    expect(confirm.status).toBe(200);
    const on = await patch('/api/admin/settings', { require2fa: true }, bossReg.body.accessToken);
    expect(on.status).toBe(200);
    expect(on.body.require2fa).toBe(true);

    // a member made moderator: signing in with the password alone gives tokens and the request to enrol
    const modName = uniq('mod');
    const modReg = await post('/api/auth/register', { username: modName, password: PASSWORD });
    const role = await patch(
      `/api/admin/users/${modReg.body.user.id}`,
      { role: 'moderator' },
      bossReg.body.accessToken,
    );
    expect(role.status).toBe(200);
    const modLogin = await post('/api/auth/login', { username: modName, password: PASSWORD });
    expect(modLogin.status).toBe(200);
    expect(modLogin.body.enrolSecondFactor).toBe(true);
    expect(modLogin.body.accessToken).toEqual(expect.any(String));

    // a plain member is not asked
    const memberName = uniq('mem');
    await post('/api/auth/register', { username: memberName, password: PASSWORD });
    const memberLogin = await post('/api/auth/login', { username: memberName, password: PASSWORD });
    expect(memberLogin.status).toBe(200);
    expect(memberLogin.body.enrolSecondFactor).toBeUndefined();

    // another admin without a factor: asked to enrol, and the admin API refuses them until they do
    const other = await post('/api/auth/register', { username: 'other2fa', password: PASSWORD });
    expect(other.body.user.role).toBe('admin');
    const otherLogin = await post('/api/auth/login', { username: 'other2fa', password: PASSWORD });
    expect(otherLogin.body.enrolSecondFactor).toBe(true);
    const refused = await req('GET', '/api/admin/users', undefined, otherLogin.body.accessToken);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/second factor/);
    const otherEnrol = await post('/api/me/2fa/totp', undefined, otherLogin.body.accessToken);
    const now2 = await steadyNow();
    expect(
      (
        await post(
          '/api/me/2fa/totp/confirm',
          { code: code(otherEnrol.body.secret, now2) },
          otherLogin.body.accessToken,
        )
      ).status,
    ).toBe(200);
    expect((await req('GET', '/api/admin/users', undefined, otherLogin.body.accessToken)).status).toBe(200);

    // the enrolments are in the audit log, one entry each, the person as actor and target
    const audit = await req('GET', '/api/admin/audit?action=signin.totp.enabled', undefined, bossReg.body.accessToken);
    expect(audit.status).toBe(200);
    const mine = (audit.body.entries as any[]).filter((e) => ['boss2fa', 'other2fa'].includes(e.actor.username));
    expect(mine).toHaveLength(2);
    for (const e of mine) expect(e.target).toMatchObject({ type: 'user', id: e.actor.id });

    expect((await patch('/api/admin/settings', { require2fa: false }, bossReg.body.accessToken)).status).toBe(200);
  }, 120000);
});

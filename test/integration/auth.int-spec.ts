/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON, checked by the assertions */
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import { waitFor } from '@hihi/infra';
import { BusClient, RedisRpcClient } from '@hihi/common/bus';
import { AUTH_PATTERNS, JWT_AUDIENCE, JWT_ISSUER } from '@hihi/contracts';
import { Stack } from '../support/stack';

/**
 * Accounts (real processes, real database): register, sign in, remember me, refresh rotation
 * with reuse detection, guests, token checks, and the attacks the issue lists.
 */

interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
  ms: number;
}

const stack = new Stack({
  env: {
    // this file tests per-account limits; per-address and rate limits are in auth-limits.int-spec.ts
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    REGISTER_RATE_LIMIT: '100000',
    GUEST_RATE_LIMIT: '100000',
    REFRESH_RATE_LIMIT: '100000',
  },
});

async function req<T = any>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Res<T>> {
  const started = Date.now();
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${stack.url}${path}`, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers, ms: Date.now() - started };
}
const post = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
  req<T>('POST', path, body, headers);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let seq = 0;
const uniq = (p = 'u') => `${p}${Date.now().toString(36)}${(seq++).toString(36)}`;
const GOOD_PASSWORD = 'correct horse battery staple';

async function register(username = uniq(), password = GOOD_PASSWORD, extra: object = {}) {
  const r = await post('/api/auth/register', { username, password, ...extra });
  expect(r.status).toBe(201);
  return r.body as {
    user: any;
    accessToken: string;
    refreshToken: string;
    expiresIn: number;
    rememberMe: boolean;
    refreshExpiresIn: number;
  };
}

/** The one error shape (docs/api.md), with no stack trace or internals. */
function expectErrorShape(r: Res, status: number): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({
    statusCode: status,
    error: expect.any(String),
    message: expect.anything(),
    correlationId: expect.any(String),
  });
  const text = JSON.stringify(r.body);
  expect(text).not.toMatch(/\bat .*\(|node_modules|\.ts:\d|\.js:\d|Mongo|argon2\$|\$argon2/);
}

/** `$argon2id$v=19$m=19456,t=2,p=1$salt$hash` (the order of m, t, p is free in PHC) → its parts. */
function phcParams(hash: string): Record<string, string> {
  const m = /^\$(argon2id)\$v=(\d+)\$([a-z]=\d+(?:,[a-z]=\d+)*)\$[A-Za-z0-9+/]{16,}\$[A-Za-z0-9+/]{32,}$/.exec(hash);
  if (!m) throw new Error(`not an argon2id PHC string: ${hash}`);
  return { algorithm: m[1], version: m[2], ...Object.fromEntries(m[3].split(',').map((kv) => kv.split('='))) };
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

describe('register', () => {
  it('201 with user, access token (HS256, iss, aud, exp ≤ 15 min, use=access) and a refresh token', async () => {
    const username = uniq('Reg');
    const r = await post('/api/auth/register', { username, password: GOOD_PASSWORD });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      // the file's first account is the server's owner (SPEC §7), later ones members
      user: {
        id: expect.stringMatching(/^[a-f0-9]{24}$/),
        username,
        displayName: username,
        guest: false,
        role: expect.stringMatching(/^(owner|member)$/),
      },
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/),
      expiresIn: expect.any(Number),
      rememberMe: false,
      refreshExpiresIn: expect.any(Number),
    });
    expect(r.body.expiresIn).toBeLessThanOrEqual(900);
    expect(r.body.refreshExpiresIn).toBeLessThanOrEqual(12 * 3600);
    expect(r.body.refreshExpiresIn).toBeGreaterThan(12 * 3600 - 60);
    const decoded = jwt.decode(r.body.accessToken, { complete: true }) as jwt.Jwt;
    expect(decoded.header.alg).toBe('HS256');
    const p = decoded.payload as jwt.JwtPayload;
    expect(p).toMatchObject({ iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub: r.body.user.id, use: 'access', username });
    expect(p.exp! - p.iat!).toBeLessThanOrEqual(900);
    expect(JSON.stringify(r.body)).not.toMatch(/password|argon/i);
  });

  it('displayName is optional (defaults to the username), trimmed, 1-64 chars, no control characters', async () => {
    const a = await register(uniq(), GOOD_PASSWORD, { displayName: '  Alice Liddell  ' });
    expect(a.user.displayName).toBe('Alice Liddell');
    for (const displayName of [
      '',
      '   ',
      'x'.repeat(65),
      'bad\u0000name',
      'bell\u0007',
      'rtl\u202Eoverride',
      42,
      ['a'],
      { $ne: null },
    ]) {
      const r = await post('/api/auth/register', { username: uniq(), password: GOOD_PASSWORD, displayName });
      expectErrorShape(r, 400);
    }
  });

  it('Chinese username 小明 works (register, sign in, /api/me)', async () => {
    const r = await register('小明', GOOD_PASSWORD);
    expect(r.user.username).toBe('小明');
    const l = await post('/api/auth/login', { username: '小明', password: GOOD_PASSWORD });
    expect(l.status).toBe(200);
    const me = await req('GET', '/api/me', undefined, bearer(l.body.accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: r.user.id, username: '小明', displayName: '小明', guest: false, role: 'member' });
  });

  it('refuses bad usernames with 400: too short, too long, spaces, symbols, HTML', async () => {
    for (const username of [
      'ab',
      'x'.repeat(33),
      'a b c',
      'semi;colon',
      '<script>',
      'tab\there',
      'emoji😀x',
      '',
      'ok@mail',
    ]) {
      const r = await post('/api/auth/register', { username, password: GOOD_PASSWORD });
      expectErrorShape(r, 400);
      expect(JSON.stringify(r.body.message)).toMatch(/username/);
    }
    // 2 Chinese characters (width 4) are enough; 1 is not; 32 letters of any script are fine
    expectErrorShape(await post('/api/auth/register', { username: '明', password: GOOD_PASSWORD }), 400);
    await register('名'.repeat(32));
    await register('Ωμέγα');
    await register(`a.b-c_${uniq()}`.slice(0, 32));
  });

  it('usernames are unique without regard to case (409), and NFKC-equivalent forms collide', async () => {
    const base = uniq('Bob');
    await register(base);
    const dup = await post('/api/auth/register', { username: base.toUpperCase(), password: GOOD_PASSWORD });
    expectErrorShape(dup, 409);
    expect(dup.body.message).toMatch(/taken/);
    const wide = [...base.toLowerCase()]
      .map((c) => (/[a-z0-9]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c))
      .join('');
    const full = await post('/api/auth/register', { username: wide, password: GOOD_PASSWORD });
    expectErrorShape(full, 409);
  });

  it('concurrent registrations of Alice and alice: exactly one 201 and one 409', async () => {
    const name = uniq('Alice');
    for (let round = 0; round < 3; round++) {
      const n = `${name}${round}`;
      const [a, b] = await Promise.all([
        post('/api/auth/register', { username: n, password: GOOD_PASSWORD }),
        post('/api/auth/register', { username: n.toLowerCase(), password: GOOD_PASSWORD }),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
    }
  });

  it('bot names are reserved, compared normalised (409)', async () => {
    for (const username of ['duck', 'DUCK', 'Duck', 'ｄｕｃｋ', '小黄鸭', 'system', 'guest-1234']) {
      const r = await post('/api/auth/register', { username, password: GOOD_PASSWORD });
      expectErrorShape(r, 409);
    }
  });

  it('passwords: 8-128 characters, common ones refused (case-insensitively), not the username', async () => {
    const cases: [unknown, RegExp][] = [
      ['short7!', /8-128/],
      ['x'.repeat(129), /8-128/],
      ['password', /common/],
      ['PASSWORD1', /common/],
      ['Password123', /common/],
      ['qwertyuiop', /common/],
      ['iloveyou', /common/],
      ['12345678', /common/],
    ];
    for (const [password, msg] of cases) {
      const r = await post('/api/auth/register', { username: uniq(), password });
      expectErrorShape(r, 400);
      expect(JSON.stringify(r.body.message)).toMatch(msg);
    }
    const u = uniq('samename');
    const same = await post('/api/auth/register', { username: u, password: u.toUpperCase() });
    expectErrorShape(same, 400);
    await register(uniq(), 'p'.repeat(128));
    await register(uniq(), '长城长城长城长城');
  });

  it('stores argon2id (m=19456, t=2, p=1) PHC strings only; never the password', async () => {
    const username = uniq('Hash');
    const password = 'a very private passphrase 42';
    const r = await register(username, password);
    const doc = await db.collection('users').findOne({ usernameKey: username.toLowerCase() });
    expect(doc).toBeTruthy();
    expect(String(doc!._id)).toBe(r.user.id);
    expect(phcParams(doc!.passwordHash)).toEqual({ algorithm: 'argon2id', version: '19', m: '19456', t: '2', p: '1' });
    expect(JSON.stringify(doc)).not.toContain(password);
    const indexes = await db.collection('users').indexes();
    expect(indexes.some((i) => i.key.usernameKey === 1 && i.unique)).toBe(true);
    // and never logged
    const logs = stack.procs.flatMap((p) => p.lines).join('\n');
    expect(logs).not.toContain(password);
  });
});

describe('login', () => {
  it('200 with the register shape; rememberMe gives a 30-day refresh token, otherwise ≤ 12 h', async () => {
    const username = uniq('Login');
    const reg = await register(username);
    const short = await post('/api/auth/login', { username: username.toUpperCase(), password: GOOD_PASSWORD });
    expect(short.status).toBe(200);
    expect(short.body).toEqual({
      user: reg.user,
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: reg.expiresIn,
      rememberMe: false,
      refreshExpiresIn: expect.any(Number),
    });
    expect(short.body.refreshExpiresIn).toBeLessThanOrEqual(12 * 3600);
    const long = await post('/api/auth/login', { username, password: GOOD_PASSWORD, rememberMe: true });
    expect(long.status).toBe(200);
    expect(long.body.rememberMe).toBe(true);
    expect(long.body.refreshExpiresIn).toBeGreaterThan(30 * 86400 - 120);
    expect(long.body.refreshExpiresIn).toBeLessThanOrEqual(30 * 86400);
    // server-side expiry on the stored session, which holds only a hash of the token
    const sid = long.body.refreshToken.split('.')[0];
    const session = await db.collection('sessions').findOne({ _id: sid as never });
    expect(session).toBeTruthy();
    expect(session!.hash).toMatch(/^[a-f0-9]{64}$/);
    expect(JSON.stringify(session)).not.toContain(long.body.refreshToken.split('.')[1]);
    const days = (new Date(session!.expiresAt).getTime() - Date.now()) / 86400000;
    expect(days).toBeGreaterThan(29.9);
    const shortSession = await db
      .collection('sessions')
      .findOne({ _id: short.body.refreshToken.split('.')[0] as never });
    const hours = (new Date(shortSession!.expiresAt).getTime() - Date.now()) / 3600000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
  });

  it('an unknown user and a wrong password get the identical 401 in similar time', async () => {
    const username = uniq('Timing');
    await register(username);
    const wrong: Res[] = [];
    const unknown: Res[] = [];
    for (let i = 0; i < 3; i++) {
      wrong.push(await post('/api/auth/login', { username, password: `${GOOD_PASSWORD}x` }));
      unknown.push(await post('/api/auth/login', { username: uniq('nobody'), password: GOOD_PASSWORD }));
    }
    for (const r of [...wrong, ...unknown]) expectErrorShape(r, 401);
    const strip = (r: Res) => ({ ...r.body, correlationId: undefined });
    expect(strip(unknown[0])).toEqual(strip(wrong[0]));
    expect(unknown[0].body.message).toBe('wrong username or password');
    const avg = (rs: Res[]) => rs.reduce((s, r) => s + r.ms, 0) / rs.length;
    // the unknown user pays for a dummy argon2 verification too
    expect(avg(unknown)).toBeGreaterThan(avg(wrong) * 0.4);
    // a username that cannot exist is no different
    const odd = await post('/api/auth/login', { username: 'no such user!', password: GOOD_PASSWORD });
    expect(strip(odd)).toEqual(strip(wrong[0]));
  });

  it('rapid wrong passwords → 429 with Retry-After (per account, also for the right password); other accounts unaffected', async () => {
    const username = uniq('Brute');
    const other = uniq('Bystander');
    await register(username);
    await register(other);
    for (let i = 0; i < 5; i++) {
      const r = await post('/api/auth/login', { username, password: `guess-${i}-wrong` });
      expectErrorShape(r, 401);
    }
    const locked = await post('/api/auth/login', { username, password: `guess-x-wrong` });
    expectErrorShape(locked, 429);
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(900);
    const right = await post('/api/auth/login', { username: username.toUpperCase(), password: GOOD_PASSWORD });
    expectErrorShape(right, 429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    const fine = await post('/api/auth/login', { username: other, password: GOOD_PASSWORD });
    expect(fine.status).toBe(200);
  });

  it('a successful sign-in resets the account counter', async () => {
    const username = uniq('Reset');
    await register(username);
    for (let i = 0; i < 4; i++)
      expect((await post('/api/auth/login', { username, password: 'nope-nope-nope' })).status).toBe(401);
    expect((await post('/api/auth/login', { username, password: GOOD_PASSWORD })).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await post('/api/auth/login', { username, password: 'nope-nope-nope' })).status).toBe(401);
    expect((await post('/api/auth/login', { username, password: GOOD_PASSWORD })).status).toBe(200);
  });

  it('400 for malformed bodies', async () => {
    for (const body of [
      {},
      { username: 'abc' },
      { password: 'x' },
      { username: 'abc', password: '' },
      { username: 'abc', password: 'abcdefgh', rememberMe: 'yes' },
    ]) {
      expectErrorShape(await post('/api/auth/login', body), 400);
    }
  });
});

describe('refresh tokens: rotation and reuse detection', () => {
  it('each refresh returns new access and refresh tokens; the old refresh token then fails', async () => {
    const reg = await register();
    const r1 = await post('/api/auth/refresh', { refreshToken: reg.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({
      user: reg.user,
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: reg.expiresIn,
      rememberMe: false,
      refreshExpiresIn: expect.any(Number),
    });
    expect(r1.body.refreshToken).not.toBe(reg.refreshToken);
    expect(r1.body.refreshToken.split('.')[0]).toBe(reg.refreshToken.split('.')[0]);
    expect((await req('GET', '/api/me', undefined, bearer(r1.body.accessToken))).status).toBe(200);
    const r2 = await post('/api/auth/refresh', { refreshToken: r1.body.refreshToken });
    expect(r2.status).toBe(200);
  });

  it('presenting an already-rotated refresh token revokes the whole session: the newest stops working too', async () => {
    const reg = await register();
    const r1 = await post('/api/auth/refresh', { refreshToken: reg.refreshToken });
    const r2 = await post('/api/auth/refresh', { refreshToken: r1.body.refreshToken });
    expect(r2.status).toBe(200);
    // an attacker replays the first token
    const replay = await post('/api/auth/refresh', { refreshToken: reg.refreshToken });
    expectErrorShape(replay, 401);
    // the legitimate holder's newest token is dead now
    const newest = await post('/api/auth/refresh', { refreshToken: r2.body.refreshToken });
    expectErrorShape(newest, 401);
    const session = await db.collection('sessions').findOne({ _id: reg.refreshToken.split('.')[0] as never });
    expect(session!.revokedAt).toBeTruthy();
    expect(session!.revokedReason).toBe('reuse');
    // other sessions of the same user are untouched
    const again = await post('/api/auth/login', { username: reg.user.username, password: GOOD_PASSWORD });
    expect((await post('/api/auth/refresh', { refreshToken: again.body.refreshToken })).status).toBe(200);
  });

  it('concurrent refreshes with the same token cannot fork the session: one new pair, handed to every caller (two tabs)', async () => {
    for (let round = 0; round < 3; round++) {
      const reg = await register();
      const results = await Promise.all(
        Array.from({ length: 4 }, () => post('/api/auth/refresh', { refreshToken: reg.refreshToken })),
      );
      for (const r of results) expect(r.status).toBe(200);
      expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(1);
      expect(new Set(results.map((r) => r.body.accessToken)).size).toBe(1);
      // the session lives on: the shared new token rotates, and its access token works
      expect((await req('GET', '/api/me', undefined, bearer(results[0].body.accessToken))).status).toBe(200);
      expect((await post('/api/auth/refresh', { refreshToken: results[0].body.refreshToken })).status).toBe(200);
    }
  });

  it('401 for unknown, forged or malformed refresh tokens', async () => {
    const reg = await register();
    const [sid] = reg.refreshToken.split('.');
    for (const refreshToken of [
      'nope',
      `${sid}.${'A'.repeat(43)}`,
      `${'A'.repeat(22)}.${'B'.repeat(43)}`,
      reg.accessToken.slice(0, 200),
      `${reg.refreshToken}x`,
    ]) {
      expectErrorShape(await post('/api/auth/refresh', { refreshToken }), 401);
    }
    // the forged secret for a real session id did not hurt the real session
    expect((await post('/api/auth/refresh', { refreshToken: reg.refreshToken })).status).toBe(200);
  });

  it('logout → 204 and the session is revoked; logout of an unknown token is 204 too', async () => {
    const reg = await register();
    const out = await post('/api/auth/logout', { refreshToken: reg.refreshToken });
    expect(out.status).toBe(204);
    expectErrorShape(await post('/api/auth/refresh', { refreshToken: reg.refreshToken }), 401);
    expect((await post('/api/auth/logout', { refreshToken: 'whatever' })).status).toBe(204);
    expectErrorShape(await post('/api/auth/logout', {}), 400);
  });

  it('logout-all (accounts only) revokes every session of the account', async () => {
    const reg = await register();
    const other = await post('/api/auth/login', {
      username: reg.user.username,
      password: GOOD_PASSWORD,
      rememberMe: true,
    });
    const out = await post('/api/auth/logout-all', undefined, bearer(reg.accessToken));
    expect(out.status).toBe(204);
    expectErrorShape(await post('/api/auth/refresh', { refreshToken: reg.refreshToken }), 401);
    expectErrorShape(await post('/api/auth/refresh', { refreshToken: other.body.refreshToken }), 401);
  });
});

describe('guests', () => {
  it('POST /api/auth/guest → 201 guest user and token, no refresh token; nickname becomes the display name', async () => {
    const g = await post('/api/auth/guest', {});
    expect(g.status).toBe(201);
    expect(g.body).toEqual({
      user: {
        id: expect.stringMatching(/^guest:/),
        username: expect.stringMatching(/^guest-[a-f0-9]+$/),
        displayName: expect.stringMatching(/^游客/),
        guest: true,
        role: 'guest',
      },
      accessToken: expect.any(String),
      expiresIn: expect.any(Number),
    });
    expect(g.body.refreshToken).toBeUndefined();
    expect((jwt.decode(g.body.accessToken) as jwt.JwtPayload).use).toBe('guest');
    const named = await post('/api/auth/guest', { nickname: '  路人甲  ' });
    expect(named.status).toBe(201);
    expect(named.body.user.displayName).toBe('路人甲');
    const none = await post('/api/auth/guest');
    expect(none.status === 201 || none.status === 400).toBe(true);
    for (const nickname of ['', 'x'.repeat(33), 'a\u0000b', { $gt: '' }, ['x']]) {
      expectErrorShape(await post('/api/auth/guest', { nickname }), 400);
    }
  });

  it('GET /api/me returns the guest; a guest token gets 403 on an account-only endpoint', async () => {
    const g = await post('/api/auth/guest', { nickname: 'Visitor' });
    const me = await req('GET', '/api/me', undefined, bearer(g.body.accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toEqual(g.body.user);
    const forbidden = await post('/api/auth/logout-all', undefined, bearer(g.body.accessToken));
    expectErrorShape(forbidden, 403);
  });
});

describe('access tokens: only genuine, current user tokens pass', () => {
  let reg: Awaited<ReturnType<typeof register>>;
  let claims: jwt.JwtPayload;
  const secret = () => stack.env.JWT_SECRET!;
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const sign = (payload: object, opts: jwt.SignOptions = {}, key = secret()) =>
    jwt.sign(payload, key, { algorithm: 'HS256', issuer: JWT_ISSUER, audience: JWT_AUDIENCE, expiresIn: 300, ...opts });

  beforeAll(async () => {
    reg = await register();
    claims = jwt.decode(reg.accessToken) as jwt.JwtPayload;
  });

  const base = () => ({
    sub: claims.sub,
    username: claims.username,
    displayName: claims.displayName,
    use: 'access',
    sid: claims.sid,
  });

  it('the genuine token passes; a self-signed one with the right secret passes (control)', async () => {
    expect((await req('GET', '/api/me', undefined, bearer(reg.accessToken))).status).toBe(200);
    expect((await req('GET', '/api/me', undefined, bearer(sign(base())))).status).toBe(200);
  });

  it('401 without a token, or with garbage', async () => {
    expectErrorShape(await req('GET', '/api/me'), 401);
    expectErrorShape(await req('GET', '/api/me', undefined, bearer('garbage')), 401);
    expectErrorShape(await req('GET', '/api/me', undefined, { authorization: reg.accessToken }), 401);
  });

  it('401 for alg:none, another key, a tampered payload, expired, wrong audience or issuer', async () => {
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...base(), iss: JWT_ISSUER, aud: JWT_AUDIENCE, iat: now, exp: now + 300 })}.`;
    const [h, , s] = reg.accessToken.split('.');
    const tampered = `${h}.${b64({ ...claims, username: 'admin', sub: '000000000000000000000000' })}.${s}`;
    const hs512 = sign(base(), { algorithm: 'HS512' });
    const tokens = {
      none,
      otherKey: sign(base(), {}, 'another-secret-another-secret-another-secret'),
      tampered,
      expired: jwt.sign({ ...base(), iat: now - 600, exp: now - 60 }, secret(), {
        algorithm: 'HS256',
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      }),
      wrongAudience: sign(base(), { audience: 'someone-else' }),
      wrongIssuer: sign(base(), { issuer: 'evil' }),
      hs512,
      noUse: sign({ sub: claims.sub, username: claims.username, displayName: claims.displayName }),
      refreshUse: sign({ ...base(), use: 'refresh' }),
      guestClaimsAccess: sign({ ...base(), sub: 'guest:abc', use: 'access' }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const r = await req('GET', '/api/me', undefined, bearer(token));
      if (r.status !== 401) throw new Error(`${name} token got ${r.status}`);
      expectErrorShape(r, 401);
    }
  });

  it('a refresh token used as an access token is refused (401)', async () => {
    expectErrorShape(await req('GET', '/api/me', undefined, bearer(reg.refreshToken)), 401);
    expectErrorShape(await post('/api/auth/logout-all', undefined, bearer(reg.refreshToken)), 401);
  });

  it('a guest-use token never passes where a user token is required (403), even signed correctly', async () => {
    const guestish = sign({ sub: 'guest:zzz', username: 'guest-zz', displayName: 'g', use: 'guest' });
    expectErrorShape(await post('/api/auth/logout-all', undefined, bearer(guestish)), 403);
  });
});

describe('hostile input', () => {
  const endpoints: [string, (v: unknown) => object][] = [
    ['/api/auth/login', (v) => ({ username: v, password: GOOD_PASSWORD })],
    ['/api/auth/login', (v) => ({ username: 'somebody', password: v })],
    ['/api/auth/register', (v) => ({ username: v, password: GOOD_PASSWORD })],
    ['/api/auth/register', (v) => ({ username: uniq(), password: v })],
    ['/api/auth/refresh', (v) => ({ refreshToken: v })],
    ['/api/auth/logout', (v) => ({ refreshToken: v })],
  ];

  it('operator objects and arrays in fields → 400, never a match', async () => {
    const victim = await register(uniq('Victim'));
    const hostile: unknown[] = [
      { $ne: null },
      { $gt: '' },
      { $regex: '.*' },
      { $where: 'true' },
      [victim.user.username],
      ['a', 'b'],
      12345,
      true,
      null,
    ];
    for (const [path, make] of endpoints) {
      for (const v of hostile) {
        const r = await post(path, make(v));
        if (r.status !== 400) throw new Error(`${path} ${JSON.stringify(make(v))} gave ${r.status}`);
        expectErrorShape(r, 400);
      }
    }
  });

  it('__proto__, constructor and unknown keys → 400; nothing is polluted', async () => {
    const bodies = [
      '{"username":"abcdef","password":"abcdefghij","__proto__":{"admin":true}}',
      '{"username":"abcdef","password":"abcdefghij","constructor":{"prototype":{"admin":true}}}',
      '{"username":"abcdef","password":"abcdefghij","isAdmin":true}',
      '{"__proto__":{"username":"abcdef","password":"abcdefghij"}}',
    ];
    for (const path of ['/api/auth/login', '/api/auth/register']) {
      for (const body of bodies) {
        const r = await post(path, body);
        if (r.status !== 400) throw new Error(`${path} ${body} gave ${r.status}`);
        expectErrorShape(r, 400);
      }
    }
    expect((await req('GET', '/api/health')).status).toBe(200);
  });

  it('malformed bodies → 400; a body over 16 KiB → 413; wrong content types refused', async () => {
    for (const body of ['{"username": ', 'not json', '[1,2,3]', '"string"', '123', 'null', '[]']) {
      const r = await post('/api/auth/login', body);
      expectErrorShape(r, 400);
    }
    const big = await post('/api/auth/register', {
      username: uniq(),
      password: GOOD_PASSWORD,
      displayName: 'x'.repeat(17 * 1024),
    });
    expectErrorShape(big, 413);
    const huge = await post('/api/auth/login', { username: 'abc', password: 'y'.repeat(64 * 1024) });
    expectErrorShape(huge, 413);
    const form = await post('/api/auth/login', 'username=abc&password=abcdefgh', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectErrorShape(form, 400);
  });

  it('the auth service validates bus payloads itself (the bus is an API too)', async () => {
    const proxy = new RedisRpcClient({ url: stack.redisUrl, prefix: 'hihi', service: 'auth' });
    await proxy.connect();
    const bus = new BusClient(proxy, 'auth', 3000);
    try {
      const ctx = { correlationId: 'bus-test' };
      const cases: [string, unknown][] = [
        [AUTH_PATTERNS.login, { username: { $ne: null }, password: { $ne: null } }],
        [AUTH_PATTERNS.register, { username: 'abc', password: ['x'] }],
        [AUTH_PATTERNS.register, { username: uniq(), password: GOOD_PASSWORD, isAdmin: true }],
        [AUTH_PATTERNS.refresh, { refreshToken: { $regex: '.*' } }],
        [AUTH_PATTERNS.me, { userId: { $ne: null } }],
        [AUTH_PATTERNS.login, undefined],
      ];
      for (const [pattern, data] of cases) {
        const r = await bus.callRaw(pattern, data, ctx);
        expect({ pattern, data, r }).toEqual({
          pattern,
          data,
          r: { ok: false, error: { code: 'validation', message: expect.any(String) } },
        });
      }
      const reg = await register(uniq('BusMe'));
      const me = await bus.call(AUTH_PATTERNS.me, { userId: reg.user.id }, ctx);
      expect(me).toEqual({ ok: true, data: reg.user });
    } finally {
      bus.close();
    }
  });
});

describe('documentation', () => {
  it('the OpenAPI document lists every accounts endpoint with its DTOs', async () => {
    const r = await req('GET', '/api/docs/openapi.json');
    expect(r.status).toBe(200);
    const paths = Object.keys(r.body.paths);
    for (const p of [
      '/api/auth/register',
      '/api/auth/login',
      '/api/auth/refresh',
      '/api/auth/logout',
      '/api/auth/logout-all',
      '/api/auth/guest',
      '/api/me',
    ]) {
      expect(paths).toContain(p);
    }
    for (const schema of [
      'RegisterDto',
      'LoginDto',
      'RefreshDto',
      'GuestDto',
      'AuthTokensDto',
      'GuestTokensDto',
      'PublicUserDto',
      'ErrorBodyDto',
    ]) {
      expect(Object.keys(r.body.components.schemas)).toContain(schema);
    }
    expect(r.body.paths['/api/auth/login'].post.responses['429']).toBeDefined();
  });
});

describe('resilience and rehash (auth restarted)', () => {
  it('auth down → 503 with the error shape within 3 s; back up (with stronger argon2 params) → works again, hash upgraded at sign-in', async () => {
    const username = uniq('Resilient');
    const reg = await register(username);
    const gateway = stack.proc('gateway');
    const auth = stack.proc('auth');
    auth.proc.kill('SIGKILL');
    await auth.exited;

    const t0 = Date.now();
    const down = await post('/api/auth/login', { username, password: GOOD_PASSWORD });
    expect(Date.now() - t0).toBeLessThan(3500);
    expectErrorShape(down, 503);
    const me = await req('GET', '/api/me', undefined, bearer(reg.accessToken));
    expectErrorShape(me, 503);
    expect(me.ms).toBeLessThan(3500);
    // a guest token is checked at the gateway alone
    expect((await post('/api/auth/refresh', { refreshToken: reg.refreshToken })).status).toBe(503);

    stack.spawn('auth', { ARGON2_TIME_COST: '3' });
    const back = await waitFor(
      async () => (await post('/api/auth/login', { username, password: GOOD_PASSWORD })).status === 200,
      30000,
      250,
    );
    expect(back).toBe(true);
    expect(stack.proc('gateway').proc.pid).toBe(gateway.proc.pid);
    const doc = await db.collection('users').findOne({ usernameKey: username.toLowerCase() });
    expect(phcParams(doc!.passwordHash)).toEqual({ algorithm: 'argon2id', version: '19', m: '19456', t: '3', p: '1' });
    // the old refresh token survived the restart (it was never used)
    expect((await post('/api/auth/refresh', { refreshToken: reg.refreshToken })).status).toBe(200);
  }, 60000);
});

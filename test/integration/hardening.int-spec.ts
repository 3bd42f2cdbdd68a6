/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON, checked by the assertions */
import { request as httpRequest } from 'node:http';
import { freePort } from '@hihi/infra';
import { SERVER_EVENTS } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { connect, until } from './chat-helpers';

/**
 * Issue 12 — what a public chat server meets (real processes, real Redis and database):
 * parallel guessing, sign-in storms, lock-out by others, sign-out that must end access at once,
 * two tabs refreshing, foreign origins and re-pointed host names, look-alike names, creation floods.
 * Client addresses are varied with X-Forwarded-For (TRUST_PROXY=1), as behind the load balancer.
 */

const CORS = 'http://app.example.test:8443';
const GRACE_SEC = 2;
const stack = new Stack({
  env: {
    TRUST_PROXY: '1',
    REGISTER_RATE_LIMIT: '100000',
    REFRESH_RATE_LIMIT: '100000',
    GUEST_RATE_LIMIT: '100000',
    ROOM_CREATE_LIMIT: '3',
    DM_CREATE_LIMIT: '2',
    REFRESH_REUSE_GRACE_SEC: String(GRACE_SEC),
    CORS_ORIGIN: CORS,
  },
});
/** a second gateway (same Redis, same auth) with a public origin configured */
let second = '';
let secondPort = 0;
const PUBLIC_HOST = 'chat.example.test';

interface Res {
  status: number;
  body: any;
  headers: Headers;
  ms: number;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  base = stack.url,
): Promise<Res> {
  const started = Date.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, headers: res.headers, ms: Date.now() - started };
}
const post = (path: string, body?: unknown, headers?: Record<string, string>, base?: string) =>
  call('POST', path, body, headers, base);
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let n = 0;
const uniq = (p: string) => `${p}${Date.now().toString(36)}${(n++).toString(36)}`;
const PASSWORD = 'correct horse battery staple';
let ipSeq = 0;
/** a fresh client address (TEST-NET-2 / 198.18.0.0/15 benchmark range) */
const newIp = () => {
  ipSeq++;
  return `198.18.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
};

async function register(username = uniq('u'), ip = newIp(), extra: object = {}) {
  const r = await post('/api/auth/register', { username, password: PASSWORD, ...extra }, from(ip));
  expect(r.status).toBe(201);
  return r.body as { user: any; accessToken: string; refreshToken: string };
}

/** `hihi_password_verifications_total` of the auth process (from its own /metrics listener). */
async function verifications(): Promise<number> {
  const line = stack.proc('auth').lines.find((l) => l.includes('metrics http'));
  const url = /metrics (http:\/\/[^ )"]+\/metrics)/.exec(line ?? '')?.[1];
  if (!url) throw new Error('auth metrics address not found in its log');
  const text = await (await fetch(url)).text();
  const m = /^hihi_password_verifications_total(?:\{[^}]*\})? (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** A raw HTTP request with any Host and Origin (fetch does not let us set Host). */
function raw(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
/** Engine.IO's first request (long-polling handshake): 200 when the origin is allowed, else 403. */
const handshake = (port: number, headers: Record<string, string>) =>
  raw(port, '/socket.io/?EIO=4&transport=polling', headers);

beforeAll(async () => {
  await stack.start();
  secondPort = await freePort();
  stack.spawn('gateway', { PORT: String(secondPort), PUBLIC_ORIGIN: `http://${PUBLIC_HOST}:${secondPort}` });
  second = `http://127.0.0.1:${secondPort}`;
  await stack.waitHealthy(second, 30000);
}, 120000);
afterAll(() => stack.stop(), 30000);

describe('sign-in limits are exact under concurrency (reserved before the password is checked)', () => {
  it('50 parallel wrong passwords for one account from one address: at most 5 verified, the rest 429', async () => {
    const victim = await register(uniq('target'));
    const ip = newIp();
    const before = await verifications();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post('/api/auth/login', { username: victim.user.username, password: `wrong guess ${i}` }, from(ip)),
      ),
    );
    const verified = (await verifications()) - before;
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(45);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(verified).toBeLessThanOrEqual(5);
    expect(verified).toBe(statuses.filter((s) => s === 401).length);
    for (const r of results.filter((x) => x.status === 429))
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 60000);

  it('50 parallel wrong passwords for 50 accounts from one address: at most 20 verified (the per-address limit)', async () => {
    const ip = newIp();
    const before = await verifications();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post('/api/auth/login', { username: uniq(`spray${i}`), password: 'nope nope' }, from(ip)),
      ),
    );
    const verified = (await verifications()) - before;
    expect(verified).toBeLessThanOrEqual(20);
    expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(20);
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(30);
  }, 60000);

  it('a storm of 200 sign-ins from 200 addresses gets fast answers (401 or 503 + Retry-After), and sign-in works right after', async () => {
    const owner = await register(uniq('calm'));
    const ownerIp = newIp();
    expect(
      (await post('/api/auth/login', { username: owner.user.username, password: PASSWORD }, from(ownerIp))).status,
    ).toBe(200);
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post('/api/auth/login', { username: uniq(`storm${i}`), password: 'storm storm' }, from(newIp())),
      ),
    );
    const took = Date.now() - started;
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 503)).toBe(true);
    const busy = results.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const r of busy) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(r.body.message).toMatch(/busy/);
    }
    // every 503 is the gate's fast refusal, none a bus timeout (the queue is bounded)
    expect(took).toBeLessThan(30000);
    const t0 = Date.now();
    const after = await post('/api/auth/login', { username: owner.user.username, password: PASSWORD }, from(ownerIp));
    expect(after.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(2500);
  }, 60000);
});

describe('nobody can lock the owner out', () => {
  it('the owner, who signed in from this address before, still signs in after 12 failures from other addresses', async () => {
    const owner = await register(uniq('owner'));
    const home = newIp();
    expect(
      (await post('/api/auth/login', { username: owner.user.username, password: PASSWORD }, from(home))).status,
    ).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await post(
        '/api/auth/login',
        { username: owner.user.username, password: `guess ${i} wrong` },
        from(newIp()),
      );
      statuses.push(r.status);
    }
    // the first 10 are checked; after that unknown sources are slowed down (progressive delay)
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const throttled = await post(
      '/api/auth/login',
      { username: owner.user.username, password: PASSWORD },
      from(newIp()),
    );
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // …but not the owner's known address, right password first time
    const mine = await post('/api/auth/login', { username: owner.user.username, password: PASSWORD }, from(home));
    expect(mine.status).toBe(200);
  }, 60000);

  it('failures from one address lock only that (account, address) pair; the owner elsewhere signs in', async () => {
    const owner = await register(uniq('pair'));
    const attacker = newIp();
    for (let i = 0; i < 5; i++)
      expect(
        (await post('/api/auth/login', { username: owner.user.username, password: `bad ${i} bad` }, from(attacker)))
          .status,
      ).toBe(401);
    expect(
      (await post('/api/auth/login', { username: owner.user.username, password: PASSWORD }, from(attacker))).status,
    ).toBe(429);
    expect(
      (await post('/api/auth/login', { username: owner.user.username, password: PASSWORD }, from(newIp()))).status,
    ).toBe(200);
  });
});

describe('sign-out ends access at once (SPEC §4)', () => {
  it('logout with an open socket: REST 401 within 1 s on every gateway, the socket told and closed within 5 s; other sessions unaffected', async () => {
    const reg = await register(uniq('leaver'));
    const other = (await post('/api/auth/login', { username: reg.user.username, password: PASSWORD }, from(newIp())))
      .body;
    const mine = await connect(stack.url, reg.accessToken);
    const mineOnSecond = await connect(second, reg.accessToken);
    const theirs = await connect(stack.url, other.accessToken);
    const closed: Record<string, number> = {};
    mine.socket.on('disconnect', () => (closed.mine = Date.now()));
    mineOnSecond.socket.on('disconnect', () => (closed.second = Date.now()));
    theirs.socket.on('disconnect', () => (closed.theirs = Date.now()));
    expect((await call('GET', '/api/me', undefined, bearer(reg.accessToken))).status).toBe(200);
    expect((await call('GET', '/api/me', undefined, bearer(reg.accessToken), second)).status).toBe(200);

    const t0 = Date.now();
    expect((await post('/api/auth/logout', { refreshToken: reg.refreshToken })).status).toBe(204);
    const me1 = await call('GET', '/api/me', undefined, bearer(reg.accessToken));
    const me2 = await call('GET', '/api/me', undefined, bearer(reg.accessToken), second);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(me1.status).toBe(401);
    expect(me2.status).toBe(401);
    expect(await until(() => closed.mine !== undefined && closed.second !== undefined, 5000, 20)).toBe(true);
    expect(closed.mine - t0).toBeLessThan(5000);
    expect(closed.second - t0).toBeLessThan(5000);
    expect(mine.events.find((e) => e.event === SERVER_EVENTS.sessionRevoked)?.args[0]).toEqual({ reason: 'logout' });
    // a new handshake with that token is refused
    await expect(connect(stack.url, reg.accessToken)).rejects.toThrow('unauthorized');
    // the other session goes on
    expect((await call('GET', '/api/me', undefined, bearer(other.accessToken))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(closed.theirs).toBeUndefined();
    expect(theirs.socket.connected).toBe(true);

    // logout-all ends that one too
    expect((await post('/api/auth/logout-all', undefined, bearer(other.accessToken))).status).toBe(204);
    expect((await call('GET', '/api/me', undefined, bearer(other.accessToken), second)).status).toBe(401);
    expect(await until(() => closed.theirs !== undefined, 5000, 20)).toBe(true);
    expect(theirs.events.find((e) => e.event === SERVER_EVENTS.sessionRevoked)?.args[0]).toEqual({
      reason: 'logout-all',
    });
    for (const c of [mine, mineOnSecond, theirs]) c.socket.close();
  }, 60000);

  it('refresh-token reuse past the grace window revokes the session and denies its access tokens', async () => {
    const reg = await register(uniq('reuse'));
    const rotated = await post('/api/auth/refresh', { refreshToken: reg.refreshToken });
    expect(rotated.status).toBe(200);
    // two tabs: the same token within the grace window gets the same pair
    const twin = await post('/api/auth/refresh', { refreshToken: reg.refreshToken });
    expect(twin.status).toBe(200);
    expect(twin.body.refreshToken).toBe(rotated.body.refreshToken);
    await new Promise((r) => setTimeout(r, GRACE_SEC * 1000 + 300));
    expect((await post('/api/auth/refresh', { refreshToken: reg.refreshToken })).status).toBe(401);
    expect((await call('GET', '/api/me', undefined, bearer(rotated.body.accessToken))).status).toBe(401);
    expect((await post('/api/auth/refresh', { refreshToken: rotated.body.refreshToken })).status).toBe(401);
  }, 30000);

  it('guest tokens (no session) are not affected', async () => {
    const g = await post('/api/auth/guest', { nickname: '路人' });
    expect((await call('GET', '/api/me', undefined, bearer(g.body.accessToken))).status).toBe(200);
  });
});

describe('origins: exact on scheme, host and port; no re-pointed host names', () => {
  const port = () => stack.gatewayPort;
  const host = () => `127.0.0.1:${port()}`;

  it('the gateway own origin, a CORS_ORIGIN entry and no Origin at all are accepted', async () => {
    expect((await handshake(port(), { host: host(), origin: `http://${host()}` })).status).toBe(200);
    expect((await handshake(port(), { host: host(), origin: CORS })).status).toBe(200);
    expect((await handshake(port(), { host: host() })).status).toBe(200);
    expect(
      (await handshake(port(), { host: `localhost:${port()}`, origin: `http://localhost:${port()}` })).status,
    ).toBe(200);
  });

  it('another scheme, port or host, null, a path, or a look-alike of the CORS entry are refused', async () => {
    for (const origin of [
      `https://${host()}`,
      `http://127.0.0.1:${port() + 1}`,
      `http://localhost:${port()}`,
      `http://127.0.0.1`,
      'null',
      `http://${host()}/path`,
      `${CORS}.evil.test`,
      'http://app.example.test:8444',
      'https://app.example.test:8443',
      `http://evil.test:${port()}`,
    ]) {
      const r = await handshake(port(), { host: host(), origin });
      if (r.status !== 403) throw new Error(`origin ${origin} got ${r.status}`);
    }
  });

  it('DNS rebinding (Origin and Host both the attacker name) is refused, for sockets and the API', async () => {
    const evil = `rebind.attacker.test:${port()}`;
    expect((await handshake(port(), { host: evil, origin: `http://${evil}` })).status).toBe(403);
    const api = await raw(port(), '/api/health', { host: evil });
    expect(api.status).toBe(421);
    expect(JSON.parse(api.body)).toEqual({
      statusCode: 421,
      error: 'Misdirected Request',
      message: expect.stringContaining('PUBLIC_ORIGIN'),
      correlationId: expect.any(String),
    });
  });

  it('with PUBLIC_ORIGIN set: its name is served, a re-pointed one is not', async () => {
    const pub = `${PUBLIC_HOST}:${secondPort}`;
    expect((await handshake(secondPort, { host: pub, origin: `http://${pub}` })).status).toBe(200);
    expect((await raw(secondPort, '/api/health', { host: pub })).status).toBe(200);
    const evil = `rebind.attacker.test:${secondPort}`;
    expect((await handshake(secondPort, { host: evil, origin: `http://${evil}` })).status).toBe(403);
    expect((await raw(secondPort, '/api/health', { host: evil })).status).toBe(421);
    expect((await handshake(secondPort, { host: pub, origin: `https://${pub}` })).status).toBe(403);
  });

  it('CSP connect-src is self plus the configured origins, with no scheme-only source', async () => {
    for (const base of [stack.url, second]) {
      const res = await fetch(`${base}/`);
      const csp = res.headers.get('content-security-policy') ?? '';
      const connect = /connect-src ([^;]*)/.exec(csp)?.[1].split(/\s+/) ?? [];
      expect(connect[0]).toBe("'self'");
      expect(connect).toContain(CORS);
      expect(connect).toContain(CORS.replace(/^http/, 'ws'));
      for (const src of connect) expect(src).not.toMatch(/^[a-z]+:$/);
    }
    const csp2 = (await fetch(`${second}/`)).headers.get('content-security-policy') ?? '';
    expect(csp2).toContain(`ws://${PUBLIC_HOST}:${secondPort}`);
  });
});

describe('names: look-alikes, invisible and reordering characters (SPEC §6)', () => {
  it('a username whose confusable skeleton is taken → 409 (admin vs Cyrillic аdmin)', async () => {
    const base = uniq('admin');
    await register(base);
    for (const lookalike of [base.replace('a', '\u0430'), base.replace('i', '\u0456'), base.replace('m', 'rn')]) {
      const r = await post('/api/auth/register', { username: lookalike, password: PASSWORD }, from(newIp()));
      if (r.status !== 409) throw new Error(`${lookalike} got ${r.status}`);
      expect(r.body.message).toMatch(/taken/);
    }
    const dup = await post('/api/auth/register', { username: 'd\u057Dck', password: PASSWORD }, from(newIp()));
    expect(dup.status).toBe(409);
  });

  it("display names: not the duck's (小黄鸭, duck, look-alikes), not invisible-only, no zero-width or bidi characters → 400", async () => {
    for (const displayName of [
      '小黄鸭',
      ' 小黄鸭 ',
      'duck',
      'DUCK',
      'd\u057Dck',
      'd.u.c.k',
      '\u200B',
      '\u200B\u200B\u200B',
      'alice\u200B',
      '\u3164',
      '\u2800',
      'evil\u202Egnp.exe',
      'iso\u2066late\u2069',
      'lrm\u200E',
      'b\uFEFFom',
      'c1\u0085',
    ]) {
      const r = await post(
        '/api/auth/register',
        { username: uniq('n'), password: PASSWORD, displayName },
        from(newIp()),
      );
      if (r.status !== 400) throw new Error(`displayName ${JSON.stringify(displayName)} got ${r.status}`);
      expect(JSON.stringify(r.body.message)).toMatch(/displayName/);
    }
    for (const displayName of ['Alice Liddell', '小明', 'Jose\u0301', 'Ducky McDuckface', '❤️ love', 'مرحبا']) {
      const r = await post(
        '/api/auth/register',
        { username: uniq('ok'), password: PASSWORD, displayName },
        from(newIp()),
      );
      if (r.status !== 201) throw new Error(`displayName ${JSON.stringify(displayName)} got ${r.status}`);
    }
    expect((await post('/api/auth/guest', { nickname: '小黄鸭' })).status).toBe(400);
    expect((await post('/api/auth/guest', { nickname: '\u200B' })).status).toBe(400);
  });

  it('room names: U+202E, zero-width only, or the duck → 400; a plain name → 201', async () => {
    const u = await register(uniq('namer'));
    for (const name of ['news\u202Esdrawkcab', '\u200B', '\u200D\u200D', 'duck', '小黄鸭', 'tab\there']) {
      const r = await post('/api/rooms', { name }, bearer(u.accessToken));
      if (r.status !== 400) throw new Error(`room ${JSON.stringify(name)} got ${r.status}`);
    }
    expect((await post('/api/rooms', { name: uniq('general ') }, bearer(u.accessToken))).status).toBe(201);
  });
});

describe('creation limits per user (429 + Retry-After)', () => {
  it('room creation: ROOM_CREATE_LIMIT per window; refused creations do not count', async () => {
    const u = await register(uniq('creator'));
    const taken = uniq('taken ');
    expect((await post('/api/rooms', { name: taken }, bearer(u.accessToken))).status).toBe(201);
    expect((await post('/api/rooms', { name: taken }, bearer(u.accessToken))).status).toBe(409);
    expect((await post('/api/rooms', { name: uniq('r ') }, bearer(u.accessToken))).status).toBe(201);
    expect((await post('/api/rooms', { name: uniq('r ') }, bearer(u.accessToken))).status).toBe(201);
    const over = await post('/api/rooms', { name: uniq('r ') }, bearer(u.accessToken));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/rooms/),
      correlationId: expect.any(String),
    });
    // the limit is per user
    const other = await register(uniq('creator'));
    expect((await post('/api/rooms', { name: uniq('r ') }, bearer(other.accessToken))).status).toBe(201);
  });

  it('DM creation: DM_CREATE_LIMIT new DMs per window; re-opening one is free', async () => {
    const u = await register(uniq('dmer'));
    const peers = [await register(uniq('peer')), await register(uniq('peer')), await register(uniq('peer'))];
    // the chat service learns of users when they first come by
    for (const p of peers) expect((await call('GET', '/api/rooms', undefined, bearer(p.accessToken))).status).toBe(200);
    expect((await post('/api/dms', { username: peers[0].user.username }, bearer(u.accessToken))).status).toBe(201);
    expect((await post('/api/dms', { username: peers[0].user.username }, bearer(u.accessToken))).status).toBe(200);
    expect((await post('/api/dms', { username: peers[1].user.username }, bearer(u.accessToken))).status).toBe(201);
    const over = await post('/api/dms', { username: peers[2].user.username }, bearer(u.accessToken));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

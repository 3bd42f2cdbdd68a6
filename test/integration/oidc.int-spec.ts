import { freePort } from '@hihi/infra';
import { Stack } from '../support/stack';
import { CookieJar, TestOidcProvider } from '../support/oidc';

/**
 * Single sign-on, end to end with real processes (SPEC §12): a real OpenID Provider (the certified
 * `oidc-provider` package) on loopback, the gateway's discovery, the code flow with PKCE, state and
 * nonce, the callback, the one-time hand-off to the web app. The first sign-in creates the account
 * (never taking over a local one of the same name), a tampered or foreign `state` is refused, and
 * OIDC_ONLY turns password sign-in and registration off except for the break-glass accounts.
 */
let provider: TestOidcProvider;
let stack: Stack;
let onlyUrl = '';

async function json(base: string, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** One GET or form POST with the jar, no redirects followed. */
async function hop(jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const headers: Record<string, string> = { cookie: jar.header(url) };
  if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(url, {
    method: form ? 'POST' : 'GET',
    headers,
    body: form ? new URLSearchParams(form).toString() : undefined,
    redirect: 'manual',
  });
  jar.store(url, res);
  return res;
}

/**
 * A browser at the provider: follow redirects, fill the login form with `login`, confirm consent,
 * until the provider sends us back to the gateway's callback. Answers that callback URL.
 */
async function throughProvider(jar: CookieJar, authUrl: string, login: string): Promise<string> {
  let url = authUrl;
  for (let i = 0; i < 20; i++) {
    if (url.includes('/api/auth/oidc/callback')) return url;
    const res = await hop(jar, url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).href;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form at ${url}: ${res.status} ${html.slice(0, 200)}`);
    const target = new URL(action.replace(/&amp;/g, '&'), url).href;
    const form: Record<string, string> = html.includes('name="login"')
      ? { prompt: 'login', login, password: 'any' }
      : { prompt: 'consent' };
    const posted = await hop(jar, target, form);
    url = new URL(posted.headers.get('location')!, target).href;
  }
  throw new Error('the provider never sent us back');
}

/** The whole browser flow on a gateway: start → provider → callback → /login?sso=… → exchange. */
async function ssoSignIn(base: string, login: string, tamper?: (callbackUrl: string, jar: CookieJar) => string) {
  const jar = new CookieJar();
  const start = await hop(jar, `${base}/api/auth/oidc/start`);
  expect(start.status).toBe(302);
  const authUrl = start.headers.get('location')!;
  const auth = new URL(authUrl);
  expect(auth.origin).toBe(provider.issuer);
  expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
  expect(auth.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(auth.searchParams.get('state')).toEqual(expect.any(String));
  expect(auth.searchParams.get('nonce')).toEqual(expect.any(String));
  expect(jar.get(base, 'hihi_oidc')).toEqual(expect.any(String));
  let callback = await throughProvider(jar, authUrl, login);
  if (tamper) callback = tamper(callback, jar);
  const back = await hop(jar, callback);
  expect(back.status).toBe(302);
  const to = new URL(back.headers.get('location')!, base);
  expect(to.pathname).toBe('/login');
  return { to, jar };
}

async function ssoTokens(base: string, login: string) {
  const { to } = await ssoSignIn(base, login);
  const code = to.searchParams.get('sso');
  expect(code).toEqual(expect.any(String));
  const ex = await json(base, 'POST', '/api/auth/oidc/exchange', { code });
  expect(ex.status).toBe(200);
  return { tokens: ex.body, code: code! };
}

beforeAll(async () => {
  provider = await TestOidcProvider.create();
  const env = {
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_NAME: 'TestID',
    LOGIN_MAX_FAILURES_PER_IP: '100000',
    REGISTER_RATE_LIMIT: '100000',
  };
  stack = new Stack({ env });
  await stack.start();
  // a second gateway with single sign-on only, and alice as break-glass account
  const port = await freePort();
  stack.spawn('gateway', { PORT: String(port), OIDC_ONLY: 'true', OIDC_BREAK_GLASS_USERS: 'Alice, root' });
  onlyUrl = `http://127.0.0.1:${port}`;
  await stack.waitHealthy(onlyUrl, 30000);
  // the provider knows the redirect URI of the first gateway (discovery is lazy)
  await provider.start(`${stack.url}/api/auth/oidc/callback`);
}, 120000);
afterAll(async () => {
  await stack?.stop();
  await provider?.stop();
}, 30000);

describe('OpenID Connect sign-in', () => {
  it('the methods say so: a "Sign in with TestID" button', async () => {
    const m = await json(stack.url, 'GET', '/api/auth/methods');
    expect(m.body).toEqual({
      password: true,
      registration: true,
      passkeys: true,
      oidc: { name: 'TestID' },
      registrationMode: 'open',
      guests: true,
    });
  });

  it('the first sign-in creates the account from preferred_username; the next one is the same account; tokens work', async () => {
    const first = await ssoTokens(stack.url, 'sub-1001:carol');
    expect(first.tokens).toMatchObject({
      user: { username: 'carol', displayName: 'Test carol', guest: false },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    const me = await json(stack.url, 'GET', '/api/me', undefined, first.tokens.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('carol');
    const second = await ssoTokens(stack.url, 'sub-1001:carol');
    expect(second.tokens.user.id).toBe(first.tokens.user.id);
    // the hand-off code works once
    expect((await json(stack.url, 'POST', '/api/auth/oidc/exchange', { code: first.code })).status).toBe(401);
    // an account made by single sign-on has no password anyone knows
    expect((await json(stack.url, 'POST', '/api/auth/login', { username: 'carol', password: 'any' })).status).toBe(401);
  }, 60000);

  it('never takes over an existing local account: same name at the provider → a new account of its own', async () => {
    const local = await json(stack.url, 'POST', '/api/auth/register', {
      username: 'dave',
      password: 'correct horse battery staple',
    });
    expect(local.status).toBe(201);
    const { tokens } = await ssoTokens(stack.url, 'sub-2002:dave');
    expect(tokens.user.id).not.toBe(local.body.user.id);
    expect(tokens.user.username).toMatch(/^dave-[a-f0-9]{4}$/);
    const pw = await json(stack.url, 'POST', '/api/auth/login', {
      username: 'dave',
      password: 'correct horse battery staple',
    });
    expect(pw.status).toBe(200);
    expect(pw.body.user.id).toBe(local.body.user.id);
  }, 60000);

  it('a tampered state is refused, and so is a callback in a browser that did not start the flow', async () => {
    const tampered = await ssoSignIn(stack.url, 'sub-3003:erin', (cb) => {
      const u = new URL(cb);
      u.searchParams.set('state', `${u.searchParams.get('state')}x`);
      return u.href;
    });
    expect(tampered.to.searchParams.get('ssoError')).toBe('state');
    expect(tampered.to.searchParams.get('sso')).toBeNull();

    const foreign = await ssoSignIn(stack.url, 'sub-3003:erin', (cb, jar) => {
      jar.set(stack.url, 'hihi_oidc', 'another-browsers-binding');
      return cb;
    });
    expect(foreign.to.searchParams.get('ssoError')).toBe('state');

    // a fresh flow in the right browser still works
    const ok = await ssoSignIn(stack.url, 'sub-3003:erin');
    expect(ok.to.searchParams.get('sso')).toEqual(expect.any(String));
  }, 60000);

  it('a forged hand-off code is 401, a malformed one 400', async () => {
    expect((await json(stack.url, 'POST', '/api/auth/oidc/exchange', { code: 'A'.repeat(43) })).status).toBe(401);
    expect((await json(stack.url, 'POST', '/api/auth/oidc/exchange', { code: 'x' })).status).toBe(400);
  });
});

describe('OIDC_ONLY', () => {
  it('turns password sign-in and registration off (403), keeps them for the break-glass accounts', async () => {
    const alice = await json(stack.url, 'POST', '/api/auth/register', {
      username: 'alice',
      password: 'correct horse battery staple',
    });
    expect(alice.status).toBe(201);
    await json(stack.url, 'POST', '/api/auth/register', {
      username: 'frank',
      password: 'correct horse battery staple',
    });

    expect((await json(onlyUrl, 'GET', '/api/auth/methods')).body).toEqual({
      password: false,
      registration: false,
      passkeys: true,
      oidc: { name: 'TestID' },
      registrationMode: 'closed',
      guests: true,
    });
    const reg = await json(onlyUrl, 'POST', '/api/auth/register', {
      username: 'gina',
      password: 'correct horse battery staple',
    });
    expect(reg.status).toBe(403);
    expect(reg.body.message).toBe('this server signs in with single sign-on only');
    const frank = await json(onlyUrl, 'POST', '/api/auth/login', {
      username: 'frank',
      password: 'correct horse battery staple',
    });
    expect(frank.status).toBe(403);
    const glass = await json(onlyUrl, 'POST', '/api/auth/login', {
      username: 'ALICE',
      password: 'correct horse battery staple',
    });
    expect(glass.status).toBe(200);
    expect(glass.body.user.id).toBe(alice.body.user.id);
  });
});

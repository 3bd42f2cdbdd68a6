import type { Browser } from 'playwright-core';
import { Stack } from '../test/support/stack';
import {
  type Account,
  bubble,
  launchBrowser,
  newPerson,
  PASSWORD,
  type Person,
  registerViaApi,
  registerViaUi,
  roomTitle,
  screenshot,
  sendMessage,
  signInViaUi,
  uniqueName,
  unexpectedErrors,
  waitForChat,
  watch,
  onFailureSave,
  REFUSED_HANDSHAKE_POLL,
} from './support/browser';

/** Register, sign in, chat live in the lobby; "remember me" across a reload. */
describe('web client: accounts and the lobby (browser)', () => {
  const stack = new Stack();
  let browser: Browser;
  const people: (Person & { expect?: RegExp[] })[] = [];

  beforeAll(async () => {
    await stack.start();
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack.stop();
  }, 30_000);

  async function person(): Promise<Person & { expect?: RegExp[] }> {
    const p = await newPerson(browser, stack.url);
    people.push(p);
    return p;
  }

  afterEach(async () => {
    const seen = people.splice(0);
    for (const p of seen) await p.context.close();
    for (const p of seen)
      expect({ errors: unexpectedErrors(p, p.expect), dialogs: p.dialogs }).toEqual({ errors: [], dialogs: [] });
  });

  it('sends a Content-Security-Policy on the web app, also for client-side routes', async () => {
    for (const path of ['/', '/chat', '/login']) {
      const res = await fetch(`${stack.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toMatch(/unsafe-eval/);
    }
  });

  it('the browser enforces that policy: an inline script injected into the page does not run', async () => {
    const context = await browser.newContext({ baseURL: stack.url });
    try {
      const page = await context.newPage();
      const main = await page.goto('/login');
      expect(main?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
      await page.locator('#login-username').waitFor();
      const result = await page.evaluate(async () => {
        const violation = new Promise<string>((resolve) =>
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true }),
        );
        const s = document.createElement('script');
        s.textContent = 'window.__inline = 1';
        document.body.appendChild(s);
        return { directive: await violation, ran: (window as unknown as { __inline?: number }).__inline ?? null };
      });
      expect(result).toEqual({ directive: expect.stringMatching(/^script-src/), ran: null });
    } finally {
      await context.close();
    }
  });

  it(
    'register → sign out → sign in → a message in the lobby is seen live by another user',
    () =>
      onFailureSave(
        'lobby',
        () => people,
        stack,
        async () => {
          const alice: Account = { username: uniqueName('alice'), password: PASSWORD, displayName: 'Alice 小爱' };
          const bob: Account = { username: uniqueName('bob'), password: PASSWORD, displayName: 'Bob' };
          const a = await person();
          const b = await person();

          // anonymous visitors land on the sign-in page
          await a.page.goto('/');
          await a.page.waitForURL('**/login');
          await screenshot(a.page, '01-login');

          // register, land in the lobby as Alice
          await a.page.getByRole('link', { name: 'Register' }).click();
          await a.page.waitForURL('**/register');
          await screenshot(a.page, '02-register');
          await registerViaUi(a.page, alice);
          expect(await roomTitle(a.page).textContent()).toContain('Lobby');
          expect(await a.page.locator('.sidebar__display').textContent()).toContain('Alice 小爱');

          // sign out and sign in again (no "remember me")
          await a.page.locator('.sidebar__me button').click();
          await a.page.waitForURL('**/login');
          await signInViaUi(a.page, alice, false);
          expect(await roomTitle(a.page).textContent()).toContain('Lobby');

          // Bob registers in his own browser context and waits in the lobby
          await registerViaUi(b.page, bob);
          expect(await roomTitle(b.page).textContent()).toContain('Lobby');

          const text = `hello from Alice 你好 ${Date.now()}`;
          await sendMessage(a.page, text);
          await bubble(b.page, text).waitFor(); // live, no reload
          const fromAlice = b.page.locator('article.msg').filter({ has: bubble(b.page, text) });
          expect(await fromAlice.locator('.msg__name').textContent()).toContain('Alice 小爱');
          expect(await fromAlice.getAttribute('class')).not.toMatch(/msg--mine/);

          // and back: Bob answers, Alice sees it live
          const reply = `hi Alice, Bob here ${Date.now()}`;
          await sendMessage(b.page, reply, 'button');
          await bubble(a.page, reply).waitFor();
          expect(await bubble(a.page, text).count()).toBe(1); // her own message shown exactly once
          await screenshot(a.page, '03-lobby-alice');
          await screenshot(b.page, '04-lobby-bob');
        },
      ),
    60_000,
  );

  it(
    '"remember me" keeps the session across a reload and a new tab; without it a new tab signs in again',
    () =>
      onFailureSave(
        'remember',
        () => people,
        stack,
        async () => {
          const carol: Account = { username: uniqueName('carol'), password: PASSWORD, displayName: 'Carol' };
          const dave: Account = { username: uniqueName('dave'), password: PASSWORD, displayName: 'Dave' };
          await registerViaApi(stack.url, carol);
          await registerViaApi(stack.url, dave);

          const c = await person();
          await signInViaUi(c.page, carol, true);
          const before = `before reload ${Date.now()}`;
          await sendMessage(c.page, before);

          await c.page.reload();
          await waitForChat(c.page);
          expect(new URL(c.page.url()).pathname).toBe('/chat');
          expect(await c.page.locator('.sidebar__display').textContent()).toContain('Carol');
          await bubble(c.page, before).waitFor(); // history is back after the reload
          const after = `after reload ${Date.now()}`;
          await sendMessage(c.page, after); // the socket works with the restored session

          // a remembered session outlives the tab: a new tab of the same browser is signed in
          const tab = await c.context.newPage();
          watch(c, tab);
          await tab.goto('/');
          await tab.waitForURL('**/chat');
          await waitForChat(tab);
          await bubble(tab, after).waitFor();
          await tab.close();

          // without "remember me" the session belongs to its tab only
          const d = await person();
          await signInViaUi(d.page, dave, false);
          await d.page.reload(); // a reload keeps it (same tab)
          await waitForChat(d.page);
          const other = await d.context.newPage();
          watch(d, other);
          await other.goto('/chat');
          await other.waitForURL('**/login');
          await other.close();
        },
      ),
    60_000,
  );

  it(
    'a rejected access token is refreshed with the remembered refresh token (rotation) and chatting goes on',
    () =>
      onFailureSave(
        'refresh',
        () => people,
        stack,
        async () => {
          const erin: Account = { username: uniqueName('erin'), password: PASSWORD, displayName: 'Erin' };
          await registerViaApi(stack.url, erin);
          const e = await person();
          e.expect = [REFUSED_HANDSHAKE_POLL]; // a refused handshake is expected here, like the 401s
          await signInViaUi(e.page, erin, true);
          const stored = () =>
            e.page.evaluate(
              () => JSON.parse(localStorage.getItem('hihi.session') ?? 'null') as Record<string, unknown>,
            );
          const before = await stored();
          expect(before).toMatchObject({ remember: true, refreshToken: expect.any(String) });

          // the server no longer accepts the access token (as after a restart with a new key, or expiry)
          const tampered = await e.page.evaluate(() => {
            const s = JSON.parse(localStorage.getItem('hihi.session')!) as { accessToken: string };
            s.accessToken = `${s.accessToken.slice(0, -6)}AAAAAA`;
            localStorage.setItem('hihi.session', JSON.stringify(s));
            return s.accessToken;
          });
          await e.page.reload();
          await waitForChat(e.page);
          expect(new URL(e.page.url()).pathname).toBe('/chat');
          const text = `still here after a refresh ${Date.now()}`;
          await sendMessage(e.page, text);
          const after = await stored();
          expect(after.refreshToken).toEqual(expect.any(String));
          expect(after.refreshToken).not.toBe(before.refreshToken); // rotated
          expect(after.accessToken).not.toBe(tampered); // (it may equal the first one: same session, same second)
          // the only HTTP errors were the 401s that triggered the refresh
          expect(e.httpErrors.length).toBeGreaterThan(0);
          expect(
            e.httpErrors.filter(
              (l) => !l.startsWith('401 ') && !/^400 GET \/socket\.io\/ .*Session ID unknown/.test(l),
            ),
          ).toEqual([]);
        },
      ),
    60_000,
  );
});

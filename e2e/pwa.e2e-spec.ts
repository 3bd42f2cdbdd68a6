import { browserSuite } from './support/suite';
import { expectAccessible } from './support/axe';
import { type Person, screenshot, signInViaUi, waitForChat } from './support/browser';

/**
 * Hihi as an installable web app (issue 22 item 7, SPEC §10): the one service worker registers
 * and activates on a plain visit (no push asked for), the manifest parses and Chromium's install
 * criteria are met; offline, a reload still renders the shell from the worker's cache and says it
 * is offline (en and zh, 375 px, axe clean); back online, it reconnects.
 */
const suite = browserSuite();

/** What an offline page logs of itself: requests the browser could not send. */
const OFFLINE_NOISE = [/ERR_INTERNET_DISCONNECTED/, /Failed to load resource/, /Failed to fetch/, /HttpErrorResponse/];

async function activeWorker(person: Person): Promise<string> {
  return person.page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return `${registration.active?.state} ${registration.active?.scriptURL} ${registration.scope}`;
  });
}

it.each([
  ['en-US', 'You are offline'],
  ['zh-CN', '你已离线'],
])(
  '%s: the service worker activates, the app is installable, the shell loads offline',
  async (locale, offline) => {
    const account = await suite.account('pwa');
    const person = await suite.person(locale);
    const { page, context } = person;
    await page.setViewportSize({ width: 375, height: 740 });
    await signInViaUi(page, account);

    expect(await activeWorker(person)).toBe(`activated ${suite.stack.url}/push-sw.js ${suite.stack.url}/`);
    // the page is controlled once the worker has claimed it (clients.claim on activate)
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as {
      url: string;
      errors: unknown[];
      parsed?: { name?: string; display?: string; icons?: unknown[] };
    };
    expect(manifest.url).toBe(`${suite.stack.url}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const installability = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    // a Playwright browser context is an incognito profile, where Chromium never offers to
    // install; that one is about the profile, every other criterion is about the app
    const errors = installability.installabilityErrors.map((e) => e.errorId);
    expect(errors.filter((id) => id !== 'in-incognito')).toEqual([]);
    const cached = await page.evaluate(async () => {
      const keys = await caches.keys();
      const cache = await caches.open(keys[0]);
      return { keys, urls: (await cache.keys()).map((r) => new URL(r.url).pathname) };
    });
    expect(cached.keys).toEqual(['hihi-shell-v1']);
    expect(cached.urls).toContain('/index.html');
    expect(cached.urls.some((u) => /^\/main-[A-Z0-9]+\.js$/.test(u))).toBe(true);
    expect(cached.urls.some((u) => u.startsWith('/api') || u.startsWith('/socket.io'))).toBe(false);

    person.expected = OFFLINE_NOISE;
    await context.setOffline(true);
    await page.reload();
    // the shell came from the worker's cache (no network at all)
    await page.locator('#composer-box').waitFor();
    // Chromium's offline emulation leaves navigator.onLine true in a document loaded while
    // emulated; the offline event fires again when the emulation is switched off and on
    await context.setOffline(false);
    await context.setOffline(true);
    const banner = page.locator('[data-testid="offline"]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(offline);
    // the banner says it; no raw browser error ("Failed to fetch") beside it
    expect(await page.locator('body').innerText()).not.toMatch(/Failed to fetch|TypeError/);
    await page.locator('#composer-box').waitFor();
    await screenshot(page, `pwa-offline-${locale}-375`);
    await expectAccessible(page, `offline shell ${locale} 375`);

    await context.setOffline(false);
    await banner.waitFor({ state: 'detached' });
    await page.reload();
    await waitForChat(page);
  },
  90_000,
);

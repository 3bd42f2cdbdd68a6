import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { repoRoot } from '../../libs/infra/src';

/** Debian's Chromium (override with CHROMIUM_PATH). */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

export const ARTIFACTS = join(repoRoot(), 'artifacts', 'e2e');

/** How long a UI expectation may take (live delivery, duck replies, page loads). */
export const UI_TIMEOUT = 10_000;

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** One browser context = one person: its own storage, its own page, and a record of what went wrong. */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** console errors, uncaught page errors and failed requests, as text */
  errors: string[];
  /** alert/confirm/prompt dialogs that fired (each is dismissed) */
  dialogs: string[];
  /** API responses with status >= 400: "401 GET /api/me" */
  httpErrors: string[];
  /** console errors this test expects of this person (beyond the 401s every test expects) */
  expected?: RegExp[];
}

export async function newPerson(browser: Browser, base: string, opts: BrowserContextOptions = {}): Promise<Person> {
  const context = await browser.newContext({
    baseURL: base,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    ...opts,
  });
  context.setDefaultTimeout(UI_TIMEOUT);
  const page = await context.newPage();
  const person: Person = { context, page, errors: [], dialogs: [], httpErrors: [] };
  watch(person, page);
  return person;
}

/** Records console errors, page errors, dialogs and HTTP errors of a page into its person. */
export function watch(person: Person, page: Page): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') person.errors.push(`console: ${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => person.errors.push(`pageerror: ${err.message}`));
  page.on('dialog', (dialog) => {
    person.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('response', (res) => {
    if (res.status() < 400) return;
    const line = `${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`;
    const at = person.httpErrors.push(line) - 1;
    res.text().then(
      (body) => (person.httpErrors[at] = `${line} ${body.slice(0, 500)}`),
      () => undefined,
    );
  });
}

/**
 * Console errors other than the browser's own "Failed to load resource … 401" lines, which are
 * expected (an expired or absent token is answered 401 and the client refreshes or signs in).
 */
export function unexpectedErrors(person: Person, alsoExpected: RegExp[] = []): string[] {
  const expected = [
    /Failed to load resource: the server responded with a status of 401\b/,
    ...(person.expected ?? []),
    ...alsoExpected,
  ];
  return person.errors.filter((e) => !expected.some((re) => re.test(e)));
}

/**
 * When a handshake is refused (`connect_error: unauthorized`) or the server closes a socket (a
 * deactivated account, a revoked session), that Engine.IO session ends; a long-polling GET already
 * in flight then gets 400 "Session ID unknown".
 */
export const REFUSED_HANDSHAKE_POLL =
  /status of 400 \(Bad Request\) @ \S+\/socket\.io\/\?EIO=4&transport=polling\S*&sid=/;

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** A fresh, valid, unique username. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(3).toString('hex')}`;
}

export const PASSWORD = 'quack-quack-Pond-42';

export interface Account {
  username: string;
  password: string;
  displayName?: string;
}

/** Fills and submits the register page; ends on the chat page. */
export async function registerViaUi(page: Page, account: Account): Promise<void> {
  await page.goto('/register');
  await page.locator('#reg-username').fill(account.username);
  if (account.displayName !== undefined) await page.locator('#reg-display').fill(account.displayName);
  await page.locator('#reg-password').fill(account.password);
  await page.locator('#reg-confirm').fill(account.password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL('**/chat');
  await waitForChat(page);
}

/** Fills and submits the sign-in page; ends on the chat page. */
export async function signInViaUi(page: Page, account: Account, remember = false): Promise<void> {
  if (!page.url().endsWith('/login')) await page.goto('/login');
  await page.locator('#login-username').fill(account.username);
  await page.locator('#login-password').fill(account.password);
  const box = page.locator('input[type=checkbox][formcontrolname=remember]');
  if (remember) await box.check();
  else await box.uncheck();
  await page.locator('form button[type=submit]').click();
  await page.waitForURL('**/chat');
  await waitForChat(page);
}

/** Registers over the API (faster than the UI when the form itself is not under test). */
export async function registerViaApi(base: string, account: Account): Promise<void> {
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (res.status !== 201) throw new Error(`register ${account.username}: ${res.status} ${await res.text()}`);
}

/** The chat page is up: a room is open and the composer can be typed into. */
export async function waitForChat(page: Page): Promise<void> {
  await page.locator('hihi-message-list').waitFor();
  await page.locator('#composer-box:not([disabled])').waitFor();
}

/** The title of the open room, e.g. "Lobby". */
export function roomTitle(page: Page): Locator {
  return page.locator('.topbar h1');
}

/** Message bubbles whose whole text is exactly `text`. */
export function bubble(page: Page, text: string): Locator {
  return page.locator('.msg__bubble').filter({ hasText: new RegExp(`^\\s*${escapeRe(text)}\\s*$`) });
}

/** Types into the composer and presses Enter; waits until the server acknowledged it (no longer pending). */
export async function sendMessage(page: Page, text: string, via: 'enter' | 'button' = 'enter'): Promise<void> {
  const box = page.locator('#composer-box');
  await box.fill(text);
  if (via === 'enter') await box.press('Enter');
  else await page.locator('.composer__send').click();
  const mine = page.locator('article.msg--mine').filter({ has: bubble(page, text) });
  await mine.last().waitFor();
  await page
    .locator('article.msg--mine.msg--pending, article.msg--mine.msg--failed')
    .filter({ has: bubble(page, text) })
    .waitFor({ state: 'detached' });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The width the document could be scrolled to (more than the viewport = sideways scrolling). */
export async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => (document.scrollingElement ?? document.documentElement).scrollWidth);
}

/**
 * Runs a test body; when it fails, saves a screenshot of every page of the given people and the
 * logs of the stack's services to artifacts/e2e/FAILED-<name>-*, then rethrows.
 */
export async function onFailureSave(
  name: string,
  people: () => Person[],
  stack: { procs: { service: string; lines: string[] }[] },
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (err) {
    mkdirSync(ARTIFACTS, { recursive: true });
    let i = 0;
    for (const p of people()) {
      for (const page of p.context.pages()) {
        await page.screenshot({ path: join(ARTIFACTS, `FAILED-${name}-${i++}.png`) }).catch(() => undefined);
      }
      if (p.errors.length || p.httpErrors.length) {
        writeFileSync(join(ARTIFACTS, `FAILED-${name}-browser-${i}.txt`), [...p.errors, ...p.httpErrors].join('\n'));
      }
    }
    stack.procs.forEach((proc, n) =>
      writeFileSync(join(ARTIFACTS, `FAILED-${name}-${proc.service}-${n}.log`), proc.lines.join('\n')),
    );
    throw err;
  }
}

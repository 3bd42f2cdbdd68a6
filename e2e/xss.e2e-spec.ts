import type { Browser, Page } from 'playwright-core';
import { Stack } from '../test/support/stack';
import {
  type Account,
  bubble,
  launchBrowser,
  newPerson,
  PASSWORD,
  type Person,
  registerViaUi,
  roomTitle,
  screenshot,
  sendMessage,
  uniqueName,
  unexpectedErrors,
  waitForChat,
  onFailureSave,
} from './support/browser';

const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=1</script>';
const TEMPLATE = "{{ constructor.constructor('window.__xss=1')() }}";

/** Did anything hostile get into the DOM or run? */
async function injected(page: Page): Promise<{ xss: unknown; imgs: number; inlineScripts: number }> {
  return page.evaluate(() => ({
    xss: (window as unknown as { __xss?: unknown }).__xss,
    imgs: document.querySelectorAll('img[src="x"], img[onerror]').length,
    inlineScripts: Array.from(document.scripts).filter((s) => (s.textContent ?? '').includes('__xss')).length,
  }));
}

const CLEAN = { xss: undefined, imgs: 0, inlineScripts: 0 };

/** Text is text: hostile messages, display names and room names show literally and run nothing. */
describe('web client: no HTML injection (browser)', () => {
  const stack = new Stack();
  let browser: Browser;
  let mallory: Person;
  let victim: Person;

  beforeAll(async () => {
    await stack.start();
    browser = await launchBrowser();
    mallory = await newPerson(browser, stack.url);
    victim = await newPerson(browser, stack.url);
  }, 90_000);

  afterAll(async () => {
    await mallory?.context.close();
    await victim?.context.close();
    await browser?.close();
    await stack.stop();
  }, 30_000);

  it(
    'hostile message text, display name and room name render as text and run nothing',
    () =>
      onFailureSave(
        'xss',
        () => [mallory, victim],
        stack,
        async () => {
          const m: Account = { username: uniqueName('mallory'), password: PASSWORD, displayName: IMG };
          const v: Account = { username: uniqueName('victim'), password: PASSWORD, displayName: 'Victim' };

          await registerViaUi(victim.page, v);
          await registerViaUi(mallory.page, m);
          // her own display name, literally
          await mallory.page.locator('.sidebar__display').getByText(IMG, { exact: true }).waitFor();

          // hostile messages in the lobby, seen live by the victim
          for (const text of [IMG, SCRIPT, TEMPLATE]) await sendMessage(mallory.page, text);
          for (const text of [IMG, SCRIPT, TEMPLATE]) await bubble(victim.page, text).waitFor();
          const fromMallory = victim.page.locator('article.msg').filter({ has: bubble(victim.page, IMG) });
          await fromMallory.locator('.msg__name').getByText(IMG, { exact: true }).waitFor(); // the display name

          // a room with a hostile name
          await mallory.page.locator('hihi-new-chat button').filter({ hasText: 'New room' }).click();
          await mallory.page.locator('#new-chat-input').fill(SCRIPT);
          await mallory.page.locator('#new-chat-form button[type=submit]').click();
          await roomTitle(mallory.page).getByText(SCRIPT, { exact: true }).waitFor();
          await mallory.page.locator('.room__name').getByText(SCRIPT, { exact: true }).waitFor();
          const inRoom = `${IMG} ${SCRIPT}`;
          await sendMessage(mallory.page, inRoom);
          await screenshot(mallory.page, '06-xss-mallory');

          // the victim finds the room (after a reload: history path rather than live path) in the
          // directory — public rooms one has not joined are listed there (SPEC §7), the name as text too
          await victim.page.reload();
          await waitForChat(victim.page);
          for (const text of [IMG, SCRIPT, TEMPLATE]) await bubble(victim.page, text).waitFor(); // lobby history
          await victim.page.getByRole('button', { name: 'Browse rooms' }).click();
          await victim.page.locator('#directory-search').fill('script');
          const listed = victim.page.locator('#side-panel .item').filter({ hasText: SCRIPT });
          await listed.locator('.item__name').getByText(SCRIPT, { exact: true }).waitFor();
          await listed.getByRole('button', { name: /^Join / }).click();
          await roomTitle(victim.page).getByText(SCRIPT, { exact: true }).waitFor();
          await bubble(victim.page, inRoom).waitFor();
          await victim.page.locator('article.msg .msg__name').getByText(IMG, { exact: true }).first().waitFor();
          await screenshot(victim.page, '07-xss-victim');

          for (const p of [mallory, victim]) {
            expect(await injected(p.page)).toEqual(CLEAN);
            expect(await p.page.title()).not.toMatch(/<|__xss/);
            expect({ errors: unexpectedErrors(p), dialogs: p.dialogs }).toEqual({ errors: [], dialogs: [] });
          }
        },
      ),
    60_000,
  );
});

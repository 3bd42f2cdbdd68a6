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
  roomTitle,
  screenshot,
  scrollWidth,
  sendMessage,
  signInViaUi,
  uniqueName,
  unexpectedErrors,
  onFailureSave,
} from './support/browser';

const PHONE = { width: 375, height: 667 };

/** The phone layout: no sideways scrolling, and chatting works. */
describe('web client: phone layout at 375 px (browser)', () => {
  const stack = new Stack();
  let browser: Browser;
  let phone: Person;

  beforeAll(async () => {
    await stack.start();
    browser = await launchBrowser();
    phone = await newPerson(browser, stack.url, {
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
  }, 90_000);

  afterAll(async () => {
    await phone?.context.close();
    await browser?.close();
    await stack.stop();
  }, 30_000);

  it(
    'login, register and chat pages fit 375 px and a message can be sent',
    () =>
      onFailureSave(
        'phone',
        () => [phone],
        stack,
        async () => {
          const { page } = phone;
          const account: Account = { username: uniqueName('phone'), password: PASSWORD, displayName: 'Phone 手机' };
          await registerViaApi(stack.url, account);

          await page.goto('/login');
          await page.locator('#login-username').waitFor();
          expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
          await screenshot(page, '08-phone-login');

          await page.goto('/register');
          await page.locator('#reg-username').waitFor();
          expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);

          await signInViaUi(page, account, false);
          expect(await roomTitle(page).textContent()).toContain('Lobby');
          expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
          // the room list is a drawer, closed, and the composer is on screen
          const send = page.locator('.composer__send');
          const box = await send.boundingBox();
          expect(box).not.toBeNull();
          expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
          expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);

          const text = `sent from a phone 📱 ${Date.now()}`;
          await page.locator('#composer-box').tap();
          await sendMessage(page, text, 'button');
          // a long word and a long line do not widen the page either
          const long = `${'长'.repeat(120)} https://example.com/${'a'.repeat(300)}`;
          await sendMessage(page, long, 'button');
          await bubble(page, text).waitFor();
          expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
          const bubbleBox = await bubble(page, long).boundingBox();
          expect(bubbleBox!.x + bubbleBox!.width).toBeLessThanOrEqual(PHONE.width);
          await screenshot(page, '09-phone-chat');

          // the drawer opens over the chat, still without sideways scrolling, and closes again
          await page.getByRole('button', { name: 'Open room list' }).tap();
          await page.locator('.room__name').getByText('Lobby', { exact: true }).waitFor();
          expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
          await screenshot(page, '10-phone-drawer');
          await page.getByRole('button', { name: 'Close room list' }).tap();
          await page.getByRole('button', { name: 'Open room list' }).waitFor();

          expect({ errors: unexpectedErrors(phone), dialogs: phone.dialogs }).toEqual({ errors: [], dialogs: [] });
        },
      ),
    60_000,
  );
});

import type { Browser } from 'playwright-core';
import { DUCK } from '@hihi/contracts';
import { Stack } from '../test/support/stack';
import {
  bubble,
  launchBrowser,
  newPerson,
  type Person,
  screenshot,
  sendMessage,
  unexpectedErrors,
  waitForChat,
  onFailureSave,
} from './support/browser';

/** A visitor who has not signed in chats with 小黄鸭 as a guest. */
describe('web client: guest and the duck (browser)', () => {
  const stack = new Stack();
  let browser: Browser;
  let guest: Person | undefined;

  beforeAll(async () => {
    await stack.start();
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await guest?.context.close();
    await browser?.close();
    await stack.stop();
  }, 30_000);

  it(
    'a guest is greeted by the duck, sees only the duck room, and gets the echo',
    () =>
      onFailureSave(
        'guest',
        () => (guest ? [guest] : []),
        stack,
        async () => {
          guest = await newPerson(browser, stack.url);
          const { page } = guest;
          await page.goto('/');
          await page.waitForURL('**/login');
          await page.getByRole('button', { name: 'Chat with the duck as a guest' }).click();
          await page.waitForURL('**/chat');
          await waitForChat(page);

          // the duck's guest greeting, as a bot message
          const greeting = page.locator('article.msg--bot').filter({ has: bubble(page, DUCK.greetingGuest) });
          await greeting.first().waitFor();
          expect(await greeting.locator('.msg__name').first().textContent()).toContain(DUCK.displayName);
          // with the duck's picture above it, as on the seed's chat page
          expect(await greeting.first().locator('.msg__picture svg').count()).toBe(1);

          // nothing but the duck room: one room in the list, the duck room open, no lobby, no room or DM creation
          expect(await page.locator('.room').count()).toBe(1);
          expect((await page.locator('.room__name').textContent())?.trim()).toBe('Little Yellow Duck');
          expect(await page.locator('.room--active').count()).toBe(1);
          expect((await page.locator('.topbar h1').textContent())?.trim()).toBe('Little Yellow Duck');
          expect(await page.getByText('Lobby', { exact: true }).count()).toBe(0);
          expect(await page.locator('hihi-new-chat').count()).toBe(0);
          expect(await page.locator('hihi-online-list').count()).toBe(0);
          expect(await page.locator('.sidebar__me .tag').textContent()).toBeTruthy(); // the guest badge
          await page.locator('.guest-bar a[href="/login"]').waitFor(); // and a way to sign in

          // the duck echoes what it has not learned, as a bot message after the guest's own
          const text = `紫色长颈鹿 purple giraffe ${Date.now()}`;
          await sendMessage(page, text);
          const echo = page.locator('article.msg--bot').filter({ has: bubble(page, text) });
          await echo.waitFor();
          expect(
            await page
              .locator('article.msg--mine')
              .filter({ has: bubble(page, text) })
              .count(),
          ).toBe(1);
          const order = await page.locator('.msg__bubble').allTextContents();
          expect(order.map((t) => t.trim()).slice(-2)).toEqual([text, text]);
          await screenshot(page, '05-guest-duck');

          // in Chinese the page itself tells the guest the same thing, and the duck room is 小黄鸭
          await page.getByRole('button', { name: '切换到中文' }).click();
          await page.locator('.guest-bar').getByText(DUCK.greetingGuest, { exact: true }).waitFor();
          expect((await page.locator('.room__name').textContent())?.trim()).toBe(DUCK.displayName);
          await screenshot(page, '05b-guest-duck-zh');

          // the guest cannot reach the lobby: the REST API agrees with what is shown
          const token = await page.evaluate(() => {
            const raw = sessionStorage.getItem('hihi.session') ?? localStorage.getItem('hihi.session');
            return raw ? (JSON.parse(raw) as { accessToken: string }).accessToken : '';
          });
          const rooms = await fetch(`${stack.url}/api/rooms`, { headers: { authorization: `Bearer ${token}` } });
          expect(rooms.status).toBe(200);
          const list = (await rooms.json()) as { kind: string }[];
          expect(list.map((r) => r.kind)).toEqual(['bot']);
          const lobby = await fetch(`${stack.url}/api/rooms/lobby/messages`, {
            headers: { authorization: `Bearer ${token}` },
          });
          expect(lobby.status).toBe(403);

          expect({ errors: unexpectedErrors(guest), dialogs: guest.dialogs }).toEqual({ errors: [], dialogs: [] });
        },
      ),
    60_000,
  );
  it(
    'a guest asks the duck how to register and gets an answer (the trained duck), in Chinese and English',
    () =>
      onFailureSave(
        'guest-asks',
        () => (guest ? [guest] : []),
        stack,
        async () => {
          guest ??= await newPerson(browser, stack.url);
          const { page } = guest;
          if (!page.url().endsWith('/chat')) {
            await page.goto('/');
            await page.waitForURL('**/login');
            await page
              .getByRole('button', { name: /guest|游客|小黄鸭/ })
              .first()
              .click();
            await page.waitForURL('**/chat');
            await waitForChat(page);
          }
          for (const [question, expected] of [
            ['怎么注册账号?', /注册/],
            ['How do I register?', /Register/],
          ] as const) {
            const before = await page.locator('article.msg--bot').count();
            await sendMessage(page, question);
            // a bot message after the question that is not its echo, and says how to register
            await page.waitForFunction((n) => document.querySelectorAll('article.msg--bot').length > n, before, {
              timeout: 20_000,
            });
            const answer = (await page.locator('article.msg--bot .msg__bubble').last().textContent())?.trim() ?? '';
            expect(answer).not.toBe(question);
            expect(answer).toMatch(expected);
          }
          await screenshot(page, '05c-guest-asks-duck');
        },
      ),
    60_000,
  );
});

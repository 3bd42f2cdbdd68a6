import type { Locator, Page } from 'playwright-core';
import {
  newPerson,
  screenshot,
  scrollWidth,
  sendMessage,
  signInViaUi,
  onFailureSave,
  UI_TIMEOUT,
} from './support/browser';
import { browserSuite } from './support/suite';
import {
  createRoomViaApi,
  joinRoomViaApi,
  loginViaApi,
  notifications,
  openDmViaApi,
  openRoom,
  recordNotifications,
  roomsViaApi,
  setTabHidden,
  type SeenNotification,
} from './support/conversations';

/** Polls until the condition holds (or fails after UI_TIMEOUT). */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + UI_TIMEOUT;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Types markdown into the composer, sends it and waits until it is stored (no longer pending). */
async function sendRaw(page: Page, text: string): Promise<void> {
  await page.locator('#composer-box').fill(text);
  await page.locator('#composer-box').press('Enter');
  await page.locator('article.msg--pending, article.msg--failed').first().waitFor({ state: 'detached' });
}

/** The (others') message row whose bubble contains this text. */
function rowWith(page: Page, text: string): Locator {
  return page.locator('article.msg').filter({ has: page.locator('.msg__bubble', { hasText: text }) });
}

/** Formatting, links, mentions, the tab title and notifications: the client side of issue 13. */
describe('web client: formatting, mentions and notifications (browser)', () => {
  const suite = browserSuite();
  const { stack, people } = suite;

  const person = (locale?: string) => suite.person(locale);

  it(
    'renders markdown-lite safely: formatting, safe links in a new tab, no javascript: links',
    () =>
      onFailureSave(
        'formatting',
        () => people,
        stack,
        async () => {
          const alice = await suite.account('fmt_a', 'Alice');
          const bob = await suite.account('fmt_b', 'Bob');
          const a = await person();
          const b = await person();
          await signInViaUi(a.page, alice);
          await signInViaUi(b.page, bob);

          const tag = Date.now().toString(36);
          await sendRaw(
            a.page,
            `**bold ${tag}** _italic_ ~~gone~~ \`x<y\` see https://example.com/path?q=1 or ` +
              `[docs](https://example.org/docs) but not [evil](javascript:alert(1)) nor [data](data:text/html,hi)`,
          );
          await sendRaw(a.page, `> quoted ${tag}\n\n- one\n- two\n\n\`\`\`\nconst x = '<b>';\n\`\`\``);

          const row = rowWith(b.page, `bold ${tag}`);
          await row.waitFor();
          expect(await row.locator('strong').textContent()).toBe(`bold ${tag}`);
          expect(await row.locator('em').textContent()).toBe('italic');
          expect(await row.locator('s').textContent()).toBe('gone');
          expect(await row.locator('code').textContent()).toBe('x<y');
          const links = await row
            .locator('.msg__bubble a')
            .evaluateAll((as) =>
              as.map((el) => [
                el.getAttribute('href'),
                el.getAttribute('target'),
                el.getAttribute('rel'),
                el.textContent,
              ]),
            );
          expect(links).toEqual([
            ['https://example.com/path?q=1', '_blank', 'noopener noreferrer', 'https://example.com/path?q=1'],
            ['https://example.org/docs', '_blank', 'noopener noreferrer', 'docs'],
          ]);
          expect(await row.locator('.msg__bubble').textContent()).toContain('[evil](javascript:alert(1))');

          const block = rowWith(b.page, `quoted ${tag}`);
          expect(await block.locator('blockquote').textContent()).toContain(`quoted ${tag}`);
          expect(await block.locator('ul li').allTextContents()).toEqual(['one', 'two']);
          expect(await block.locator('pre code').textContent()).toBe("const x = '<b>';");
          expect(await b.page.locator('a[href^="javascript"], a[href^="data"], .msg__bubble b').count()).toBe(0);

          // a link opens in a new tab that cannot reach back to us
          const [popup] = await Promise.all([
            b.context.waitForEvent('page'),
            row.locator('a', { hasText: 'docs' }).click({ modifiers: [] }),
          ]);
          expect(await popup.evaluate(() => window.opener)).toBeNull();
          await popup.close();
          await screenshot(b.page, '20-formatting');
        },
      ),
    90_000,
  );

  it(
    '@ in the composer offers the room members (keyboard), and my mentions are highlighted (zh)',
    () =>
      onFailureSave(
        'mentions',
        () => people,
        stack,
        async () => {
          const alice = await suite.account('men_a', '小爱');
          const bob = await suite.account('men_b', '小波');
          const a = await person('zh-CN');
          const b = await person('zh-CN');
          await signInViaUi(a.page, alice);
          await signInViaUi(b.page, bob);
          await sendMessage(b.page, `大家好 ${Date.now()}`);

          const box = a.page.locator('#composer-box');
          await box.fill('');
          await box.pressSequentially(`你好 @${bob.username.slice(0, 6)}`);
          const option = a.page.locator('#mention-list [role=option]', { hasText: `@${bob.username}` });
          await option.waitFor();
          expect(await option.textContent()).toContain('小波');
          // a textbox has no aria-expanded (axe: aria-allowed-attr); it points at the list instead
          expect(await box.getAttribute('aria-controls')).toBe('mention-list');
          await screenshot(a.page, '21-mention-autocomplete');
          await box.press('Tab');
          expect(await box.inputValue()).toBe(`你好 @${bob.username} `);
          await a.page.locator('#mention-list').waitFor({ state: 'detached' });

          // Esc closes the list without inserting
          await box.pressSequentially('@');
          await a.page.locator('#mention-list').waitFor();
          await box.press('Escape');
          await a.page.locator('#mention-list').waitFor({ state: 'detached' });
          await box.press('Backspace');
          await box.press('Enter');

          const mention = b.page.locator('.mention--me', { hasText: `@${bob.username}` });
          await mention.waitFor();
          expect(await a.page.locator('.mention--me').count()).toBe(0); // not Alice's own mention
          await screenshot(b.page, '22-mention-highlighted');
        },
      ),
    90_000,
  );

  it(
    'notifies a DM and a mention while the tab is hidden, counts them in the title, and marks where the new ones start',
    () =>
      onFailureSave(
        'notifications',
        () => people,
        stack,
        async () => {
          const alice = await suite.account('note_a', 'Alice');
          const bob = await suite.account('note_b', 'Bob');
          await roomsViaApi(stack.url, (await loginViaApi(stack.url, alice)).accessToken);
          const bobTokens = await loginViaApi(stack.url, bob);
          const dm = await openDmViaApi(stack.url, bobTokens.accessToken, alice.username);

          const a = await person();
          await recordNotifications(a.context, stack.url);
          await signInViaUi(a.page, alice);
          const b = await person();
          await signInViaUi(b.page, bob);

          // the bell knows the permission is granted: it shows the room's notification level (the
          // lobby, a public room, defaults to mentions only)
          await a.page.locator('.topbar__bell[aria-label*="mentions only"]').waitFor();
          // Alice's client joins her DMs in the background; give it a moment
          await a.page.locator('nav[aria-labelledby="rooms-dms"] .room').waitFor();
          await a.page.waitForTimeout(1000);
          // the duck's greeting is already unread: count from there
          const unreadBefore = Number(/^\((\d+)\) /.exec(await a.page.title())?.[1] ?? 0);
          const title = (n: number) => (n > 0 ? `(${n}) Hihi Chat · 嗨嗨聊天室` : 'Hihi Chat · 嗨嗨聊天室');
          const titleIs = (n: number) =>
            waitFor(async () => (await a.page.title()) === title(n)).catch(async (err) => {
              throw new Error(`${err}: title is ${await a.page.title()}, expected ${title(n)}`);
            });
          await setTabHidden(a.page, true);

          await b.page.locator('nav[aria-labelledby="rooms-dms"] .room').first().click();
          await b.page.locator('.topbar__hash', { hasText: '@' }).waitFor();
          const secret = `a secret for Alice ${Date.now()}`;
          await sendMessage(b.page, secret);
          await b.page.locator('nav[aria-labelledby="rooms-rooms"] .room', { hasText: 'Lobby' }).click();
          await b.page.locator('.topbar h1', { hasText: 'Lobby' }).waitFor();
          const call = `hey @${alice.username} look ${Date.now()}`;
          await sendMessage(b.page, call);

          const expected: Partial<SeenNotification>[] = [
            { title: 'Message from Bob', body: secret, tag: dm.id },
            { title: 'Bob mentioned you in Lobby', body: call, tag: 'lobby' },
          ];
          await waitFor(async () => (await notifications(a.page)).length >= expected.length);
          expect(await notifications(a.page)).toEqual(expected.map((n) => expect.objectContaining(n)));
          await titleIs(unreadBefore + 2); // the DM and the mention in the open (hidden) lobby

          // back on the tab: the count goes, the DM shows where its new messages start
          await setTabHidden(a.page, false);
          await titleIs(unreadBefore + 1);
          await a.page.locator('nav[aria-labelledby="rooms-dms"] .room').first().click();
          await a.page.locator('.unread-divider', { hasText: 'New messages' }).waitFor();
          await titleIs(unreadBefore);
          await screenshot(a.page, '23-unread-divider');

          // the room's level to "nothing" (all → mentions → nothing): nothing more from it
          await a.page.locator('.topbar__bell').click();
          await a.page.locator('.topbar__bell[aria-label*="mentions only"]').waitFor();
          await a.page.locator('.topbar__bell').click();
          await a.page.locator('.topbar__bell[aria-label*="nothing"]').waitFor();
          await setTabHidden(a.page, true);
          await b.page.locator('nav[aria-labelledby="rooms-dms"] .room').first().click();
          await b.page.locator('.topbar h1', { hasText: 'Alice' }).waitFor();
          await sendMessage(b.page, `muted ${Date.now()}`);
          await a.page.waitForTimeout(1000);
          expect(await notifications(a.page)).toHaveLength(2);
        },
      ),
    90_000,
  );

  it(
    'at 375 px: a long press opens the actions, replying and formatting keep the page from scrolling sideways',
    () =>
      onFailureSave(
        'phone-actions',
        () => people,
        stack,
        async () => {
          const account = await suite.account('tap', '手机 Phone');
          const p = await newPerson(suite.browser(), stack.url, {
            locale: 'zh-CN',
            viewport: { width: 375, height: 667 },
            isMobile: true,
            hasTouch: true,
            deviceScaleFactor: 2,
          });
          people.push(p);
          await signInViaUi(p.page, account);
          const tag = Date.now().toString(36);
          await sendRaw(
            p.page,
            `**长按我** ${tag} https://example.com/${'a'.repeat(120)}\n\n\`\`\`\n${'x'.repeat(200)}\n\`\`\``,
          );
          const mine = rowWith(p.page, `长按我`);
          await mine.waitFor();
          const bubbleBox = mine.locator('.msg__bubble');
          await bubbleBox.dispatchEvent('pointerdown', { pointerType: 'touch', isPrimary: true });
          await p.page.waitForTimeout(700);
          await bubbleBox.dispatchEvent('pointerup', { pointerType: 'touch', isPrimary: true });
          await p.page.locator('article.msg--menu .msg__actions').waitFor();
          expect(await scrollWidth(p.page)).toBeLessThanOrEqual(375);
          await screenshot(p.page, '27-phone-long-press');
          await p.page.locator('article.msg--menu .msg__actions [aria-label="回复"]').click();
          await p.page.locator('.reply').waitFor();
          expect(await scrollWidth(p.page)).toBeLessThanOrEqual(375);
          const send = await p.page.locator('.composer__send').boundingBox();
          expect(send!.x + send!.width).toBeLessThanOrEqual(375);
          await screenshot(p.page, '28-phone-reply');
        },
      ),
    90_000,
  );
  it(
    'keeps a draft per room in the composer, and a mention in a room never opened shows in the room list at once',
    () =>
      onFailureSave(
        'drafts',
        () => people,
        stack,
        async () => {
          const alice = await suite.account('dr_a', 'Alice');
          const bob = await suite.account('dr_b', 'Bob');
          const tag = Date.now().toString(36);
          const aliceTokens = await loginViaApi(stack.url, alice);
          const bobTokens = await loginViaApi(stack.url, bob);
          const room = await createRoomViaApi(stack.url, aliceTokens.accessToken, `Drafts ${tag}`);
          // bob is a member who has never opened it (public rooms are joined explicitly: SPEC §7)
          await joinRoomViaApi(stack.url, bobTokens.accessToken, room.id);
          const a = await person();
          const b = await person();
          await signInViaUi(a.page, alice);
          await signInViaUi(b.page, bob);

          // a draft stays with the room it was written in
          const box = a.page.locator('#composer-box');
          await openRoom(a.page, /Lobby|大厅/);
          await box.fill(`lobby draft ${tag}`);
          await openRoom(a.page, room.name);
          expect(await box.inputValue()).toBe('');
          await sendRaw(a.page, `@${bob.username} have a look ${tag}`);
          await openRoom(a.page, /Lobby|大厅/);
          expect(await box.inputValue()).toBe(`lobby draft ${tag}`);
          await screenshot(a.page, '29-draft-kept');

          // bob never opened that room: the mention shows in his room list without a reload
          const badge = b.page.locator('.room').filter({ hasText: room.name }).locator('.room__mentions');
          await badge.waitFor();
          expect(await badge.textContent()).toContain('1');
          // alice's typing in the lobby ended when she left it (not sent to the room she went to);
          // typing states reach the room at most every SOCKET_COALESCE_MS (500 ms), well before
          // a receiver's own TYPING_TTL_MS (6 s) would clear it
          await b.page.locator('.typing', { hasText: 'Alice' }).waitFor({ state: 'detached', timeout: 2500 });
          expect(await b.page.locator('.typing').textContent()).not.toContain('Alice');
          await screenshot(b.page, '30-mention-in-unopened-room');
        },
      ),
    90_000,
  );
});

import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { CLIENT_EVENTS } from '@hihi/contracts';
import { ack, connect, type Client } from '../test/integration/chat-helpers';
import { axeViolations, checkAccessible, expectAllAccessible, saveAxeReport } from './support/axe';
import {
  type Account,
  bubble,
  onFailureSave,
  roomTitle,
  screenshot,
  scrollWidth,
  sendMessage,
  signInViaUi,
  UI_TIMEOUT,
  waitForChat,
} from './support/browser';
import { loginViaApi } from './support/conversations';
import { browserSuite } from './support/suite';

const WIDTHS = [1280, 375] as const;
const LANGS = [
  { lang: 'en', locale: 'en-US' },
  { lang: 'zh', locale: 'zh-CN' },
] as const;

async function upload(base: string, token: string, name: string, type: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${base}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function send(client: Client, text: string, extra: { replyTo?: string; attachments?: string[] } = {}) {
  const res = await ack(client, CLIENT_EVENTS.messageSend, {
    roomId: 'lobby',
    text,
    clientMsgId: randomUUID(),
    ...extra,
  });
  if (!res.ok) throw new Error(`send: ${JSON.stringify(res)}`);
  return res.message as { id: string; seq: number };
}

/** Presses Tab (Shift+Tab when `back`) until the focused element matches `selector`. */
async function tabTo(page: Page, selector: string, back = false, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
  throw new Error(`Tab never reached ${selector} (focus is on ${at})`);
}

/** The focused element matches `selector`. */
async function focused(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((s) => !!document.activeElement?.matches(s), selector);
}

/** Waits until the focus is on an element matching `selector` (focus moves after a render). */
async function focusOn(page: Page, selector: string): Promise<void> {
  try {
    await page.waitForFunction((s) => !!document.activeElement?.matches(s), selector, { timeout: UI_TIMEOUT });
  } catch {
    const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200));
    throw new Error(`the focus never reached ${selector} (it is on ${at})`);
  }
}

/** On a phone the sidebar is a drawer: open it (no-op on a wide screen). */
async function openDrawer(page: Page): Promise<void> {
  const menu = page.locator('.topbar__menu');
  if (await menu.isVisible()) {
    await menu.click();
    await page.locator('.shell--drawer').waitFor();
  }
}

async function closeDrawer(page: Page): Promise<void> {
  // Escape closes what is open inside the drawer first (a form), then the drawer
  for (let i = 0; i < 3 && (await page.locator('.shell--drawer').count()); i++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(50);
  }
  await page.locator('.shell--drawer').waitFor({ state: 'detached' });
}

/**
 * Issue 25: WCAG 2.1 AA. axe-core (injected through the test browser; the gateway's CSP stays
 * strict) finds no serious or critical violation on any view in 中文 and English at 1280 and
 * 375 px; the keyboard alone sends, replies, reacts and opens a DM; reflow at 320 px.
 */
describe('web client: accessibility (browser, axe-core WCAG 2.1 AA)', () => {
  const suite = browserSuite();
  const { stack, people } = suite;
  let alice: Account;
  let bob: Account;
  const tag = Date.now().toString(36);
  const picked = `look at the duck ${tag}`;
  /** seq of Bob's message with the picture */
  let pickedSeq = 0;
  /** a private room Alice owns: its settings panel is checked too */
  const ownRoom = `Tea ${tag}`;

  beforeAll(async () => {
    alice = await suite.account('a11y_a', 'Alice');
    bob = await suite.account('a11y_b', 'Bob 小波');
    const at = await loginViaApi(stack.url, alice);
    const bt = await loginViaApi(stack.url, bob);
    const created = await fetch(`${stack.url}/api/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${at.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: ownRoom, kind: 'private', topic: 'oolong only' }),
    });
    expect(created.status).toBe(201);
    const a = await connect(stack.url, at.accessToken);
    const b = await connect(stack.url, bt.accessToken);
    try {
      for (const c of [a, b]) expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId: 'lobby' })).ok).toBe(true);
      // a conversation with every kind of message: markdown, a reply, reactions, an edit, a deletion, files
      const first = await send(a, `Hello pond, **welcome**! See https://example.org/duck ${tag}`);
      await send(b, `谢谢 @${alice.username}，很高兴见到你`, { replyTo: first.id });
      expect(
        (await ack(b, CLIENT_EVENTS.messageReact, { roomId: 'lobby', messageId: first.id, emoji: '👍', on: true })).ok,
      ).toBe(true);
      expect(
        (await ack(a, CLIENT_EVENTS.messageReact, { roomId: 'lobby', messageId: first.id, emoji: '🦆', on: true })).ok,
      ).toBe(true);
      const typo = await send(a, `a typo ${tag}`);
      expect(
        (await ack(a, CLIENT_EVENTS.messageEdit, { roomId: 'lobby', messageId: typo.id, text: `fixed ${tag}` })).ok,
      ).toBe(true);
      const gone = await send(b, `oops ${tag}`);
      expect((await ack(b, CLIENT_EVENTS.messageDelete, { roomId: 'lobby', messageId: gone.id })).ok).toBe(true);
      const png = await sharp(
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="240"><rect width="100%" height="100%" fill="#ffe98f"/><circle cx="200" cy="120" r="80" fill="#f472a0"/></svg>',
        ),
      )
        .png()
        .toBuffer();
      const image = await upload(stack.url, bt.accessToken, 'duck.png', 'image/png', png);
      const notes = await upload(stack.url, bt.accessToken, 'notes.txt', 'text/plain', Buffer.from('quack\n'));
      pickedSeq = (await send(b, picked, { attachments: [image, notes] })).seq;
    } finally {
      a.socket.close();
      b.socket.close();
    }
  }, 60_000);

  afterAll(() => saveAxeReport('accessibility'));

  it(
    'no serious or critical axe violation on any view, in 中文 and English, at 1280 and 375 px',
    () =>
      onFailureSave(
        'a11y-axe',
        () => people,
        stack,
        async () => {
          for (const { lang, locale } of LANGS) {
            const p = await suite.person(locale);
            // the invalid verification link below is answered 400 (the page says so)
            p.expected = [/status of 400 \(Bad Request\) @ http:\/\/127\.0\.0\.1:\d+\/api\/me\/email\/verify$/];
            const { page } = p;
            for (const width of WIDTHS) {
              await page.setViewportSize({ width, height: width > 800 ? 800 : 740 });
              const view = (name: string) => `${name} ${lang} ${width}`;

              // sign-in and register, also with their error states
              await page.goto('/login');
              await page.locator('#login-username').waitFor();
              expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang === 'zh' ? 'zh-CN' : 'en');
              await checkAccessible(page, view('sign-in'));
              await screenshot(page, `a11y-sign-in-${lang}-${width}`);
              await page.goto('/register');
              await page.locator('#reg-username').waitFor();
              await page.locator('form button[type=submit]').click();
              await page.locator('.field__error').first().waitFor();
              await checkAccessible(page, view('register'));
              // forgot password (reached from sign-in): its error state, then what it says after
              await page.goto('/login');
              await page.locator('[data-testid=forgot-link]').click();
              await page.locator('#forgot-username').waitFor();
              await page.locator('form button[type=submit]').click();
              await page.locator('#forgot-username-hint .field__error').waitFor();
              await checkAccessible(page, view('forgot password'));
              await page.locator('#forgot-username').fill(`nobody_${lang}_${width}`);
              await page.locator('form button[type=submit]').click();
              await page.locator('[data-testid=forgot-sent]').waitFor();
              await checkAccessible(page, view('forgot password sent'));
              await screenshot(page, `a11y-forgot-sent-${lang}-${width}`);
              // an email verification link that is not (or no longer) valid
              await page.goto('/verify-email#token=' + 'x'.repeat(43));
              await page.locator('main .alert').waitFor();
              await checkAccessible(page, view('verify email failed'));

              // the guest's duck room
              await page.goto('/login');
              await page.locator('.btn--duck').click();
              await page.waitForURL('**/chat');
              await waitForChat(page);
              await page.locator('article.msg--bot').first().waitFor();
              await checkAccessible(page, view('guest duck room'));
              await openDrawer(page);
              await page.locator('.sidebar__me button.btn').click();
              await page.waitForURL('**/login');

              // a room with replies, reactions, attachments, edited and deleted messages
              await signInViaUi(page, alice);
              const row = page.locator('article.msg', { hasText: picked });
              await row.locator('.thumb img').waitFor();
              await page.locator('.msg__bubble--deleted').waitFor();
              await checkAccessible(page, view('room'));

              // a message's actions, the reaction picker, the delete confirmation, the inline editor
              const mine = page.locator('article.msg--mine', { hasText: `fixed ${tag}` });
              await mine.locator('.msg__actions .act').first().focus();
              await checkAccessible(page, view('message actions'));
              await mine.locator('.msg__actions .act').first().press('Enter');
              await page.locator('.react-picker').waitFor();
              await checkAccessible(page, view('reaction picker'));
              await page.keyboard.press('Escape');
              await page.locator('.react-picker').waitFor({ state: 'detached' });
              await mine.locator('.msg__actions .act--danger').focus();
              await page.keyboard.press('Enter');
              await page.locator('.msg__confirm').waitFor();
              await checkAccessible(page, view('delete confirmation'));
              await page.keyboard.press('Escape');
              await mine.locator('.msg__actions .act').nth(2).focus();
              await page.keyboard.press('Enter');
              await page.locator('textarea.msg__edit').waitFor();
              await checkAccessible(page, view('inline editor'));
              await page.keyboard.press('Escape');

              // the composer's emoji picker and the mention autocomplete
              await page.locator('.composer__tools .icon-btn').first().click();
              await page.locator('#emoji-picker').waitFor();
              await checkAccessible(page, view('emoji picker'));
              await page.keyboard.press('Escape');
              await page.locator('#composer-box').fill(`@${bob.username.slice(0, 4)}`);
              await page.locator('#mention-list').waitFor();
              await checkAccessible(page, view('mention autocomplete'));
              await page.locator('#composer-box').fill('');

              // the lightbox
              await row.locator('.thumb').click();
              await page.locator('dialog.lightbox[open]').waitFor();
              await checkAccessible(page, view('lightbox'));
              await page.keyboard.press('Escape');
              await page.locator('dialog.lightbox[open]').waitFor({ state: 'detached' });

              // search, in the sidebar (the drawer on a phone), and the new-DM form
              await openDrawer(page);
              await checkAccessible(page, view('sidebar'));
              const box = page.locator('hihi-search-panel input[type="search"]');
              await box.fill(`duck ${tag}`);
              await box.press('Enter');
              await page.locator('.search__hit').first().waitFor({ timeout: UI_TIMEOUT });
              await checkAccessible(page, view('search'));
              await page.locator('.search__clear').click();
              await page.locator('hihi-new-chat .new-chat__dm').click();
              await page.locator('#new-chat-input').waitFor();
              await checkAccessible(page, view('new conversation'));
              // the views issue 19 added: the room directory and the members panel
              await page.locator('hihi-new-chat .actions .btn:not([aria-expanded])').first().click();
              await page.locator('#side-panel hihi-room-directory').waitFor();
              await checkAccessible(page, view('room directory'));
              await page.keyboard.press('Escape');
              await page.locator('#side-panel').waitFor({ state: 'detached' });
              if (await page.locator('.topbar__members').isVisible()) {
                await page.locator('.topbar__members').click();
                await page.locator('#side-panel hihi-members-panel').waitFor();
                await checkAccessible(page, view('members panel'));
                await page.keyboard.press('Escape');
                await page.locator('#side-panel').waitFor({ state: 'detached' });
              }
              // room settings (issue 19) in the room Alice owns, and the security page (issue 26)
              if (!(await page.locator('.shell--drawer').count())) await openDrawer(page);
              await page.locator('.room').filter({ hasText: ownRoom }).first().click();
              await page.locator('.topbar h1').filter({ hasText: ownRoom }).waitFor();
              await closeDrawer(page);
              await page.locator('.topbar__settings').click();
              await page.locator('#side-panel hihi-room-settings').waitFor();
              await checkAccessible(page, view('room settings'));
              await page.keyboard.press('Escape');
              await page.locator('#side-panel').waitFor({ state: 'detached' });
              await page.goto('/security');
              await page.locator('#security-title').waitFor();
              await checkAccessible(page, view('security'));
              await page.goto('/chat');
              await waitForChat(page);
              await closeDrawer(page);
              if (width === 1280) await screenshot(page, `a11y-room-${lang}-${width}`);
              await openDrawer(page);
              await page.locator('.sidebar__me button.btn').click();
              await page.waitForURL('**/login');
            }
          }
          // the check can fail: pale yellow text on white is found (and would fail a view)
          const page = people[people.length - 1].page;
          await page.evaluate(() => {
            const p = document.createElement('p');
            p.id = 'pale';
            p.textContent = 'pale yellow words';
            p.style.color = '#ffe98f';
            p.style.background = '#ffffff';
            document.querySelector('main')?.appendChild(p);
          });
          const pale = await axeViolations(page, { include: ['#pale'] });
          expect(pale.map((v) => [v.id, v.impact])).toEqual([['color-contrast', 'serious']]);
          await page.evaluate(() => document.getElementById('pale')?.remove());

          expectAllAccessible();
        },
      ),
    240_000,
  );

  it(
    'keyboard only: skip link, send, reply, react, edit, delete, emoji picker, mention, lightbox and a DM — focus visible, trapped in dialogs and returned',
    () =>
      onFailureSave(
        'a11y-keyboard',
        () => people,
        stack,
        async () => {
          const p = await suite.person('en-US');
          const { page } = p;
          const key = (k: string) => page.keyboard.press(k);
          const isFocused = (selector: string) => focused(page, selector);

          // sign in with the keyboard
          await page.goto('/login');
          await page.locator('#login-username').waitFor();
          await tabTo(page, '#login-username');
          await page.keyboard.type(alice.username);
          await key('Tab');
          await focusOn(page, '#login-password');
          await page.keyboard.type(alice.password);
          await key('Enter');
          await page.waitForURL('**/chat');
          await waitForChat(page);
          await page.locator('article.msg', { hasText: picked }).waitFor();

          // screen readers: a labelled log, not read out on join; a live message from Bob is announced politely
          const log = page.locator('[role="log"]');
          expect(await log.getAttribute('aria-label')).toBe('Messages');
          const announced = page.locator('hihi-message-list [role="status"][aria-live="polite"]');
          expect((await announced.textContent())?.trim()).toBe('');
          const bt = await loginViaApi(stack.url, bob);
          const b = await connect(stack.url, bt.accessToken);
          try {
            expect((await ack(b, CLIENT_EVENTS.roomJoin, { roomId: 'lobby' })).ok).toBe(true);
            await send(b, `are you there? ${tag}`);
          } finally {
            b.socket.close();
          }
          await announced.filter({ hasText: `Bob 小波: are you there? ${tag}` }).waitFor();
          await page.locator('article.msg', { hasText: `are you there? ${tag}` }).waitFor();

          // the first Tab shows the skip link; it leads to the composer
          await key('Tab');
          await focusOn(page, '.skip-link');
          expect(await page.locator('.skip-link').first().textContent()).toContain('Skip to the message box');
          expect(
            await page
              .locator('.skip-link')
              .first()
              .evaluate((el) => el.getBoundingClientRect().top >= 0),
          ).toBe(true);
          await screenshot(page, 'a11y-focus-1-skip-link');
          await key('Enter');
          await focusOn(page, '#composer-box');

          // send
          const hello = `typed without a mouse ${tag}`;
          await page.keyboard.type(hello);
          await key('Enter');
          await page
            .locator('article.msg--mine:not(.msg--pending)')
            .filter({ has: bubble(page, hello) })
            .waitFor();

          // into the timeline (Shift+Tab), arrows to Bob's message, Tab to its actions: reply
          await tabTo(page, '#message-log', true, 200);
          await key('ArrowUp');
          await focusOn(page, 'article.msg');
          const bobs = `article.msg[data-seq="${pickedSeq}"]`;
          for (let i = 0; i < 20 && !(await isFocused(bobs)); i++) await key('ArrowUp');
          expect(await isFocused(bobs)).toBe(true);
          await screenshot(page, 'a11y-focus-2-message');
          await tabTo(page, `${bobs} .act[aria-label="Reply"]`);
          // the actions fade in (a short opacity transition): fully shown once it has run
          const actions = page.locator(`${bobs} .msg__actions`);
          const opacity = () => actions.evaluate((el) => getComputedStyle(el).opacity);
          for (let i = 0; i < 50 && (await opacity()) !== '1'; i++) await page.waitForTimeout(20);
          expect(await opacity()).toBe('1');
          await screenshot(page, 'a11y-focus-3-message-actions');
          await key('Enter');
          await page.locator('.reply').waitFor();
          await focusOn(page, '#composer-box');
          const answer = `a keyboard reply ${tag}`;
          await page.keyboard.type(answer);
          await key('Enter');
          const replied = page.locator('article.msg--mine:not(.msg--pending)').filter({ has: bubble(page, answer) });
          await replied.locator('.msg__quote').waitFor();
          expect(await replied.locator('.msg__quote').textContent()).toContain(picked);

          // react: the picker is a dialog that takes the focus, keeps Tab inside, and gives it back
          await tabTo(page, `${bobs} .act[aria-label="Add reaction"]`, true, 200);
          await key('Enter');
          await page.locator('.react-picker [role="dialog"]').waitFor();
          await page.waitForFunction(() => !!document.activeElement?.closest('.react-picker'));
          await focusOn(page, '.react-picker .emoji');
          await key('Tab');
          await focusOn(page, '.react-picker .emoji');
          await key('Escape');
          await page.locator('.react-picker').waitFor({ state: 'detached' });
          await focusOn(page, `${bobs} .act[aria-label="Add reaction"]`);
          await key('Enter');
          await page.waitForFunction(() => !!document.activeElement?.closest('.react-picker'));
          for (let i = 0; i < 12; i++) await key('ArrowRight'); // 👍, the 13th of the grid
          expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('👍');
          await screenshot(page, 'a11y-focus-4-reaction-picker');
          await key('Enter');
          await page.locator(`${bobs} .chip[aria-pressed="true"]`, { hasText: '👍' }).waitFor();
          await focusOn(page, `${bobs} .act[aria-label="Add reaction"]`);

          // edit and delete my own message, the focus staying on it
          const mine = `article.msg--mine:has(.msg__quote)`;
          await tabTo(page, `${mine} .act[aria-label="Edit"]`);
          await key('Enter');
          await focusOn(page, 'textarea.msg__edit');
          await page.keyboard.type(' (edited)');
          await key('Enter');
          await bubble(page, `${answer} (edited)`).waitFor();
          await focusOn(page, 'article.msg');
          await tabTo(page, `${mine} .act[aria-label="Delete"]`);
          await key('Enter');
          await focusOn(page, '.msg__confirm-cancel');
          await screenshot(page, 'a11y-focus-5-delete-confirm');
          await key('Tab');
          await focusOn(page, '.msg__confirm-delete');
          await key('Enter');
          await page.locator('.msg__bubble--deleted').nth(1).waitFor();

          // the composer's emoji picker: Escape gives the focus back, a pick goes into the box
          await tabTo(page, '.composer__emoji-btn');
          await key('Enter');
          await focusOn(page, '#emoji-picker .emoji');
          await key('Escape');
          await focusOn(page, '.composer__emoji-btn');
          await key('Enter');
          await focusOn(page, '#emoji-picker .emoji');
          await key('End'); // 🦆
          await key('Enter');
          await focusOn(page, '#composer-box');
          expect(await page.locator('#composer-box').inputValue()).toBe('🦆');

          // mention autocomplete: arrows and Enter
          await page.keyboard.type(` @${bob.username.slice(0, 7)}`);
          await page.locator('#mention-list [role="option"]').first().waitFor();
          expect(await page.locator('#composer-box').getAttribute('aria-activedescendant')).toBe('mention-opt-0');
          await key('Enter');
          expect(await page.locator('#composer-box').inputValue()).toBe(`🦆 @${bob.username} `);
          await key('Enter');
          await page.locator('article.msg--mine .mention', { hasText: bob.username }).first().waitFor();

          // the lightbox: Enter opens it with the focus on Close, Tab stays in it, Escape returns the focus
          await tabTo(page, `${bobs} .thumb`, true, 200);
          await key('Enter');
          await page.locator('dialog.lightbox[open]').waitFor();
          await focusOn(page, '.lightbox__close');
          await screenshot(page, 'a11y-focus-6-lightbox');
          await key('Tab');
          expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
          await key('Escape');
          await page.locator('dialog.lightbox[open]').waitFor({ state: 'detached' });
          await focusOn(page, `${bobs} .thumb`);

          // open a DM with Bob from the sidebar and write in it
          await tabTo(page, 'hihi-new-chat .new-chat__dm', true, 200);
          await key('Enter');
          await focusOn(page, '#new-chat-input');
          await page.keyboard.type(bob.username);
          await screenshot(page, 'a11y-focus-7-new-dm');
          // Enter takes a suggestion when the list is open (the name is already whole), then starts the DM
          for (let i = 0; i < 3 && (await page.locator('#new-chat-input').count()); i++) {
            await key('Enter');
            await page.waitForTimeout(500);
          }
          await roomTitle(page).filter({ hasText: 'Bob' }).waitFor();
          await page.waitForFunction(() => document.activeElement?.id === 'composer-box');
          const dm = `a keyboard DM ${tag}`;
          await page.keyboard.type(dm);
          await key('Enter');
          await page
            .locator('article.msg--mine:not(.msg--pending)')
            .filter({ has: bubble(page, dm) })
            .waitFor();
          expect(await page.locator('.room--active .room__name').textContent()).toContain('Bob');
        },
      ),
    120_000,
  );

  it(
    'reflows at 320 px and at 200 % zoom (640 CSS px) without sideways scrolling, and honours prefers-reduced-motion',
    () =>
      onFailureSave(
        'a11y-reflow',
        () => people,
        stack,
        async () => {
          const p = await suite.person('zh-CN');
          const { page } = p;
          // WCAG 1.4.10: 320 CSS px wide, nothing scrolls sideways, everything still works
          await page.setViewportSize({ width: 320, height: 640 });
          for (const path of ['/login', '/register', '/forgot']) {
            await page.goto(path);
            await page.locator('form button[type=submit]').waitFor();
            expect({ path, width: await scrollWidth(page) }).toEqual({ path, width: 320 });
          }
          await signInViaUi(page, alice);
          expect(await scrollWidth(page)).toBe(320);
          const text = `窄屏 320 px ${tag}`;
          await sendMessage(page, text);
          const box = await bubble(page, text).boundingBox();
          expect(box && box.x >= 0 && box.x + box.width <= 320).toBe(true);
          await screenshot(page, 'a11y-reflow-320');
          await openDrawer(page);
          expect(await scrollWidth(page)).toBe(320);
          await closeDrawer(page);

          // 200 % zoom of a 1280 × 800 window is a 640 × 400 CSS px viewport
          await page.setViewportSize({ width: 640, height: 400 });
          await page.locator('#composer-box').waitFor();
          expect(await scrollWidth(page)).toBe(640);
          const composer = await page.locator('#composer-box').boundingBox();
          expect(composer && composer.y + composer.height <= 400).toBe(true);
          await screenshot(page, 'a11y-zoom-200');

          // prefers-reduced-motion: transitions and animations are (practically) off
          const motion = () =>
            page.evaluate(() => {
              const btn = document.querySelector('.btn')!;
              return parseFloat(getComputedStyle(btn).transitionDuration);
            });
          expect(await motion()).toBeGreaterThan(0.01);
          await page.emulateMedia({ reducedMotion: 'reduce' });
          expect(await motion()).toBeLessThan(0.001);
          await page.emulateMedia({ reducedMotion: 'no-preference' });
        },
      ),
    60_000,
  );
});

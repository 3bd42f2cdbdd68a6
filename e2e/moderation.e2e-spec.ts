import type { Page } from 'playwright-core';
import { expectAccessible } from './support/axe';
import {
  type Account,
  newPerson,
  onFailureSave,
  type Person,
  screenshot,
  scrollWidth,
  signInViaUi,
  UI_TIMEOUT,
  uniqueName,
  PASSWORD,
  bubble,
  sendMessage,
  REFUSED_HANDSHAKE_POLL,
} from './support/browser';
import { createRoomViaApi, joinRoomViaApi, loginViaApi, openRoom } from './support/conversations';
import { browserSuite } from './support/suite';

const PHONE = { width: 375, height: 740 };

/** Screenshots after every running animation or transition has finished. */
async function shot(page: Page, name: string): Promise<void> {
  // endless animations (the bobbing duck) never finish: wait only for the others
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ).then(() => undefined),
  );
  await screenshot(page, name);
}

/** Switches the page's language with the toggle (it is remembered in localStorage). */
async function setLang(page: Page, lang: 'zh' | 'en'): Promise<void> {
  const toggle = page.locator('hihi-lang-toggle button').first();
  await toggle.waitFor();
  // the toggle offers the other language: "English" while the page is in Chinese
  const offers = (await toggle.textContent()) ?? '';
  if (offers.includes(lang === 'zh' ? 'English' : '中文')) return;
  await toggle.click();
  await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang);
}

/** Forgets console lines the test caused on purpose (a refused registration answers 403). */
function forgetExpected(p: Person, re: RegExp): void {
  const keep = p.errors.filter((e) => !re.test(e));
  p.errors.splice(0, p.errors.length, ...keep);
}

/** The row of a message whose bubble is exactly this text. */
function msgRow(page: Page, text: string) {
  return page.locator('article.msg').filter({ has: bubble(page, text) });
}

/** Shows a message's actions (hover) and clicks one by its label. */
async function act(page: Page, text: string, label: string): Promise<void> {
  const row = msgRow(page, text);
  await row.locator('.msg__bubble').hover();
  await row.locator(`.msg__actions [aria-label="${label}"]`).click();
}

/** A row of the admin users list. */
function userRow(page: Page, username: string) {
  return page.locator(`li.row[data-username="${username}"]`);
}

/** Moderation and administration in the browser (SPEC §8, issue 20 item 5). */
describe('web client: moderation and administration (browser)', () => {
  const suite = browserSuite();
  const { stack, people } = suite;
  /** the server's first account: its owner */
  let owner: Account;

  async function phonePerson(): Promise<Person> {
    const p = await newPerson(suite.browser(), stack.url, {
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      reducedMotion: 'reduce',
    });
    people.push(p);
    return p;
  }

  beforeAll(async () => {
    owner = await suite.account('own', 'Owner 站长');
  });

  it(
    'an admin deactivates an account in the console (the person is signed out and cannot sign in), reactivates it and hands out a reset link that works in a signed-out browser',
    () =>
      onFailureSave(
        'moderation-admin',
        () => people,
        stack,
        async () => {
          const bob = await suite.account('adm_bob', 'Bob 小明');
          const a = await suite.person();
          const b = await suite.person();
          b.expected = [REFUSED_HANDSHAKE_POLL]; // deactivation closes Bob's socket under a poll
          await a.page.emulateMedia({ reducedMotion: 'reduce' });
          await signInViaUi(b.page, bob);
          await signInViaUi(a.page, owner);

          // the owner finds the console in the navigation
          await a.page.getByTestId('admin-link').click();
          await a.page.waitForURL('**/admin/users');
          await userRow(a.page, bob.username).waitFor();
          await a.page.locator('#users-q').fill(bob.username);
          await a.page.locator('#users-q').press('Enter');
          await a.page.waitForFunction(() => document.querySelectorAll('li.row').length === 1);
          await expectAccessible(a.page, 'admin users en');
          await shot(a.page, 'moderation-admin-users-en');

          // deactivate Bob with a reason, by keyboard
          const row = userRow(a.page, bob.username);
          await row.getByRole('button', { name: `Deactivate ${bob.displayName}` }).focus();
          await a.page.keyboard.press('Enter');
          const reason = row.locator('textarea');
          await reason.waitFor();
          await reason.fill('spam links in the lobby');
          await expectAccessible(a.page, 'admin users deactivate en');
          await shot(a.page, 'moderation-admin-deactivate-en');
          await row.getByRole('button', { name: 'Deactivate now' }).click();
          await a.page
            .getByTestId('admin-notice')
            .filter({ hasText: `${bob.displayName} was deactivated` })
            .waitFor();
          expect(await row.locator('.tag--off').textContent()).toContain('deactivated');

          // Bob's open chat ends: his sockets are closed and his tokens refused, so he lands on the sign-in page
          await b.page.waitForURL('**/login', { timeout: 10_000 });
          await b.page.locator('#login-username').fill(bob.username);
          await b.page.locator('#login-password').fill(bob.password);
          await b.page.locator('form button[type=submit]').click();
          await b.page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
          forgetExpected(b, /status of 401/);

          // the audit log shows it, with the reason
          await a.page.getByRole('link', { name: 'Audit log' }).click();
          await a.page.waitForURL('**/admin/audit');
          const entry = a.page.locator('[data-testid="audit-entries"] li.row').filter({ hasText: 'user.deactivate' });
          await entry.first().waitFor();
          expect(await entry.first().textContent()).toContain('spam links in the lobby');
          await a.page.locator('#audit-action').fill('user.deactivate');
          await a.page.locator('#audit-action').press('Enter');
          await a.page.waitForFunction(() =>
            Array.from(document.querySelectorAll('[data-testid="audit-entries"] li.row code')).every(
              (c) => c.textContent === 'user.deactivate',
            ),
          );
          await expectAccessible(a.page, 'admin audit en');
          await shot(a.page, 'moderation-admin-audit-en');

          // reactivate and create a reset link
          await a.page.getByRole('link', { name: 'Users' }).click();
          await userRow(a.page, bob.username).waitFor();
          await userRow(a.page, bob.username)
            .getByRole('button', { name: `Reactivate ${bob.displayName}` })
            .click();
          await a.page.getByTestId('admin-notice').filter({ hasText: 'reactivated' }).waitFor();
          await userRow(a.page, bob.username)
            .getByRole('button', { name: /password-reset link/ })
            .click();
          const field = userRow(a.page, bob.username).getByTestId('copy-link-field');
          await field.waitFor();
          const resetUrl = await field.inputValue();
          expect(resetUrl).toMatch(/\/reset#token=[A-Za-z0-9_-]{20,}$/);
          await expectAccessible(a.page, 'admin users reset link en');
          await shot(a.page, 'moderation-admin-reset-link-en');

          // Bob opens the link in his (signed-out) browser and sets a new password
          const fresh = `${PASSWORD}-new`;
          await b.page.goto(resetUrl.replace(/^https?:\/\/[^/]+/, stack.url));
          await b.page.locator('#reset-password').fill(fresh);
          await b.page.locator('#reset-confirm').fill(fresh);
          await expectAccessible(b.page, 'reset en');
          await b.page.locator('form button[type=submit]').click();
          await b.page.getByTestId('reset-done').waitFor();
          await shot(b.page, 'moderation-reset-done-en');
          await b.page.getByRole('link', { name: 'Sign in' }).click();
          await signInViaUi(b.page, { ...bob, password: fresh });
          // the same link again: used
          await b.page.goto(resetUrl.replace(/^https?:\/\/[^/]+/, stack.url));
          await b.page.locator('#reset-password').fill(`${fresh}-2`);
          await b.page.locator('#reset-confirm').fill(`${fresh}-2`);
          await b.page.locator('form button[type=submit]').click();
          await b.page.getByRole('alert').filter({ hasText: 'already used' }).waitFor();
          forgetExpected(b, /status of 401/);
        },
      ),
    90_000,
  );

  it(
    'invite-only registration: settings, an invite link, the register page says so plainly; zh and 375 px',
    () =>
      onFailureSave(
        'moderation-invites',
        () => people,
        stack,
        async () => {
          const a = await phonePerson();
          await a.page.goto('/login');
          await setLang(a.page, 'zh');
          await signInViaUi(a.page, owner);
          await a.page.goto('/admin/settings');
          const invite = a.page.locator('input[type=radio][value=invite]');
          await invite.waitFor();
          await expectAccessible(a.page, 'admin settings zh 375');
          expect(await scrollWidth(a.page)).toBeLessThanOrEqual(PHONE.width);
          await invite.check();
          await a.page.getByRole('button', { name: '保存设置' }).click();
          await a.page.getByRole('status').filter({ hasText: '设置已保存' }).waitFor();
          await shot(a.page, 'moderation-admin-settings-zh-375');

          await a.page.getByRole('link', { name: '邀请' }).click();
          await a.page.locator('#invite-uses').fill('2');
          await a.page.locator('#invite-expiry').selectOption({ label: '1 天' });
          await a.page.getByRole('button', { name: '生成邀请链接' }).click();
          const field = a.page.getByTestId('copy-link-field');
          await field.waitFor();
          const inviteUrl = await field.inputValue();
          expect(inviteUrl).toMatch(/\/register#invite=[A-Za-z0-9_-]{20,}$/);
          expect(await a.page.locator('li.row').first().textContent()).toContain('最多 2 次');
          await expectAccessible(a.page, 'admin invites zh 375');
          expect(await scrollWidth(a.page)).toBeLessThanOrEqual(PHONE.width);
          await shot(a.page, 'moderation-admin-invites-zh-375');

          await a.page.getByRole('link', { name: '统计' }).click();
          await a.page.getByTestId('admin-stats').waitFor();
          expect(await a.page.getByTestId('admin-stats').textContent()).toContain('账号');
          await expectAccessible(a.page, 'admin stats zh 375');
          await shot(a.page, 'moderation-admin-stats-zh-375');
          await a.page.getByRole('link', { name: '用户' }).click();
          await userRow(a.page, owner.username).waitFor();
          await expectAccessible(a.page, 'admin users zh 375');
          expect(await scrollWidth(a.page)).toBeLessThanOrEqual(PHONE.width);
          await shot(a.page, 'moderation-admin-users-zh-375');
          await a.page.getByRole('link', { name: '审计日志' }).click();
          await a.page.locator('[data-testid="audit-entries"] li.row').first().waitFor();
          await expectAccessible(a.page, 'admin audit zh 375');
          expect(await scrollWidth(a.page)).toBeLessThanOrEqual(PHONE.width);
          await shot(a.page, 'moderation-admin-audit-zh-375');

          // a visitor without the link is told registration needs an invite
          const v = await suite.person('zh-CN');
          const carol: Account = { username: uniqueName('inv_c'), password: PASSWORD };
          await v.page.goto('/register');
          // said before anyone types (GET /api/auth/methods), and again when tried
          await v.page.getByTestId('register-refused').filter({ hasText: '只接受邀请注册' }).waitFor();
          await v.page.locator('#reg-username').fill(carol.username);
          await v.page.locator('#reg-password').fill(carol.password);
          await v.page.locator('#reg-confirm').fill(carol.password);
          const refused = v.page.waitForResponse((r) => r.url().endsWith('/api/auth/register'));
          await v.page.locator('form button[type=submit]').click();
          expect((await refused).status()).toBe(403);
          await v.page.getByTestId('register-refused').filter({ hasText: '只接受邀请注册' }).waitFor();
          // the browser logs the 403 a moment after the response
          for (let i = 0; i < 40 && !v.errors.some((e) => /status of 403/.test(e)); i++)
            await v.page.waitForTimeout(50);
          forgetExpected(v, /status of 403/);
          await expectAccessible(v.page, 'register invite-only zh');
          await shot(v.page, 'moderation-register-invite-only-zh');

          // with the link it works (a member signed in elsewhere is no obstacle either)
          await v.page.goto(inviteUrl.replace(/^https?:\/\/[^/]+/, stack.url));
          await v.page.getByText('你收到了邀请').waitFor();
          await expectAccessible(v.page, 'register invited zh');
          await v.page.locator('#reg-username').fill(carol.username);
          await v.page.locator('#reg-password').fill(carol.password);
          await v.page.locator('#reg-confirm').fill(carol.password);
          await v.page.locator('form button[type=submit]').click();
          await v.page.waitForURL('**/chat', { timeout: UI_TIMEOUT });

          // a member is not offered the console, and /admin sends them back to the chat
          expect(await v.page.getByTestId('admin-link').count()).toBe(0);
          await v.page.goto('/admin/users');
          await v.page.waitForURL('**/chat');

          // back to open registration for the rest of the file
          await a.page.goto('/admin/settings');
          await a.page.locator('input[type=radio][value=open]').check();
          await a.page.getByRole('button', { name: '保存设置' }).click();
          await a.page.getByRole('status').filter({ hasText: '设置已保存' }).waitFor();
        },
      ),
    90_000,
  );

  it(
    'a room moderator deletes from the message menu and mutes from the member menu; the muted person sees why and until when; a report reaches the live badge and the queue',
    () =>
      onFailureSave(
        'moderation-room',
        () => people,
        stack,
        async () => {
          const alice = await suite.account('mod_a', 'Alice');
          const bob = await suite.account('mod_b', '小波');
          const carol = await suite.account('mod_c', 'Carol');
          const name = `tea_${Date.now().toString(36)}`;
          const tokenA = (await loginViaApi(stack.url, alice)).accessToken;
          const room = await createRoomViaApi(stack.url, tokenA, name);
          await joinRoomViaApi(stack.url, (await loginViaApi(stack.url, bob)).accessToken, room.id);
          await joinRoomViaApi(stack.url, (await loginViaApi(stack.url, carol)).accessToken, room.id);
          const dave = await suite.account('mod_d', 'Dave');
          await joinRoomViaApi(stack.url, (await loginViaApi(stack.url, dave)).accessToken, room.id);

          const a = await suite.person('en-US');
          const b = await suite.person('zh-CN');
          const c = await suite.person('en-US');
          for (const p of [a, b, c]) await p.page.emulateMedia({ reducedMotion: 'reduce' });
          await signInViaUi(a.page, alice);
          await signInViaUi(b.page, bob);
          await signInViaUi(c.page, carol);
          for (const p of [a, b, c]) await openRoom(p.page, name);

          const spam = `cheap watches ${Date.now().toString(36)}`;
          const rude = `you are all silly ${Date.now().toString(36)}`;
          await sendMessage(b.page, spam);
          await sendMessage(b.page, rude);
          await bubble(a.page, rude).waitFor();
          await bubble(c.page, rude).waitFor();

          // Carol (a member) reports Bob's message: the reason dialog
          await act(c.page, rude, 'Report');
          const dialog = c.page.locator('dialog.report');
          await dialog.locator('#report-reason').waitFor();
          expect(await c.page.evaluate(() => document.activeElement?.id)).toBe('report-reason');
          await dialog.locator('#report-reason').fill('insults everyone');
          await expectAccessible(c.page, 'report dialog en');
          await shot(c.page, 'moderation-report-dialog-en');
          await dialog.getByRole('button', { name: 'Send report' }).click();
          await c.page.locator('.notice', { hasText: 'Reported' }).waitFor();

          // Alice, the room's owner, gets the badge live
          await a.page.getByTestId('queue-badge').filter({ hasText: '1' }).waitFor();

          // she deletes the spam from its menu: a tombstone "deleted by a moderator" for everyone
          await act(a.page, spam, 'Delete');
          await a.page.locator('.msg__confirm-delete').click();
          await b.page.locator('.msg__bubble--deleted', { hasText: '管理员删除' }).waitFor();
          await c.page.locator('.msg__bubble--deleted', { hasText: 'Deleted by a moderator' }).waitFor();
          await expectAccessible(a.page, 'chat moderator menu en');

          // and mutes Bob for 10 minutes from the members panel
          await a.page.locator('.topbar__members').click();
          const panel = a.page.locator('#side-panel');
          await panel.getByRole('button', { name: `Moderate ${bob.displayName}` }).click();
          await panel.getByLabel('Reason (optional)').fill('cool down');
          await panel.getByLabel('Mute for').selectOption({ label: '10 minutes' });
          await expectAccessible(a.page, 'members moderation en');
          await shot(a.page, 'moderation-member-menu-en');
          await panel.getByRole('button', { name: 'Mute', exact: true }).click();
          await panel.getByText(`${bob.displayName} is muted`).waitFor();
          await panel.getByTestId('member-muted').first().waitFor();

          // she bans Dave from his menu; the banned list shows him, and she lifts it again
          await panel.getByRole('button', { name: 'Moderate Dave' }).click();
          await panel.getByLabel('Reason (optional)').fill('ads in every room');
          await panel.getByRole('button', { name: 'Ban', exact: true }).click();
          await panel.getByRole('button', { name: 'Ban now' }).click();
          await panel.getByText('Dave is banned from this room').waitFor();
          await panel.getByRole('button', { name: 'Banned people' }).click();
          const banned = panel.getByTestId('ban-list').locator('li');
          await banned.filter({ hasText: 'ads in every room' }).waitFor();
          expect(await banned.count()).toBe(1);
          await expectAccessible(a.page, 'members bans en');
          await shot(a.page, 'moderation-bans-en');
          await panel.getByRole('button', { name: 'Unban Dave' }).click();
          await panel.getByText('Dave is no longer banned').waitFor();
          expect(await banned.count()).toBe(0);

          // Bob sees at once why he cannot send and until when; he can still read
          const note = b.page.getByTestId('composer-note');
          await note.filter({ hasText: '禁言' }).waitFor();
          expect(await note.textContent()).toMatch(/到 .+ 为止/);
          expect(await b.page.locator('#composer-box').isDisabled()).toBe(true);
          await expectAccessible(b.page, 'chat muted zh');
          await shot(b.page, 'moderation-muted-zh');
          await sendMessage(c.page, `still reading ${Date.now().toString(36)}`);

          // the queue: Alice dismisses Carol's report with one click
          await a.page.getByTestId('queue-link').click();
          await a.page.waitForURL('**/moderation');
          const report = a.page.locator('[data-testid="reports"] li.row').filter({ hasText: 'insults everyone' });
          await report.waitFor();
          expect(await report.textContent()).toContain(rude);
          await expectAccessible(a.page, 'moderation queue en');
          await shot(a.page, 'moderation-queue-en');
          await report.getByRole('button', { name: 'Dismiss' }).click();
          await a.page.getByRole('status').filter({ hasText: 'Report resolved' }).waitFor();
          await a.page.getByRole('button', { name: 'Resolved', exact: true }).click();
          await a.page.locator('[data-testid="reports"] li.row').filter({ hasText: 'dismissed' }).waitFor();
          await setLang(a.page, 'zh');
          await expectAccessible(a.page, 'moderation queue zh');
          await shot(a.page, 'moderation-queue-zh');

          // slow mode and announcement settings of the room, at 375 px
          await a.page.setViewportSize(PHONE);
          await a.page.goto('/chat');
          await openRoom(a.page, name).catch(async () => {
            await a.page.locator('.topbar__menu').click();
            await openRoom(a.page, name);
          });
          await a.page.locator('.topbar__settings').click();
          await a.page.locator('#settings-slow').selectOption({ label: '30 秒' });
          await expectAccessible(a.page, 'room settings moderation zh 375');
          await shot(a.page, 'moderation-room-settings-zh-375');
          // the settings form's own save (room settings also hold the integrations' forms)
          await a.page
            .locator('#side-panel form')
            .filter({ has: a.page.locator('#settings-slow') })
            .getByRole('button', { name: '保存' })
            .click();
          await a.page.locator('#side-panel').getByText('已保存').waitFor();
          // Carol sees the slow-mode rule under her composer
          await c.page.getByTestId('composer-note').filter({ hasText: 'Slow mode' }).waitFor();
        },
      ),
    120_000,
  );
});

import type { Page } from 'playwright-core';
import {
  bubble,
  newPerson,
  onFailureSave,
  type Person,
  roomTitle,
  screenshot,
  scrollWidth,
  sendMessage,
  signInViaUi,
  UI_TIMEOUT,
  uniqueName,
} from './support/browser';
import { loginViaApi, roomsViaApi } from './support/conversations';
import { browserSuite } from './support/suite';

const PHONE = { width: 375, height: 740 };

/** The room list entry (sidebar) named exactly `name`. */
function roomEntry(page: Page, name: string) {
  return page
    .locator('.room')
    .filter({ has: page.locator('.room__name', { hasText: new RegExp(`^\\s*${name}\\s*$`) }) });
}

/** Waits until the element has the keyboard focus. */
async function waitFocused(locator: ReturnType<Page['locator']>): Promise<void> {
  await locator.waitFor();
  const deadline = Date.now() + UI_TIMEOUT;
  while (!(await locator.evaluate((el) => el === document.activeElement))) {
    if (Date.now() > deadline) throw new Error('the element never got the focus');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Screenshots after every running animation or transition has finished. */
async function shot(page: Page, name: string): Promise<void> {
  // a cancelled animation rejects `finished`: it is over all the same
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))).then(() => undefined),
  );
  await screenshot(page, name);
}

/** On a phone the room list is a drawer: open it. */
async function openDrawer(page: Page): Promise<void> {
  const menu = page.locator('.topbar__menu');
  if (await menu.isVisible()) {
    await menu.click();
    await page.locator('.shell--drawer').waitFor();
  }
}

/** Private rooms, invitations and removal, as two people see them (SPEC §7, issue 19 item 6). */
describe('web client: communities (browser)', () => {
  const suite = browserSuite();
  const { stack, people } = suite;

  async function phonePerson(): Promise<Person> {
    const p = await newPerson(suite.browser(), stack.url, {
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      // the drawer slides in: without motion, screenshots show where things end up
      reducedMotion: 'reduce',
    });
    people.push(p);
    return p;
  }

  it(
    'a private room: create, invite with autocomplete, the invitee sees it live, remove them, it disappears for them',
    () =>
      onFailureSave(
        'communities-private',
        () => people,
        stack,
        async () => {
          const alice = await suite.account('comm_a', 'Alice');
          const bob = await suite.account('comm_b', 'Bob 小明');
          const a = await suite.person();
          const b = await phonePerson();
          // Bob is signed in (on his phone) before he is invited: the room must come to him live
          await signInViaUi(b.page, bob);
          await signInViaUi(a.page, alice);
          await a.page.emulateMedia({ reducedMotion: 'reduce' });
          const name = `tea_${Date.now().toString(36)}`;

          // Alice creates a private room with a topic, with the keyboard only
          await a.page.getByRole('button', { name: 'New room' }).click();
          await a.page.locator('#new-chat-input').fill(name);
          await a.page.getByRole('radio', { name: /Private/ }).check();
          await a.page.locator('#new-chat-topic').fill('oolong & <b>friends</b>');
          await a.page.locator('#new-chat-topic').press('Enter');
          await roomTitle(a.page).filter({ hasText: name }).waitFor();
          expect(await a.page.locator('.topbar__topic').textContent()).toContain('oolong & <b>friends</b>');
          expect(await a.page.locator('.topbar__topic b').count()).toBe(0);
          expect(await roomEntry(a.page, name).locator('.room__icon').textContent()).toContain('🔒');

          // the members panel: Alice is the owner; she invites Bob, picking him from the suggestions
          await a.page.locator('.topbar__members').click();
          const panel = a.page.locator('#side-panel');
          await panel.getByText('owner').first().waitFor();
          const invite = panel.locator('#invite-input');
          await invite.fill(bob.username.slice(0, 6));
          const option = panel.getByRole('option', { name: new RegExp(bob.username) });
          await option.waitFor();
          await invite.press('ArrowDown');
          await invite.press('ArrowUp');
          await panel.locator('#invite-input[aria-activedescendant]').waitFor();
          // the first suggestion may be another comm_b… account of this run: pick Bob by name
          await option.click();
          await a.page.waitForFunction(
            (username) => (document.querySelector('#invite-input') as HTMLInputElement | null)?.value === username,
            bob.username,
          );
          await panel.getByRole('button', { name: 'Invite', exact: true }).click();
          await panel.getByText(`${bob.username} was invited`).waitFor();
          const bobRow = panel.locator('.member').filter({ hasText: `@${bob.username}` });
          await bobRow.waitFor();
          // the owner may make him a moderator or an owner: his role is a choice, now `member`
          expect(await bobRow.locator('select').inputValue()).toBe('member');
          await sendMessage(a.page, `welcome Bob ${name}`);
          await shot(a.page, '60-communities-members-1280');

          // Bob sees the room arrive without reloading, opens it and reads and writes there
          await openDrawer(b.page);
          await roomEntry(b.page, name).waitFor({ timeout: UI_TIMEOUT });
          await shot(b.page, '61-communities-invited-375');
          await roomEntry(b.page, name).click();
          await roomTitle(b.page).filter({ hasText: name }).waitFor();
          await bubble(b.page, `welcome Bob ${name}`).waitFor();
          await sendMessage(b.page, 'thanks! 谢谢');
          await bubble(a.page, 'thanks! 谢谢').waitFor();
          expect(await scrollWidth(b.page)).toBeLessThanOrEqual(PHONE.width);
          // a plain member of a private room can neither invite nor remove anyone
          await b.page.locator('.topbar__members').click();
          await b.page.locator('#side-panel .member').first().waitFor();
          expect(await b.page.locator('#invite-input').count()).toBe(0);
          expect(await b.page.locator('#side-panel .member__remove').count()).toBe(0);
          await shot(b.page, '62-communities-member-panel-375');
          await b.page.keyboard.press('Escape');
          await b.page.locator('#side-panel').waitFor({ state: 'detached' });

          // Alice removes Bob (asked twice); within a second or so it is gone for him, with a notice
          await bobRow.getByRole('button', { name: new RegExp(`Remove ${bob.username}`) }).click();
          await bobRow.getByRole('button', { name: 'Remove', exact: true }).click();
          await bobRow.waitFor({ state: 'detached' });
          const removedAt = Date.now();
          await b.page
            .locator('.notice')
            .filter({ hasText: `You were removed from ${name}` })
            .waitFor();
          const noticeAfterMs = Date.now() - removedAt;
          await roomTitle(b.page).filter({ hasText: 'Lobby' }).waitFor();
          await shot(b.page, '63-communities-removed-375');
          await openDrawer(b.page);
          expect(await roomEntry(b.page, name).count()).toBe(0);
          await shot(b.page, '64-communities-removed-drawer-375');
          await b.page.keyboard.press('Escape');
          expect(noticeAfterMs).toBeLessThan(UI_TIMEOUT);

          // nothing of the room reaches him any more, and its history is refused like an unknown room's
          await sendMessage(a.page, `after Bob left ${name}`);
          await new Promise((r) => setTimeout(r, 500));
          expect(await b.page.getByText(`after Bob left ${name}`).count()).toBe(0);
          const aliceRooms = await roomsViaApi(stack.url, (await loginViaApi(stack.url, alice)).accessToken);
          const room = aliceRooms.find((r) => r.name === name);
          expect(room).toMatchObject({ kind: 'private', role: 'owner' });
          const bobToken = (await loginViaApi(stack.url, bob)).accessToken;
          const history = await fetch(`${stack.url}/api/rooms/${room!.id}/messages`, {
            headers: { authorization: `Bearer ${bobToken}` },
          });
          expect(history.status).toBe(404);
          expect((await roomsViaApi(stack.url, bobToken)).some((r) => r.id === room!.id)).toBe(false);

          // Alice's view at phone width: the members panel fills the screen and fits
          await a.page.setViewportSize(PHONE);
          await a.page.locator('#side-panel .member').first().waitFor();
          expect(await scrollWidth(a.page)).toBeLessThanOrEqual(PHONE.width);
          await shot(a.page, '65-communities-members-375');
        },
      ),
    120_000,
  );

  it(
    'the directory finds a public room by name and joins it; a group of three opens from the people picker',
    () =>
      onFailureSave(
        'communities-directory',
        () => people,
        stack,
        async () => {
          const owner = await suite.account('dir_o', 'Olive');
          const carol = await suite.account('dir_c', 'Carol');
          const dave = await suite.account('dir_d', 'Dave');
          const o = await suite.person();
          const c = await suite.person('zh-CN');
          await signInViaUi(o.page, owner);
          await signInViaUi(c.page, carol);
          const name = uniqueName('garden');

          await o.page.getByRole('button', { name: 'New room' }).click();
          await o.page.locator('#new-chat-input').fill(name);
          await o.page.locator('#new-chat-topic').fill('flowers');
          await o.page.getByRole('button', { name: 'Create', exact: true }).click();
          await roomTitle(o.page).filter({ hasText: name }).waitFor();
          // the owner keeps the members panel open: whoever joins shows up in it live (room:member)
          await o.page.locator('.topbar__members').click();
          await o.page
            .locator('#side-panel .member')
            .filter({ hasText: `@${owner.username}` })
            .waitFor();

          // Carol (in Chinese) searches the directory and joins
          await c.page.getByRole('button', { name: '浏览房间' }).click();
          const search = c.page.locator('#directory-search');
          await waitFocused(search);
          // before searching, the directory lists every public room (the lobby too); the search leaves only this one
          await c.page.locator('#side-panel .item').filter({ hasText: '大厅' }).waitFor();
          await search.fill(name.slice(0, 10));
          await c.page.locator('#side-panel .item').filter({ hasText: '大厅' }).waitFor({ state: 'detached' });
          const item = c.page.locator('#side-panel .item').filter({ hasText: name });
          await item.waitFor();
          expect(await c.page.locator('#side-panel .item').count()).toBe(1);
          expect(await item.locator('.item__count').textContent()).toContain('1');
          expect(await item.locator('.item__topic').textContent()).toBe('flowers');
          await shot(c.page, '66-communities-directory-zh-1280');
          await item.getByRole('button', { name: new RegExp(`加入 ${name}`) }).click();
          await roomTitle(c.page).filter({ hasText: name }).waitFor();
          await c.page.locator('#side-panel').waitFor({ state: 'detached' });
          await sendMessage(c.page, '你好 garden');
          await bubble(o.page, '你好 garden').waitFor();

          // the owner sees Carol in the members panel live
          await o.page
            .locator('#side-panel .member')
            .filter({ hasText: `@${carol.username}` })
            .waitFor();

          // Carol opens a group with Olive and Dave (Dave has never signed in: typed, not suggested)
          await c.page.getByRole('button', { name: '新建群聊' }).click();
          const pick = c.page.locator('#new-chat-input');
          const chips = c.page.locator('.chip');
          await pick.fill(owner.username);
          await pick.press('Enter');
          await chips.filter({ hasText: owner.username }).waitFor();
          await pick.fill(dave.username);
          await pick.press('Enter');
          await chips.filter({ hasText: dave.username }).waitFor();
          expect(await chips.count()).toBe(2);
          await c.page.getByRole('button', { name: /开始群聊/ }).click();
          await c.page.locator('.topbar__hash', { hasText: '👥' }).waitFor();
          await sendMessage(c.page, 'group hello');
          await shot(c.page, '67-communities-group-zh-1280');
          // the group reaches Olive live, in her DMs section
          await o.page.locator('nav').last().locator('.room__icon', { hasText: '👥' }).waitFor();
        },
      ),
    120_000,
  );
});

import sharp from 'sharp';
import { browserSuite } from './support/suite';
import { expectAccessible } from './support/axe';
import { bubble, newPerson, screenshot, scrollWidth, sendMessage, signInViaUi } from './support/browser';

/**
 * One's own account in Chromium (SPEC §10): the profile page passes axe (WCAG 2.1 AA) in zh and
 * en at 1280 and 375 px without sideways scrolling; a new display name and avatar (chosen,
 * previewed, uploaded) reach another person's view of the lobby live and on the next message.
 */
const suite = browserSuite();

it('change name and avatar on the profile page; another person sees them in the room', async () => {
  const aliceAccount = await suite.account('alice', 'Alice');
  const bobAccount = await suite.account('bob', 'Bob');
  const alice = await suite.person('en-US');
  const bob = await suite.person('en-US');
  await signInViaUi(alice.page, aliceAccount);
  await signInViaUi(bob.page, bobAccount);
  await sendMessage(alice.page, 'before the change');
  await bubble(bob.page, 'before the change').waitFor();

  await alice.page.getByRole('link', { name: 'Profile' }).click();
  await alice.page.waitForURL('**/profile');
  await alice.page.locator('#profile-title').waitFor();
  await alice.page.getByRole('listitem').filter({ hasText: 'This device' }).waitFor();
  await expectAccessible(alice.page, 'profile en 1280');

  await alice.page.locator('#profile-name').fill('爱丽丝');
  await alice.page.getByRole('button', { name: 'Save', exact: true }).click();
  await alice.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

  const picture = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#ff7043' } })
    .png()
    .toBuffer();
  await alice.page.locator('[data-testid="avatar-file"]').setInputFiles({
    name: 'me.png',
    mimeType: 'image/png',
    buffer: picture,
  });
  await alice.page.getByRole('img', { name: 'Preview of the new avatar' }).waitFor();
  await expectAccessible(alice.page, 'profile preview en 1280');
  await alice.page.getByRole('button', { name: 'Use this picture' }).click();
  await alice.page.getByRole('status').filter({ hasText: 'Avatar updated' }).waitFor();
  await alice.page.locator('.avatar-current img.avatar').waitFor();
  await screenshot(alice.page, 'account-profile-1280');

  // Bob's view, live: the picture on Alice's earlier message (its name stays as it was sent)
  const earlier = bob.page.locator('article.msg').filter({ has: bubble(bob.page, 'before the change') });
  await earlier.locator('img.avatar').waitFor();
  const src = await earlier.locator('img.avatar').getAttribute('src');
  expect(src).toMatch(/^\/api\/avatars\/[a-f0-9]{32}\.webp$/);
  // back in the chat, a new message is sent under the new name; the members list has it too
  await alice.page.getByRole('link', { name: 'Back to chat' }).click();
  await alice.page.waitForURL('**/chat');
  await sendMessage(alice.page, 'after the change');
  await bubble(bob.page, 'after the change').waitFor();
  await bob.page.getByRole('button', { name: /^Members \(/ }).click();
  const member = bob.page.locator('li.member').filter({ hasText: '爱丽丝' });
  await member.waitFor();
  expect(await member.locator('img.avatar').getAttribute('src')).toBe(src);
  await screenshot(bob.page, 'account-seen-by-bob-1280');
}, 120_000);

it('the profile page at 375 px in zh: no sideways scrolling, axe clean, keyboard reaches the delete confirmation', async () => {
  const account = await suite.account('carol', 'Carol');
  const phone = await newPerson(suite.browser(), suite.stack.url, {
    viewport: { width: 375, height: 740 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  suite.people.push(phone);
  await phone.page.addInitScript(() => localStorage.setItem('hihi.lang', 'zh'));
  await signInViaUi(phone.page, account);
  await phone.page.goto('/profile');
  await phone.page.locator('#profile-title').waitFor();
  await phone.page.getByRole('listitem').filter({ hasText: '当前设备' }).waitFor();
  expect(await scrollWidth(phone.page)).toBeLessThanOrEqual(375);
  await expectAccessible(phone.page, 'profile zh 375');
  await screenshot(phone.page, 'account-profile-zh-375');
  // keyboard: the delete button opens the confirmation, whose password field takes the focus by Tab
  const start = phone.page.getByRole('button', { name: '注销账号…' });
  await start.focus();
  await phone.page.keyboard.press('Enter');
  await phone.page.locator('#delete-password').waitFor();
  await phone.page.keyboard.press('Tab');
  await phone.page.keyboard.press('Shift+Tab');
  await expectAccessible(phone.page, 'profile delete zh 375');
  await phone.page.locator('#delete-password').fill('not my password');
  await phone.page.keyboard.press('Enter');
  await phone.page.getByRole('alert').filter({ hasText: '密码不对' }).waitFor();
  await phone.page.locator('#delete-password').scrollIntoViewIfNeeded();
  await screenshot(phone.page, 'account-delete-zh-375');
}, 90_000);

import type { Locator, Page } from 'playwright-core';
import { bubble, screenshot, sendMessage, signInViaUi, onFailureSave } from './support/browser';
import { browserSuite } from './support/suite';

/** The row of a message whose bubble is exactly this text. */
function row(page: Page, text: string): Locator {
  return page.locator('article.msg').filter({ has: bubble(page, text) });
}

/** Shows a message's actions (hover) and clicks one by its label. */
async function act(message: Locator, label: string): Promise<void> {
  await message.locator('.msg__bubble').hover();
  await message.locator(`.msg__actions [aria-label="${label}"]`).click();
}

/**
 * Edit, delete, reply and react from the browser, seen live by the other person (SPEC §5
 * message:edit / message:delete / message:react / replyTo, message:updated). Alice uses English,
 * Bob Chinese.
 */
describe('web client: edit, delete, reply, react (browser)', () => {
  const suite = browserSuite();
  const { stack, people } = suite;

  it(
    'edits inline, replies with a quote that jumps, reacts with a toggle, deletes to a tombstone — live on both sides',
    () =>
      onFailureSave(
        'message-actions',
        () => people,
        stack,
        async () => {
          const alice = await suite.account('act_a', 'Alice');
          const bob = await suite.account('act_b', '小波');
          const a = await suite.person('en-US');
          const b = await suite.person('zh-CN');
          await signInViaUi(a.page, alice);
          await signInViaUi(b.page, bob);

          const tag = Date.now().toString(36);
          const first = `first version ${tag}`;
          const second = `second version ${tag}`;
          await sendMessage(a.page, first);
          await bubble(b.page, first).waitFor();

          // edit: inline box, Esc cancels, Enter saves; "(edited)" on both sides
          await act(row(a.page, first), 'Edit');
          const box = a.page.locator('textarea.msg__edit');
          expect(await box.inputValue()).toBe(first);
          await box.press('Escape');
          await box.waitFor({ state: 'detached' });
          await act(row(a.page, first), 'Edit');
          await box.fill(second);
          await box.press('Enter');
          await bubble(a.page, second).waitFor();
          await bubble(b.page, second).waitFor();
          expect(await row(b.page, second).locator('.msg__edited').textContent()).toContain('已编辑');
          expect(await row(a.page, second).locator('.msg__edited').getAttribute('title')).toMatch(/^Edited /);

          // reply: Bob quotes Alice's message
          await act(row(b.page, second), '回复');
          await b.page.locator('.reply', { hasText: 'Alice' }).waitFor();
          const answer = `我同意 ${tag}`;
          await sendMessage(b.page, answer);
          await b.page.locator('.reply').waitFor({ state: 'detached' });
          const quoted = row(a.page, answer).locator('.msg__quote');
          await quoted.waitFor();
          expect(await quoted.textContent()).toContain(second);
          await quoted.click();
          await a.page
            .locator('article.msg--flash')
            .filter({ has: bubble(a.page, second) })
            .waitFor();

          // react: Bob picks 👍, Alice sees it with Bob's name and adds hers by clicking the chip
          await act(row(b.page, second), '添加表情回应');
          await b.page.locator('.react-picker button', { hasText: '👍' }).click();
          const aliceChip = row(a.page, second).locator('.chip', { hasText: '👍' });
          await aliceChip.filter({ hasText: '1' }).waitFor();
          expect(await aliceChip.getAttribute('title')).toContain('小波');
          expect(await aliceChip.getAttribute('aria-pressed')).toBe('false');
          await aliceChip.click();
          await row(b.page, second).locator('.chip[aria-pressed="true"]', { hasText: '2' }).waitFor();
          await row(a.page, second).locator('.chip[aria-pressed="true"]', { hasText: '2' }).waitFor();
          await screenshot(a.page, '24-edit-reply-react-en');
          await screenshot(b.page, '25-edit-reply-react-zh');
          // and off again
          await row(a.page, second).locator('.chip', { hasText: '👍' }).click();
          await row(b.page, second).locator('.chip[aria-pressed="true"]', { hasText: '1' }).waitFor();

          // delete: confirm, tombstone on both sides, the reply's quote says so
          await act(row(a.page, second), 'Delete');
          await a.page.locator('.msg__confirm-delete').click();
          await b.page.locator('.msg__bubble--deleted', { hasText: '此消息已删除' }).waitFor();
          await a.page.locator('.msg__bubble--deleted', { hasText: 'Message deleted' }).waitFor();
          expect(await bubble(b.page, second).count()).toBe(0);
          await row(b.page, answer).locator('.msg__quote', { hasText: '此消息已删除' }).waitFor();
          await screenshot(b.page, '26-deleted-zh');

          // Bob can neither edit nor delete Alice's messages: his menu offers react, reply and report only
          await sendMessage(a.page, `still here ${tag}`);
          const hers = row(b.page, `still here ${tag}`);
          await hers.waitFor();
          await hers.locator('.msg__bubble').hover();
          expect(
            await hers.locator('.msg__actions button').evaluateAll((bs) => bs.map((x) => x.getAttribute('aria-label'))),
          ).toEqual(['添加表情回应', '回复', '举报']);
        },
      ),
    120_000,
  );
});

import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS } from '@hihi/contracts';
import { ack, connect, searchUntil } from '../test/integration/chat-helpers';
import { onFailureSave, roomTitle, screenshot, signInViaUi, UI_TIMEOUT } from './support/browser';
import { browserSuite } from './support/suite';
import { loginViaApi, openDmViaApi } from './support/conversations';

/** The search box (issue 14): find a message in another room, open it there. */
describe('web client: search (browser)', () => {
  // the test posts 70 messages at once: a burst above the default send budget
  const suite = browserSuite({ env: { SEND_BURST: '200' } });
  const { stack, people } = suite;

  it(
    'finds a Chinese substring in a DM, shows room, sender and the match, and jumps to the message',
    () =>
      onFailureSave(
        'search',
        () => people,
        stack,
        async () => {
          const alice = await suite.account('srch_a', 'Alice');
          const bob = await suite.account('srch_b', 'Bob');
          const bobTokens = await loginViaApi(stack.url, bob);
          await loginViaApi(stack.url, alice);
          const dm = await openDmViaApi(stack.url, bobTokens.accessToken, alice.username);

          // the message, then enough after it that it is not on the first page of the DM
          const tag = Date.now().toString(36);
          const socket = await connect(stack.url, bobTokens.accessToken);
          expect((await ack(socket, CLIENT_EVENTS.roomJoin, { roomId: dm.id })).ok).toBe(true);
          const send = (text: string) =>
            ack(socket, CLIENT_EVENTS.messageSend, { roomId: dm.id, text, clientMsgId: randomUUID() });
          const target = await send(`小黄鸭你好 ${tag}`);
          expect(target.ok).toBe(true);
          for (let i = 0; i < 70; i++) expect((await send(`filler ${i}`)).ok).toBe(true);
          socket.socket.close();
          // indexed for search within ~2 s of the ack (docs/api.md): wait for it before the UI asks once
          const indexed = await searchUntil(
            stack.url,
            bobTokens.accessToken,
            `q=${encodeURIComponent(`黄鸭 ${tag}`)}`,
            (r) => r.results.length === 1,
          );
          expect(indexed.body.results).toHaveLength(1);

          const a = await suite.person('en-US');
          await signInViaUi(a.page, alice);
          const box = a.page.locator('hihi-search-panel input[type="search"]');
          await box.fill(`黄鸭 ${tag}`);
          await box.press('Enter');
          const hit = a.page.locator('.search__hit');
          await hit.first().waitFor({ timeout: UI_TIMEOUT });
          expect(await hit.count()).toBe(1);
          expect(await hit.locator('.search__room').textContent()).toContain('Bob');
          expect(await hit.locator('.search__sender').textContent()).toContain('Bob');
          expect(await hit.locator('.search__mark').allTextContents()).toEqual(['黄鸭', tag]);
          await screenshot(a.page, 'search-results');

          await hit.click();
          await a.page.waitForFunction(
            (name) => document.querySelector('.topbar h1')?.textContent?.includes(name),
            'Bob',
            {
              timeout: UI_TIMEOUT,
            },
          );
          expect(await roomTitle(a.page).textContent()).toContain('Bob');
          const row = a.page.locator(`[data-seq="${target.message.seq}"]`);
          await row.waitFor({ timeout: UI_TIMEOUT });
          await a.page.waitForFunction(
            (seq) => {
              const el = document.querySelector(`[data-seq="${seq}"]`);
              if (!el) return false;
              const r = el.getBoundingClientRect();
              return r.bottom > 0 && r.top < window.innerHeight;
            },
            target.message.seq,
            { timeout: UI_TIMEOUT },
          );
          expect(await row.textContent()).toContain(`小黄鸭你好 ${tag}`);
          await screenshot(a.page, 'search-jumped');
        },
      ),
    90_000,
  );
});

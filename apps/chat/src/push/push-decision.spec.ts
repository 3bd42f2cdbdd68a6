import { Message } from '@hihi/contracts';
import {
  buildPayload,
  deliveryVerdict,
  excerptOf,
  messageUrl,
  PUSH_RETRY,
  retryAfterMs,
  subscriptionGone,
  unread,
  wantsPush,
} from './push-decision';

const message = (over: Partial<Message> = {}): Message => ({
  id: 'm1',
  roomId: 'dm:a:b',
  seq: 7,
  sender: { id: 'a', username: 'alice', displayName: 'Alice', bot: false },
  text: 'hello   there',
  createdAt: new Date(0).toISOString(),
  ...over,
});

describe('push decisions', () => {
  it('follows the level: all pushes everything, mentions only mentions, none nothing', () => {
    expect(wantsPush('all', 'public', false)).toBe(true);
    expect(wantsPush('mentions', 'dm', false)).toBe(false);
    expect(wantsPush('mentions', 'public', true)).toBe(true);
    expect(wantsPush('none', 'dm', true)).toBe(false);
  });

  it("uses the kind's default when no level is set: DMs and groups all, public and private rooms mentions", () => {
    expect(wantsPush(null, 'dm', false)).toBe(true);
    expect(wantsPush(null, 'group', false)).toBe(true);
    expect(wantsPush(null, 'public', false)).toBe(false);
    expect(wantsPush(null, 'public', true)).toBe(true);
  });

  it("pushes a bot's message only in a DM with the bot or when it mentions the person", () => {
    expect(wantsPush('all', 'public', false, true)).toBe(false);
    expect(wantsPush('all', 'group', false, true)).toBe(false);
    expect(wantsPush(null, 'bot', false, true)).toBe(false); // the duck's answers in one's duck room
    expect(wantsPush('all', 'public', true, true)).toBe(true);
    expect(wantsPush(null, 'dm', false, true)).toBe(true);
    expect(wantsPush('none', 'dm', true, true)).toBe(false);
  });

  it('counts a message as unread only past the read position', () => {
    expect(unread(6, 7)).toBe(true);
    expect(unread(7, 7)).toBe(false);
  });

  it('treats 404 and 410 as a gone subscription, nothing else', () => {
    expect([404, 410].map(subscriptionGone)).toEqual([true, true]);
    expect([201, 400, 413, 429, 500].some(subscriptionGone)).toBe(false);
  });

  it('builds the payload: sender as DM title, room beside it elsewhere, whitespace folded, link to the message', () => {
    expect(buildPayload(message(), { kind: 'dm', name: '' })).toEqual({
      title: 'Alice',
      body: 'hello there',
      url: '/chat?room=dm%3Aa%3Ab&msg=m1&seq=7',
      roomId: 'dm:a:b',
      messageId: 'm1',
      seq: 7,
      tag: 'room:dm:a:b',
    });
    const p = buildPayload(
      message({
        roomId: 'r',
        sender: { id: 'a', username: 'alice', displayName: 'Alice', bot: false, avatarUrl: '/api/avatars/x.webp' },
      }),
      {
        kind: 'public',
        name: 'general',
      },
    );
    expect(p.title).toBe('Alice · general');
    expect(p.icon).toBe('/api/avatars/x.webp');
    expect(messageUrl('a&b', 'm', 3)).toBe('/chat?room=a%26b&msg=m&seq=3');
  });

  it('cuts a long text and names a file when there is no text', () => {
    expect(buildPayload(message({ text: 'x'.repeat(500) }), { kind: 'dm', name: '' }).body).toHaveLength(200);
    const files = message({
      text: '',
      attachments: [
        { id: 'f', name: 'a.png', size: 1, contentType: 'image/png', url: '/f' },
        { id: 'g', name: 'b.png', size: 1, contentType: 'image/png', url: '/g' },
      ] as Message['attachments'],
    });
    expect(buildPayload(files, { kind: 'dm', name: '' }).body).toBe('📎 a.png (+1)');
  });
});

describe('per-device push retries', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');

  it('reads Retry-After as seconds or an HTTP date, never below 0, at most an hour', () => {
    expect(retryAfterMs('1', now)).toBe(1000);
    expect(retryAfterMs(' 120 ', now)).toBe(120_000);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('86400', now)).toBe(PUSH_RETRY.maxWaitMs);
    expect(retryAfterMs('Wed, 02 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 11:00:00 GMT', now)).toBe(0); // in the past: now
    expect(retryAfterMs('Thu, 03 Dec 2026 12:00:00 GMT', now)).toBe(PUSH_RETRY.maxWaitMs);
    expect(retryAfterMs(['5', '9'], now)).toBe(5000);
  });

  it('ignores an absent or unreadable Retry-After', () => {
    for (const bad of [undefined, '', '  ', 'soon', '-5', '1.5', '12abc', []]) {
      expect([bad, retryAfterMs(bad, now)]).toEqual([bad, undefined]);
    }
  });

  it('2xx is sent, 404/410 gone, other 4xx given up at once', () => {
    expect(deliveryVerdict(201, undefined, 1, now)).toEqual({ kind: 'sent' });
    expect(deliveryVerdict(410, '5', 1, now)).toEqual({ kind: 'gone' });
    expect(deliveryVerdict(404, undefined, 1, now)).toEqual({ kind: 'gone' });
    for (const status of [400, 401, 403, 413, 301]) {
      expect(deliveryVerdict(status, '5', 1, now)).toEqual({ kind: 'give-up', reason: 'refused' });
    }
  });

  it('429 and 5xx are retried after Retry-After, else a doubling backoff, for a bounded number of tries', () => {
    expect(deliveryVerdict(503, '1', 1, now)).toEqual({ kind: 'retry', afterMs: 1000 });
    expect(deliveryVerdict(429, 'Wed, 02 Dec 2026 12:01:00 GMT', 2, now)).toEqual({ kind: 'retry', afterMs: 60_000 });
    expect(deliveryVerdict(500, undefined, 1, now)).toEqual({ kind: 'retry', afterMs: PUSH_RETRY.backoffMs });
    expect(deliveryVerdict(502, 'nonsense', 2, now)).toEqual({ kind: 'retry', afterMs: 2 * PUSH_RETRY.backoffMs });
    expect(deliveryVerdict(504, undefined, 3, now)).toEqual({ kind: 'retry', afterMs: 4 * PUSH_RETRY.backoffMs });
    expect(deliveryVerdict(503, '1', PUSH_RETRY.tries, now)).toEqual({ kind: 'give-up', reason: 'tries' });
    expect(deliveryVerdict(600, '1', 1, now)).toEqual({ kind: 'give-up', reason: 'refused' });
  });
});

describe('excerpts', () => {
  it('puts the text on one line and cuts it at the limit with an ellipsis; files stand in for no text', () => {
    expect(excerptOf(' a \n\n b ', null, 10)).toBe('a b');
    expect(excerptOf('x'.repeat(12), null, 10)).toBe(`${'x'.repeat(9)}…`);
    expect(excerptOf('x'.repeat(12), null, 10)).toHaveLength(10);
    expect(excerptOf('', [{ name: 'a.png' }, { name: 'b.png' }], 10)).toBe('📎 a.png (+1)');
    expect(excerptOf('  ', undefined, 10)).toBe('');
  });
});

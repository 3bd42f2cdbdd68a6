import { Message } from '@hihi/contracts';
import { buildPayload, messageUrl, subscriptionGone, unread, wantsPush } from './push-decision';

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

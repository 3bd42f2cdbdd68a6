import { DIGEST } from '@hihi/contracts';
import {
  digestEntry,
  digestJobId,
  digestReason,
  DigestRow,
  digestTargets,
  digestWaitMs,
  digestWindow,
  RecentDigests,
  wantsDigest,
} from './digest-decision';
import { mailDigestReply } from './digest-mailer';

const row = (over: Partial<DigestRow> = {}): DigestRow => ({
  room_id: 'r1',
  room_name: 'friends',
  kind: 'group',
  message_id: 'm1',
  seq: 3,
  sender_username: 'alice',
  sender_display_name: 'Alice',
  text: 'hi',
  attachments: null,
  created_at: new Date('2026-12-02T12:00:00.123Z'),
  mentioned: false,
  ...over,
});

describe('digest decisions', () => {
  it('takes DMs and groups by level, mentions elsewhere, never a room at none nor a public room at all', () => {
    expect(wantsDigest(null, 'dm', false)).toBe(true);
    expect(wantsDigest(null, 'group', false)).toBe(true);
    expect(wantsDigest('mentions', 'group', false)).toBe(false);
    expect(wantsDigest('mentions', 'group', true)).toBe(true);
    expect(wantsDigest('none', 'dm', false)).toBe(false);
    expect(wantsDigest('none', 'public', true)).toBe(false);
    expect(wantsDigest(null, 'public', false)).toBe(false);
    expect(wantsDigest('all', 'public', false)).toBe(false); // pushed, not mailed
    expect(wantsDigest('all', 'private', true)).toBe(true);
    expect(wantsDigest(null, 'bot', false)).toBe(false); // one's own duck room
  });

  it("follows the push's bot rule: a bot's message only in a DM with it", () => {
    expect(wantsDigest(null, 'dm', false, true)).toBe(true);
    expect(wantsDigest(null, 'group', false, true)).toBe(false);
    expect(wantsDigest('all', 'bot', false, true)).toBe(false);
  });

  it('says why an entry is there: a DM, a mention, else the group', () => {
    expect(digestReason('dm', true)).toBe('dm');
    expect(digestReason('group', true)).toBe('mention');
    expect(digestReason('group', false)).toBe('group');
    expect(digestReason('public', true)).toBe('mention');
  });

  it('queues a digest for the people a message may reach, never its sender, once each', () => {
    const members = [
      { userId: 'a', level: null },
      { userId: 'b', level: null },
      { userId: 'c', level: 'none' as const },
      { userId: 'd', level: 'mentions' as const },
      { userId: 'd', level: 'mentions' as const },
    ];
    expect(digestTargets(members, 'group', 'a', [], false)).toEqual(['b']);
    expect(digestTargets(members, 'group', 'a', ['d', 'c'], false)).toEqual(['b', 'd']);
    expect(digestTargets(members, 'group', 'a', [], true)).toEqual([]);
    expect(digestTargets([{ userId: 'x', level: null }], 'public', 'a', ['x'], false)).toEqual(['x']);
    expect(digestTargets([{ userId: 'x', level: null }], 'public', 'a', [], false)).toEqual([]);
    expect(digestTargets([{ userId: 'a', level: null }], 'dm', 'a', ['a'], false)).toEqual([]);
  });

  it('has one job id per person, without the ":" BullMQ refuses', () => {
    expect(digestJobId('u1')).toBe('dg_u1');
    expect(digestJobId('guest:7')).toBe('dg_guest_7');
    expect(digestJobId('u1')).toBe(digestJobId('u1'));
    expect(digestJobId('u1')).not.toBe(digestJobId('u2'));
  });

  it('mails at most once per window', () => {
    const window = 1800_000;
    expect(digestWaitMs(undefined, 5_000, window)).toBe(0);
    expect(digestWaitMs(1_000, 1_000 + window, window)).toBe(0);
    expect(digestWaitMs(1_000, 1_000 + window - 1, window)).toBe(1);
    expect(digestWaitMs(1_000, 11_000, window)).toBe(window - 10_000);
  });

  it('leaves the last NOTIFY_DELAY_SEC for the next run, never ending before it starts', () => {
    expect(digestWindow(1_000, 100_000, 30_000)).toEqual({ since: 1_000, until: 70_000 });
    expect(digestWindow(90_000, 100_000, 30_000)).toEqual({ since: 90_000, until: 90_000 });
  });

  it('builds an entry: display name (else username), excerpt cut at DIGEST.excerptMax, ISO time, link parts', () => {
    expect(digestEntry(row())).toEqual({
      roomId: 'r1',
      roomName: 'friends',
      messageId: 'm1',
      seq: 3,
      reason: 'group',
      sender: 'Alice',
      excerpt: 'hi',
      at: '2026-12-02T12:00:00.123Z',
    });
    const long = digestEntry(row({ text: 'y'.repeat(DIGEST.excerptMax + 50), sender_display_name: '' }));
    expect(long.excerpt).toHaveLength(DIGEST.excerptMax);
    expect(long.excerpt.endsWith('…')).toBe(true);
    expect(long.sender).toBe('alice');
    expect(digestEntry(row({ text: '', attachments: [{ name: 'cat.jpg' }] })).excerpt).toBe('📎 cat.jpg');
  });

  it('remembers for a while whose job this process queued, so a busy group asks Redis once per person', () => {
    const recent = new RecentDigests(1000, 3);
    expect(recent.take('a', 0)).toBe(true);
    expect(recent.take('a', 999)).toBe(false);
    expect(recent.take('a', 1000)).toBe(true);
    recent.forget('a');
    expect(recent.take('a', 1001)).toBe(true);
    // bounded: the oldest are forgotten
    expect(recent.take('b', 1002)).toBe(true);
    expect(recent.take('c', 1003)).toBe(true);
    expect(recent.take('d', 1004)).toBe(true);
    expect(recent.take('a', 1005)).toBe(true);
    expect(recent.take('d', 1006)).toBe(false);
  });

  it("checks auth's answer", () => {
    expect(mailDigestReply({ sent: true })).toEqual({ sent: true });
    expect(mailDigestReply({ sent: false, skipped: 'not-opted-in' })).toEqual({ sent: false, skipped: 'not-opted-in' });
    for (const bad of [null, 'yes', {}, { sent: 'true' }, { sent: false, skipped: 'because' }]) {
      expect(() => mailDigestReply(bad)).toThrow('malformed');
    }
  });
});

import type { Message } from '@hihi/contracts';
import { lastSeq, mergeMessages, newClientMsgId, replaceMessages } from './message-merge';

const msg = (seq: number, id = `m${seq}`): Message => ({
  id,
  roomId: 'r',
  seq,
  sender: { id: 'u', username: 'u', displayName: 'U', bot: false },
  text: `#${seq}`,
  createdAt: new Date(seq * 1000).toISOString(),
});

describe('mergeMessages', () => {
  it('appends newer messages in seq order', () => {
    const out = mergeMessages([msg(1), msg(2)], [msg(4), msg(3)]);
    expect(out.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('prepends older history', () => {
    const out = mergeMessages([msg(51), msg(52)], [msg(49), msg(50)]);
    expect(out.map((m) => m.seq)).toEqual([49, 50, 51, 52]);
  });

  it('drops duplicates by id and by seq', () => {
    const out = mergeMessages([msg(1), msg(2)], [msg(2), msg(2, 'other-id'), msg(3), msg(3)]);
    expect(out.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(out.find((m) => m.seq === 2)?.id).toBe('m2');
  });

  it('returns the same array when nothing is new (no needless signal updates)', () => {
    const existing = [msg(1), msg(2)];
    expect(mergeMessages(existing, [msg(1)])).toBe(existing);
    expect(mergeMessages(existing, [])).toBe(existing);
  });

  it('fills a gap in the middle', () => {
    const out = mergeMessages([msg(1), msg(5)], [msg(3), msg(2), msg(4)]);
    expect(out.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('lastSeq reads the tail', () => {
    expect(lastSeq([])).toBeUndefined();
    expect(lastSeq([msg(1), msg(7)])).toBe(7);
  });
});

describe('replaceMessages', () => {
  it('replaces by id, never adds or duplicates', () => {
    const list = [msg(1), msg(2), msg(3)];
    const edited = { ...msg(2), text: 'fixed', editedAt: '2026-01-01T00:00:00.000Z' };
    const stranger = msg(9);
    const out = replaceMessages(list, [edited, stranger, { ...edited }]);
    expect(out.map((m) => [m.seq, m.text])).toEqual([
      [1, '#1'],
      [2, 'fixed'],
      [3, '#3'],
    ]);
    expect(out[1].editedAt).toBe(edited.editedAt);
  });

  it('applies a tombstone and returns the same array when nothing matched', () => {
    const list = [msg(1), msg(2)];
    expect(replaceMessages(list, [msg(7)])).toBe(list);
    const out = replaceMessages(list, [{ ...msg(1), text: '', deleted: true }]);
    expect(out[0]).toMatchObject({ deleted: true, text: '' });
  });
});

describe('newClientMsgId', () => {
  it('is unique and within the contract length', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newClientMsgId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(64);
  });
});

import fc from 'fast-check';
import { CreateRoomDto, HistoryQueryDto, MessageSendDto, RoomJoinDto, TypingDto } from './chat.dto';
import { validatePayload } from './validation';

describe('chat DTO validation (sockets and bus handlers)', () => {
  const good = { roomId: 'lobby', text: 'hi', clientMsgId: 'c-1' };

  it('accepts a well-formed message and trims its text', () => {
    const r = validatePayload(MessageSendDto, { ...good, text: '  hi  ' });
    expect(r).toEqual({ ok: true, value: expect.objectContaining({ text: 'hi' }) });
  });

  it.each([
    ['null', null],
    ['a string', 'hi'],
    ['an array', [good]],
    ['a number', 1],
    ['missing fields', { roomId: 'lobby' }],
    ['wrong types', { ...good, text: 1 }],
    ['extra fields', { ...good, extra: 1 }],
    ['blank text', { ...good, text: '  \n ' }],
    ['too long text', { ...good, text: 'x'.repeat(4001) }],
    ['operator injection', { ...good, roomId: { $gt: '' } }],
    ['bad clientMsgId', { ...good, clientMsgId: 'has space' }],
  ])('refuses %s', (_, payload) => {
    const r = validatePayload(MessageSendDto, payload);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toEqual(expect.any(String));
  });

  it('counts characters, not UTF-16 units, for the 4000 limit', () => {
    expect(validatePayload(MessageSendDto, { ...good, text: '鸭'.repeat(4000) }).ok).toBe(true);
    expect(validatePayload(MessageSendDto, { ...good, text: '🦆'.repeat(4000) }).ok).toBe(true);
  });

  it('checks the other socket payloads', () => {
    expect(validatePayload(RoomJoinDto, { roomId: 'lobby' }).ok).toBe(true);
    expect(validatePayload(RoomJoinDto, { roomId: 'lobby', sinceSeq: 3 }).ok).toBe(true);
    expect(validatePayload(RoomJoinDto, { roomId: 'lobby', sinceSeq: '3' }).ok).toBe(false);
    expect(validatePayload(TypingDto, { roomId: 'lobby', typing: 1 }).ok).toBe(false);
    expect(validatePayload(CreateRoomDto, { name: 'a\u0000b' }).ok).toBe(false);
  });

  it('converts query-string numbers for history, strictly', () => {
    expect(validatePayload(HistoryQueryDto, { limit: '10', afterSeq: '0' })).toEqual({
      ok: true,
      value: expect.objectContaining({ limit: 10, afterSeq: 0 }),
    });
    expect(validatePayload(HistoryQueryDto, { limit: '101' }).ok).toBe(false);
    expect(validatePayload(HistoryQueryDto, { limit: '1e3' }).ok).toBe(false);
  });

  it('never throws, whatever it is given (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const r = validatePayload(MessageSendDto, value);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});

import fc from 'fast-check';
import { LIMITS } from '@hihi/contracts';
import { MessageSendDto, RoomJoinDto } from '../chat.dto';
import { jsonNestingDepth, JsonBodyError, verifyJsonBody } from './json-body';
import { isWellFormedText, payloadProblem } from './payload-guard';
import { EmptyDto, validatePayload } from './validate';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const verify = (text: string | Buffer) =>
  verifyJsonBody(undefined as never, undefined as never, typeof text === 'string' ? Buffer.from(text) : text);

describe('payloadProblem: the structural rules of every request', () => {
  it('accepts ordinary payloads', () => {
    expect(payloadProblem({ roomId: 'lobby', text: '你好 🦆', attachments: ['a', 'b'] })).toBeUndefined();
    expect(payloadProblem(JSON.parse('{"a":{"b":{"c":[1,2,{"d":null}]}}}'))).toBeUndefined();
  });

  it('refuses __proto__, constructor and prototype keys at any depth (parsed from JSON text)', () => {
    for (const text of [
      '{"__proto__":{"admin":true}}',
      '{"roomId":"lobby","x":{"constructor":{"prototype":{}}}}',
      '{"a":[{"prototype":1}]}',
    ]) {
      const value: unknown = JSON.parse(text);
      expect(payloadProblem(value)).toMatch(/should not exist/);
    }
  });

  it(`refuses nesting deeper than ${LIMITS.payloadDepth} levels, also far deeper, without recursion`, () => {
    expect(payloadProblem(JSON.parse(nested(LIMITS.payloadDepth)))).toBeUndefined();
    expect(payloadProblem(JSON.parse(nested(LIMITS.payloadDepth + 1)))).toMatch(/nested too deeply/);
    // deeper than any call stack could follow
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(payloadProblem(deep)).toMatch(/nested too deeply/);
  });

  it(`refuses more than ${LIMITS.payloadValues} values`, () => {
    expect(payloadProblem({ a: Array.from({ length: 10 }, () => 1) })).toBeUndefined();
    expect(payloadProblem({ a: Array.from({ length: LIMITS.payloadValues }, () => 1) })).toMatch(/too many values/);
  });

  it('refuses strings that are not well-formed text: lone surrogates, U+FFFD', () => {
    expect(payloadProblem(JSON.parse('{"text":"a\\ud800b"}'))).toMatch(/UTF-8/);
    expect(payloadProblem(JSON.parse('{"text":"\\udc00"}'))).toMatch(/UTF-8/);
    expect(payloadProblem({ text: `bad ${String.fromCharCode(0xfffd)} bytes` })).toMatch(/UTF-8/);
    expect(payloadProblem(JSON.parse('{"a\\ud800":1}'))).toMatch(/UTF-8/);
    expect(isWellFormedText('🦆 surrogate pair')).toBe(true);
  });

  it('refuses values JSON cannot carry (class instances, functions)', () => {
    expect(payloadProblem({ when: new Date() })).toMatch(/JSON/);
    expect(payloadProblem({ f: () => 1 })).toMatch(/JSON/);
  });

  it('never throws, whatever it is given (property)', () => {
    fc.assert(fc.property(fc.anything(), (v) => expect(['string', 'undefined']).toContain(typeof payloadProblem(v))));
  });
});

describe('validatePayload: structure first, then the DTO', () => {
  const good = { roomId: 'lobby', text: 'hi', clientMsgId: 'c-1' };

  it('refuses a prototype key that JSON text really carries', () => {
    const r = validatePayload(MessageSendDto, JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(good).slice(1)}`));
    expect(r).toEqual({ ok: false, message: 'property __proto__ should not exist' });
  });

  it('refuses a deep value in a field before class-transformer walks it', () => {
    const r = validatePayload(MessageSendDto, { ...good, text: JSON.parse(nested(5000)) });
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/nested too deeply/) });
  });

  it('refuses lone surrogates in the text', () => {
    expect(validatePayload(MessageSendDto, { ...good, text: 'x\ud83d' }).ok).toBe(false);
    expect(validatePayload(RoomJoinDto, { roomId: 'lobby' }).ok).toBe(true);
  });

  it('EmptyDto takes {} only', () => {
    expect(validatePayload(EmptyDto, {}).ok).toBe(true);
    expect(validatePayload(EmptyDto, { a: 1 })).toEqual({ ok: false, message: 'this request takes no data' });
  });
});

describe('raw JSON bodies (body-parser verify)', () => {
  it('measures nesting in one pass, ignoring brackets in strings and escaped quotes', () => {
    expect(jsonNestingDepth(Buffer.from('{"a":[1,{"b":"[[[{{{"}]}'))).toBe(3);
    expect(jsonNestingDepth(Buffer.from('{"a":"\\"[[[[["}'))).toBe(1);
    expect(jsonNestingDepth(Buffer.from('"just a string"'))).toBe(0);
    expect(jsonNestingDepth(Buffer.from(nested(100_000)), 8)).toBe(9);
  });

  it('passes ordinary bodies', () => {
    expect(() => verify('{"username":"小明","password":"a long passphrase"}')).not.toThrow();
  });

  it('refuses deep bodies and invalid UTF-8 with a 400 the error filter shows', () => {
    for (const body of [
      nested(5000),
      `{"username":${nested(20)}}`,
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"a":"\xff\xfe"}
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // an encoded surrogate
    ]) {
      let thrown: unknown;
      try {
        verify(body);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(JsonBodyError);
      expect(thrown).toMatchObject({ status: 400, expose: true });
    }
  });
});

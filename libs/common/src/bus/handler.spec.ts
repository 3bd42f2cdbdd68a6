import 'reflect-metadata';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { AUTH_PATTERNS, BusResult, CHAT_PATTERNS, Message, MessageSendAck, PublicUser } from '@hihi/contracts';
import { BusClient } from './bus-client';
import { ok } from './bus-result';
import { Handles, openActorRequest, openRequest } from './handler';
import { BusTimeoutError, type BusTransport } from './transport';

const actor: PublicUser = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false, role: 'member' };
const message = { id: 'm1', roomId: 'lobby', seq: 1 } as Message;

class Handlers {
  @Handles('messageSend')
  send(): Promise<BusResult<MessageSendAck>> {
    return Promise.resolve(ok({ message }));
  }

  // @ts-expect-error the answer must be the command's reply type (MessageSendAck, not a Room)
  @Handles('messageSend')
  wrong(): BusResult<{ room: string }> {
    return ok({ room: 'x' });
  }
}

describe('@Handles(command)', () => {
  it("listens on the command's bus pattern", () => {
    const patterns: unknown = Reflect.getMetadata(PATTERN_METADATA, Handlers.prototype.send);
    expect(patterns).toEqual([CHAT_PATTERNS.send]);
  });
});

describe('openRequest', () => {
  it("validates the data with the command's DTO and the caller with ActorDto", () => {
    const env = { correlationId: 'c1', actor, data: { roomId: 'lobby', text: ' hi ', clientMsgId: 'c-1' } };
    expect(openActorRequest('messageSend', env)).toEqual({
      correlationId: 'c1',
      actor,
      data: expect.objectContaining({ text: 'hi' }),
    });
  });

  it('refuses bad data (validation) and a missing caller (unauthorized)', () => {
    expect(() => openActorRequest('messageSend', { actor, data: { roomId: 'lobby' } })).toThrow(
      expect.objectContaining({ code: 'validation' }),
    );
    expect(() => openActorRequest('roomsList', { data: {} })).toThrow(
      expect.objectContaining({ code: 'unauthorized' }),
    );
    expect(() => openActorRequest('roomsList', JSON.parse('{"actor":{"__proto__":{}},"data":{}}'))).toThrow(
      expect.objectContaining({ code: 'unauthorized' }),
    );
    expect(() => openRequest('authPing', { data: { x: 1 } }, { actor: 'optional' })).toThrow(
      expect.objectContaining({ code: 'validation' }),
    );
  });
});

describe('BusClient.call is typed from pattern to reply', () => {
  const transport: BusTransport = {
    request: (_pattern, _data, _ttlMs) => Promise.resolve({ ok: true, data: { message } }),
    close: () => Promise.resolve(),
  };
  const bus = new BusClient(transport, 'chat', 1000);

  it('answers the reply type of the pattern', async () => {
    const res = await bus.call(
      CHAT_PATTERNS.send,
      { roomId: 'lobby', text: 'hi', clientMsgId: 'c' },
      { correlationId: 'x' },
    );
    if (res.ok) expect(res.data.message.id).toBe('m1');
    // @ts-expect-error the payload of another command does not compile
    void bus.call(CHAT_PATTERNS.send, { refreshToken: 'x' }, { correlationId: 'x' });
    // @ts-expect-error a pattern outside the table does not compile
    void bus.call('chat.nope', {}, { correlationId: 'x' });
    expect(AUTH_PATTERNS.me).toBe('auth.me');
  });

  it('turns a timeout into unavailable', async () => {
    const timeout = new BusClient({ ...transport, request: () => Promise.reject(new BusTimeoutError(5)) }, 'chat', 5);
    expect(await timeout.callRaw('chat.ping', {}, { correlationId: 'x' })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'chat service did not answer within 5 ms' },
    });
  });
});

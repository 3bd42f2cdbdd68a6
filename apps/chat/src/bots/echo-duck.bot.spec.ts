import { DUCK, Message } from '@hihi/contracts';
import { EchoDuckBot } from './echo-duck.bot';

const msg = (text: string, bot = false): Message => ({
  id: 'm1',
  roomId: 'r',
  seq: 1,
  sender: { id: bot ? 'bot:duck' : 'u1', username: bot ? 'duck' : 'alice', displayName: bot ? '小黄鸭' : 'Alice', bot },
  text,
  createdAt: new Date().toISOString(),
});

describe('EchoDuckBot', () => {
  const duck = new EchoDuckBot();

  it('greets users and guests differently', () => {
    expect(duck.greeting(false)).toBe(DUCK.greetingUser);
    expect(duck.greeting(true)).toBe(DUCK.greetingGuest);
    expect(duck.sender).toEqual({ id: 'bot:duck', username: 'duck', displayName: '小黄鸭', bot: true });
  });

  it('echoes everything in its own room', async () => {
    expect(await duck.onMessage({ id: 'd', kind: 'bot' }, msg('你好'))).toEqual([{ text: '你好' }]);
  });

  it('never answers itself (no loops)', async () => {
    expect(await duck.onMessage({ id: 'd', kind: 'bot' }, msg('echo', true))).toEqual([]);
    expect(await duck.onMessage({ id: 'l', kind: 'public' }, msg('@duck hi', true))).toEqual([]);
  });

  it('answers mentions elsewhere, and only mentions', async () => {
    const room = { id: 'lobby', kind: 'public' as const };
    expect(await duck.onMessage(room, msg('hello everyone'))).toEqual([]);
    expect(await duck.onMessage(room, msg('mail me@duck.com'))).toEqual([]);
    expect(await duck.onMessage(room, msg('@duckling hi'))).toEqual([]);
    expect(await duck.onMessage(room, msg('hey @duck, how are you'))).toEqual([{ text: '@Alice hey , how are you' }]);
    expect(await duck.onMessage(room, msg('@小黄鸭 在吗'))).toEqual([{ text: '@Alice 在吗' }]);
    expect(await duck.onMessage(room, msg('@DUCK'))).toEqual([{ text: '@Alice 嘎嘎? (quack?)' }]);
    expect(await duck.onMessage({ id: 'dm', kind: 'dm' }, msg('@duck hi'))).toEqual([{ text: '@Alice hi' }]);
  });
});

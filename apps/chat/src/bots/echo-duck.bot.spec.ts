import { DUCK } from '@hihi/contracts';
import { EchoDuckBot } from './echo-duck.bot';
import { botContext, FakeBotOutput, userMessage } from './testing/fake-bot-output';

const duckRoom = { id: 'd', kind: 'bot' as const };
const lobby = { id: 'lobby', kind: 'public' as const };

async function run(room: typeof duckRoom | typeof lobby, text: string, bot = false): Promise<FakeBotOutput> {
  const duck = new EchoDuckBot();
  const out = new FakeBotOutput();
  const msg = userMessage(text, bot ? { sender: { ...duck.sender } } : {});
  if (duck.interested(room, msg)) await duck.handle(botContext(room, msg), out);
  return out;
}

describe('EchoDuckBot', () => {
  const duck = new EchoDuckBot();

  it('greets users and guests differently', () => {
    expect(duck.greeting(false)).toBe(DUCK.greetingUser);
    expect(duck.greeting(true)).toBe(DUCK.greetingGuest);
    expect(duck.sender).toEqual({ id: 'bot:duck', username: 'duck', displayName: '小黄鸭', bot: true });
  });

  it('echoes everything in its own room, not as a quote', async () => {
    expect((await run(duckRoom, '你好')).actions).toEqual([{ kind: 'reply', id: 're:m1:0', text: '你好' }]);
  });

  it('never answers itself (no loops)', async () => {
    expect(duck.interested(duckRoom, userMessage('echo', { sender: { ...duck.sender } }))).toBe(false);
    expect((await run(duckRoom, 'echo', true)).actions).toEqual([]);
    expect((await run(lobby, '@duck 小黄鸭', true)).actions).toEqual([]);
  });

  it('answers mentions elsewhere, only mentions, as a reply to the mentioning message', async () => {
    expect(duck.interested(lobby, userMessage('hello everyone'))).toBe(false);
    expect(duck.interested(lobby, userMessage('mail me@duck.com'))).toBe(false);
    expect(duck.interested(lobby, userMessage('@duckling hi'))).toBe(false);
    expect((await run(lobby, 'hey @duck, how are you')).replies).toEqual([
      { id: 're:m1:0', text: 'hey , how are you', replyTo: 'm1' },
    ]);
    expect((await run(lobby, '@DUCK')).replies).toEqual([{ id: 're:m1:0', text: '嘎嘎? (quack?)', replyTo: 'm1' }]);
  });

  it('reacts 🦆 to messages that say 小黄鸭, wherever they are', async () => {
    expect((await run(lobby, '我喜欢小黄鸭')).actions).toEqual([{ kind: 'react', id: 'm1', emoji: '🦆' }]);
    expect((await run(lobby, '@小黄鸭 在吗')).actions).toEqual([
      { kind: 'react', id: 'm1', emoji: '🦆' },
      { kind: 'reply', id: 're:m1:0', text: '在吗', replyTo: 'm1' },
    ]);
    expect((await run(duckRoom, '小黄鸭你好')).actions.map((a) => a.kind)).toEqual(['react', 'reply']);
  });
});

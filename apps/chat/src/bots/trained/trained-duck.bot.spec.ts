import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CORPUS_PATH, langOf, loadCorpus, loadHeldOut, NONE_INTENT, parseCorpus } from './corpus';
import { DuckBrain } from './duck-brain';
import { modelPath, readyBrain } from './duck-model';
import { evaluate } from './evaluate';
import { TrainedDuckBot } from './trained-duck.bot';
import { botContext, FakeBotOutput, userMessage } from '../testing/fake-bot-output';

jest.setTimeout(60_000);

const duckRoom = { id: 'duck:u1', kind: 'bot' as const };
const lobby = { id: 'lobby', kind: 'public' as const };

async function ask(duck: TrainedDuckBot, room: typeof duckRoom | typeof lobby, text: string): Promise<FakeBotOutput> {
  const out = new FakeBotOutput();
  const msg = userMessage(text);
  if (duck.interested(room, msg)) await duck.handle(botContext(room, msg), out);
  return out;
}

describe('trained duck', () => {
  const corpus = loadCorpus();
  const dir = mkdtempSync(join(tmpdir(), 'hihi-duck-'));
  let duck: TrainedDuckBot;
  let brain: DuckBrain;
  const answers = (intent: string, lang: 'zh' | 'en') => corpus.intents.find((i) => i.name === intent)!.text[lang].a;

  beforeAll(async () => {
    duck = new TrainedDuckBot({ dataDir: dir });
    await duck.start();
    brain = (await readyBrain(dir, DEFAULT_CORPUS_PATH)).brain;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships a corpus of 60+ intents, each asked several ways in both languages', () => {
    const real = corpus.intents.filter((i) => i.name !== NONE_INTENT);
    expect(real.length).toBeGreaterThanOrEqual(60);
    for (const i of real) {
      expect(i.text.zh.q.length).toBeGreaterThanOrEqual(4);
      expect(i.text.en.q.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('recognises the questions it learned, in both languages', async () => {
    let right = 0;
    let total = 0;
    for (const i of corpus.intents.filter((x) => x.name !== NONE_INTENT)) {
      for (const q of [i.text.zh.q[0], i.text.en.q[0]]) {
        total++;
        if ((await brain.classify(q)).intent === i.name) right++;
      }
    }
    expect(right / total).toBeGreaterThanOrEqual(0.95);
  });

  it('answers how to register, asked in other words, in the language it was asked', async () => {
    for (const q of ['注册账号怎么弄', '我要怎么注册一个账号']) {
      const out = await ask(duck, duckRoom, q);
      expect(answers('account.register', 'zh')).toContain(out.replies[0].text);
    }
    for (const q of ['how can i register', 'how do i create a new account']) {
      const out = await ask(duck, duckRoom, q);
      expect(answers('account.register', 'en')).toContain(out.replies[0].text);
    }
  });

  it('answers held-out paraphrases it never saw (floor: 85 % right, answers and echoes)', async () => {
    const e = await evaluate(brain, loadHeldOut());
    expect(e.total).toBeGreaterThanOrEqual(150);
    expect(e.correct / e.total).toBeGreaterThanOrEqual(0.85);
    expect(e.answered.correct / e.answered.total).toBeGreaterThanOrEqual(0.85);
    expect(e.echoed.correct / e.echoed.total).toBeGreaterThanOrEqual(0.75);
  });

  it('echoes what it does not know, like the seed duck', async () => {
    const out = await ask(duck, duckRoom, '紫色长颈鹿在月亮上跳舞 xyzzy');
    expect(out.replies).toEqual([{ id: 're:m1:0', text: '紫色长颈鹿在月亮上跳舞 xyzzy' }]);
    expect((await ask(duck, duckRoom, 'purple giraffes dance on the moon')).replies[0].text).toBe(
      'purple giraffes dance on the moon',
    );
  });

  it('answers a mention elsewhere as a reply to the mentioning message, and reacts to 小黄鸭', async () => {
    const out = await ask(duck, lobby, '@小黄鸭 怎么建房间');
    expect(out.actions[0]).toEqual({ kind: 'react', id: 'm1', emoji: '🦆' });
    expect(out.replies).toHaveLength(1);
    expect(out.replies[0].replyTo).toBe('m1');
    expect(answers('rooms.create', 'zh')).toContain(out.replies[0].text);
    expect((await ask(duck, lobby, 'how do i register')).actions).toEqual([]);
  });

  it('gives the same answer to the same message (a retried job says the same)', async () => {
    const a = await duck.know('tell me a duck fact', 'msg-42');
    expect(a).toBeDefined();
    expect(await duck.know('tell me a duck fact', 'msg-42')).toBe(a);
  });

  it('echoes until its model is ready', async () => {
    const cold = new TrainedDuckBot({ dataDir: dir });
    expect(cold.ready).toBe(false);
    expect((await ask(cold, duckRoom, '怎么注册')).replies[0].text).toBe('怎么注册');
  });

  it('keeps the model in the data folder and retrains when the corpus changes', async () => {
    const own = mkdtempSync(join(tmpdir(), 'hihi-duck-corpus-'));
    try {
      const path = join(own, 'corpus.yaml');
      const source = readFileSync(DEFAULT_CORPUS_PATH, 'utf8');
      writeFileSync(path, source);
      expect((await readyBrain(own, path)).how).toBe('trained');
      expect(JSON.parse(readFileSync(modelPath(own), 'utf8')).corpusHash).toBe(parseCorpus(source).hash);
      expect((await readyBrain(own, path)).how).toBe('loaded');

      const added = `${source.replace(/\n+$/, '')}
  test.giraffe:
    zh:
      q: [紫色的长颈鹿在哪里, 哪里能看到紫色长颈鹿, 紫色长颈鹿住在哪]
      a: [紫色的长颈鹿住在月亮上。]
    en:
      q: [where is the purple giraffe, where can i see a purple giraffe, where does the purple giraffe live]
      a: [The purple giraffe lives on the moon.]
`;
      writeFileSync(path, added);
      const re = await readyBrain(own, path);
      expect(re.how).toBe('trained');
      expect((await re.brain.answer('紫色的长颈鹿在哪里呀'))?.text).toBe('紫色的长颈鹿住在月亮上。');
      expect((await re.brain.answer('where is that purple giraffe'))?.text).toBe(
        'The purple giraffe lives on the moon.',
      );
      expect((await readyBrain(own, path)).how).toBe('loaded');
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('tells Chinese from English by Han characters', () => {
    expect(langOf('怎么注册')).toBe('zh');
    expect(langOf('hihi聊天室是什么')).toBe('zh');
    expect(langOf('how do I register')).toBe('en');
  });

  it('refuses a malformed corpus, naming the intent', () => {
    expect(() => parseCorpus('intents:\n  x:\n    zh: {q: [a], a: [b]}\n')).toThrow(/intent x has no en/);
    expect(() => parseCorpus('intents: [')).toThrow(/not valid YAML/);
  });
});

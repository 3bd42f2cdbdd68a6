import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { BotBudgetExceeded, BotOutput } from '../bot';
import { botContext, FakeBotOutput, userMessage } from '../testing/fake-bot-output';
import { DuckKnowledge, LlmAllowance, LlmDuckBot } from './llm-duck.bot';
import { streamChat } from './llm-client';

/** What the test endpoint does with the next request. */
type Behaviour =
  | { kind: 'stream'; pieces: string[]; gapMs: number }
  | { kind: 'stall' }
  | { kind: 'error'; status: number }
  | { kind: 'json'; text: string };

interface Seen {
  auth?: string;
  body: { model: string; stream: boolean; messages: { role: string; content: string }[] };
}

/** A local OpenAI-compatible endpoint (POST /v1/chat/completions), started by the test. */
class FakeLlm {
  behaviour: Behaviour = { kind: 'stream', pieces: [], gapMs: 0 };
  readonly seen: Seen[] = [];
  private server!: Server;
  private readonly open = new Set<ServerResponse>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    this.seen.push({ auth: req.headers.authorization, body: JSON.parse(raw) as Seen['body'] });
    const b = this.behaviour;
    if (b.kind === 'error') {
      res.writeHead(b.status, { 'content-type': 'application/json' }).end('{"error":{"message":"model not loaded"}}');
      return;
    }
    if (b.kind === 'json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: b.text } }] }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    if (b.kind === 'stall') {
      res.write(': keep-alive\n\n');
      return; // never answers
    }
    res.write(`data: ${JSON.stringify({ choices: [{ delta: { role: 'assistant' } }] })}\n\n`);
    for (const piece of b.pieces) {
      await new Promise((r) => setTimeout(r, b.gapMs));
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: piece } }] })}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  }
}

const knowledge: DuckKnowledge = {
  know: async (q) => (q.includes('注册') || /register/i.test(q) ? 'TRAINED: register via the sign-in page' : undefined),
};
const always: LlmAllowance = { take: async () => true };
const duckRoom = { id: 'duck:u1', kind: 'bot' as const };
const lobby = { id: 'lobby', kind: 'public' as const };

describe('LLM duck', () => {
  const llm = new FakeLlm();
  let url = '';
  beforeAll(async () => {
    url = await llm.start();
  });
  afterAll(() => llm.stop());
  beforeEach(() => {
    llm.seen.length = 0;
  });

  const duck = (over: Partial<ConstructorParameters<typeof LlmDuckBot>[0]> = {}, allowance = always) =>
    new LlmDuckBot(
      { url, model: 'duck-7b', apiKey: 'sk-test', timeoutMs: 2000, contextMessages: 5, editEveryMs: 100, ...over },
      knowledge,
      allowance,
    );

  it('streams its answer: posts the first words, edits as more arrive, under a typing indicator', async () => {
    llm.behaviour = { kind: 'stream', pieces: ['嘎嘎,', '你好', '!我是', '小黄鸭。', ' Quack.'], gapMs: 120 };
    const out = new FakeBotOutput();
    const history = [
      userMessage('earlier question', { id: 'h1', seq: 3 }),
      userMessage('earlier answer', {
        id: 'h2',
        seq: 4,
        sender: { id: 'bot:duck', username: 'duck', displayName: '小黄鸭', bot: true },
      }),
    ];
    const msg = userMessage('@duck 你好');
    await duck().handle(botContext(lobby, msg, history), out);

    expect(out.replies).toEqual([{ id: 're:m1:0', text: '嘎嘎,你好!我是小黄鸭。 Quack.', replyTo: 'm1' }]);
    const kinds = out.actions.map((a) => a.kind);
    expect(kinds[0]).toBe('typing');
    expect(kinds[kinds.length - 1]).toBe('typing');
    expect(out.actions[0]).toEqual({ kind: 'typing', on: true });
    expect(out.actions[out.actions.length - 1]).toEqual({ kind: 'typing', on: false });
    const first = out.actions.find((a) => a.kind === 'reply');
    expect(first).toMatchObject({ text: '嘎嘎,' });
    const edits = out.actions.filter((a) => a.kind === 'edit');
    expect(edits.length).toBeGreaterThanOrEqual(2);
    expect(edits.every((e) => e.kind === 'edit' && e.id === 're:m1:0')).toBe(true);

    const req = llm.seen[0];
    expect(req.auth).toBe('Bearer sk-test');
    expect(req.body.model).toBe('duck-7b');
    expect(req.body.stream).toBe(true);
    expect(req.body.messages[0].role).toBe('system');
    expect(req.body.messages.slice(1)).toEqual([
      { role: 'user', content: 'Alice: earlier question' },
      { role: 'assistant', content: 'earlier answer' },
      { role: 'user', content: 'Alice: @duck 你好' },
    ]);
  });

  it('edits no more often than every editEveryMs', async () => {
    llm.behaviour = { kind: 'stream', pieces: Array.from({ length: 40 }, (_, i) => `${i} `), gapMs: 10 };
    const out = new FakeBotOutput();
    await duck({ editEveryMs: 150 }).handle(botContext(duckRoom, userMessage('count')), out);
    const edits = out.actions.filter((a) => a.kind === 'edit').length;
    expect(edits).toBeGreaterThanOrEqual(1);
    expect(edits).toBeLessThanOrEqual(6); // ~400 ms of streaming / 150 ms, plus the final edit
    expect(out.replies[0].text).toBe(Array.from({ length: 40 }, (_, i) => `${i} `).join(''));
  });

  it('tells the model what the trained duck knows about the question', async () => {
    llm.behaviour = { kind: 'stream', pieces: ['Press Register.'], gapMs: 0 };
    await duck().handle(botContext(duckRoom, userMessage('how do I register?')), new FakeBotOutput());
    expect(llm.seen[0].body.messages[0].content).toContain('TRAINED: register via the sign-in page');
  });

  it('falls back to the trained duck when the endpoint fails', async () => {
    llm.behaviour = { kind: 'error', status: 500 };
    const out = new FakeBotOutput();
    await duck().handle(botContext(duckRoom, userMessage('怎么注册')), out);
    expect(out.replies).toEqual([{ id: 're:m1:0', text: 'TRAINED: register via the sign-in page' }]);
    expect(out.actions[out.actions.length - 1]).toEqual({ kind: 'typing', on: false });
    // and echoes what the trained duck does not know
    const echo = new FakeBotOutput();
    await duck().handle(botContext(duckRoom, userMessage('purple giraffe')), echo);
    expect(echo.replies[0].text).toBe('purple giraffe');
  });

  it('gives up after its timeout and falls back, also mid-stream (the posted reply is edited)', async () => {
    llm.behaviour = { kind: 'stall' };
    const out = new FakeBotOutput();
    const t0 = Date.now();
    await duck({ timeoutMs: 400 }).handle(botContext(duckRoom, userMessage('how do I register')), out);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(out.replies).toEqual([{ id: 're:m1:0', text: 'TRAINED: register via the sign-in page' }]);

    llm.behaviour = { kind: 'stream', pieces: ['Let me think', ' about', ' it', ' slowly'], gapMs: 300 };
    const mid = new FakeBotOutput();
    await duck({ timeoutMs: 500 }).handle(botContext(duckRoom, userMessage('register?')), mid);
    expect(mid.replies).toHaveLength(1);
    expect(mid.actions.find((a) => a.kind === 'reply')).toMatchObject({ text: 'Let me think' });
    expect(mid.replies[0].text).toBe('TRAINED: register via the sign-in page');
  });

  it('over the room/user allowance the trained duck answers without asking the model', async () => {
    const out = new FakeBotOutput();
    await duck({}, { take: async () => false }).handle(botContext(duckRoom, userMessage('register please')), out);
    expect(llm.seen).toHaveLength(0);
    expect(out.replies[0].text).toBe('TRAINED: register via the sign-in page');
  });

  it('does not answer twice when the user has no send budget left', async () => {
    llm.behaviour = { kind: 'stream', pieces: ['hi'], gapMs: 0 };
    const refusing: BotOutput = Object.assign(new FakeBotOutput(), {
      reply: async () => {
        throw new BotBudgetExceeded('u1', 100);
      },
    });
    await expect(duck().handle(botContext(duckRoom, userMessage('hello')), refusing)).rejects.toBeInstanceOf(
      BotBudgetExceeded,
    );
  });

  it('reads a server that answers JSON although asked to stream', async () => {
    llm.behaviour = { kind: 'json', text: 'whole answer' };
    const pieces: string[] = [];
    for await (const p of streamChat({ url, model: 'm', messages: [], signal: AbortSignal.timeout(2000) }))
      pieces.push(p);
    expect(pieces).toEqual(['whole answer']);
  });
});

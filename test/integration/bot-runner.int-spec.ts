import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DUCK_SENDER, Message, MessageSender, RoomEventEnvelope } from '@hihi/contracts';
import { SendBudget, sendBucketKey } from '@hihi/common/rate-limit';
import { freePort, sleep, startRedis, StartedRedis, waitFor } from '@hihi/infra';
import { Bot, BotContext, BotOutput, BotRoom } from '../../apps/chat/src/bots/bot';
import { BotStorePort, StoreBotOutputFactory } from '../../apps/chat/src/bots/store-bot-output';
import {
  BOT_QUEUE,
  botJobId,
  botQueuePrefix,
  BotRunner,
  BotRunnerOptions,
} from '../../apps/chat/src/bots/runner/bot-runner';

jest.setTimeout(60_000);

/** An in-memory message store with the store's idempotency rule: (sender, clientMsgId) is stored once. */
class MemoryStore implements BotStorePort {
  readonly messages: (Message & { storedAt: number })[] = [];

  async send(roomId: string, sender: MessageSender, input: { text: string; clientMsgId: string; replyTo?: string }) {
    const same = this.messages.find((m) => m.sender.id === sender.id && m.clientMsgId === input.clientMsgId);
    if (same) return same;
    const m = {
      id: `${sender.id}/${input.clientMsgId}`,
      roomId,
      seq: this.messages.length + 1,
      clientMsgId: input.clientMsgId,
      sender,
      text: input.text,
      createdAt: new Date().toISOString(),
      storedAt: Date.now(),
    };
    this.messages.push(m);
    return m;
  }
  async edit(_roomId: string, messageId: string, _editor: MessageSender, text: string) {
    const m = this.messages.find((x) => x.id === messageId)!;
    m.text = text;
    return m;
  }
  async react(_roomId: string, messageId: string) {
    return this.messages.find((x) => x.id === messageId)!;
  }
  async recent(): Promise<Message[]> {
    return [];
  }
  inRoom(roomId: string) {
    return this.messages.filter((m) => m.roomId === roomId);
  }
}

const events = { publish: async (_e: RoomEventEnvelope) => undefined };

/** A bot for the runner tests: what it does is up to the test. */
class ScriptedBot implements Bot {
  readonly name = 'scripted';
  readonly sender: MessageSender = { ...DUCK_SENDER };
  calls = 0;
  constructor(private readonly script: (ctx: BotContext, out: BotOutput, call: number) => Promise<void>) {}
  greeting(): string {
    return 'hi';
  }
  interested(_room: BotRoom, message: Message): boolean {
    return !message.text.startsWith('ignore');
  }
  async handle(ctx: BotContext, out: BotOutput): Promise<void> {
    this.calls++;
    await this.script(ctx, out, this.calls);
  }
}

let n = 0;
function trigger(roomId: string, text = 'hello', userId = 'u1'): Message {
  n++;
  return {
    id: `msg${n}-${Date.now()}`,
    roomId,
    seq: n,
    sender: { id: userId, username: userId, displayName: userId, bot: false },
    text,
    createdAt: new Date().toISOString(),
  };
}

describe('bot runner (BullMQ on a real redis-server)', () => {
  let redis: StartedRedis;
  let dir: string;
  let client: Redis;
  const runners: BotRunner[] = [];
  let prefixN = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hihi-bots-'));
    redis = await startRedis(dir, false, () => undefined);
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    for (const r of runners) await r.close();
    client.disconnect();
    await redis.proc.stop(3000);
    rmSync(dir, { recursive: true, force: true });
  });

  function runner(bot: Bot, store: MemoryStore, over: Partial<BotRunnerOptions> = {}): BotRunner {
    const r = new BotRunner(bot, new StoreBotOutputFactory(store, events), {
      redisUrl: redis.url,
      prefix: `t${++prefixN}`,
      concurrency: 4,
      attempts: 3,
      backoffMs: 100,
      jobTimeoutMs: 30_000,
      ratePerSec: 10,
      burst: 20,
      ...over,
    });
    runners.push(r);
    r.start();
    return r;
  }

  it('a bot that takes 10 s delays nothing: queueing is instant and other rooms are answered meanwhile', async () => {
    const store = new MemoryStore();
    const bot = new ScriptedBot(async (ctx, out) => {
      if (ctx.room.id === 'slow') await sleep(10_000);
      await out.reply(`re: ${ctx.message.text}`, { replyTo: ctx.message.id });
    });
    const r = runner(bot, store);
    const slow = trigger('slow', 'think hard');
    const t0 = Date.now();
    expect(await r.enqueue({ id: 'slow', kind: 'bot' }, slow)).toBe(true);
    const enqueueMs = Date.now() - t0;
    expect(enqueueMs).toBeLessThan(500);

    const quick = Array.from({ length: 5 }, (_, i) => trigger(`room${i}`, `quick ${i}`));
    for (const m of quick) await r.enqueue({ id: m.roomId, kind: 'public' }, m);
    expect(await waitFor(async () => quick.every((m) => store.inRoom(m.roomId).length === 1), 5000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(store.inRoom('slow')).toHaveLength(0); // still thinking

    expect(await waitFor(async () => store.inRoom('slow').length === 1, 20_000)).toBe(true);
    const answered = store.inRoom('slow')[0];
    expect(answered.storedAt - t0).toBeGreaterThanOrEqual(10_000);
    expect(answered).toMatchObject({ text: 're: think hard', clientMsgId: `re:${slow.id}:0` });
  });

  it('a failing bot is retried, then given up (the job ends failed, nothing more runs)', async () => {
    const store = new MemoryStore();
    const bot = new ScriptedBot(async () => {
      throw new Error('boom');
    });
    const r = runner(bot, store, { attempts: 3, backoffMs: 100 });
    const m = trigger('fail');
    await r.enqueue({ id: 'fail', kind: 'bot' }, m);
    expect(await waitFor(async () => bot.calls === 3, 10_000)).toBe(true);
    await sleep(1500);
    expect(bot.calls).toBe(3);
    const q = new Queue(BOT_QUEUE, { connection: client, prefix: botQueuePrefix(`t${prefixN}`) });
    expect(await (await q.getJob(botJobId(m.id)))?.getState()).toBe('failed');
    await q.close();
    expect(store.messages).toHaveLength(0);
  });

  it('a retried job does not reply twice nor charge the user twice', async () => {
    const store = new MemoryStore();
    const bot = new ScriptedBot(async (_ctx, out, call) => {
      await out.reply('the answer');
      if (call === 1) throw new Error('crashed after replying');
    });
    const opts = { ratePerSec: 0.001, burst: 5 };
    const r = runner(bot, store, opts);
    const m = trigger('retry', 'hello', 'charged-user');
    await r.enqueue({ id: 'retry', kind: 'bot' }, m);
    expect(await waitFor(async () => bot.calls === 2, 10_000)).toBe(true);
    await sleep(300);
    expect(store.inRoom('retry').map((x) => x.clientMsgId)).toEqual([`re:${m.id}:0`]);
    const tokens = Number(await client.hget(sendBucketKey(`t${prefixN}`, 'charged-user'), 'tokens'));
    expect(tokens).toBeCloseTo(4, 1); // one token of five
  });

  it('without a send token the bot stays quiet, and the job still completes', async () => {
    const store = new MemoryStore();
    const bot = new ScriptedBot(async (_ctx, out) => {
      await out.reply('would have answered');
    });
    const r = runner(bot, store, { ratePerSec: 0.001, burst: 1 });
    const prefix = `t${prefixN}`;
    // the user spent their burst on their own messages (what the gateway charges)
    expect((await new SendBudget(client, { prefix, ratePerSec: 0.001, burst: 1 }).take('spender')).allowed).toBe(true);
    const m = trigger('broke', 'hello', 'spender');
    await r.enqueue({ id: 'broke', kind: 'bot' }, m);
    const q = new Queue(BOT_QUEUE, { connection: client, prefix: botQueuePrefix(prefix) });
    expect(
      await waitFor(async () => (await (await q.getJob(botJobId(m.id)))?.getState()) === 'completed', 10_000),
    ).toBe(true);
    await q.close();
    expect(bot.calls).toBe(1);
    expect(store.messages).toHaveLength(0);
  });

  it('queues a message once however often it is enqueued, and only messages the bot wants', async () => {
    const store = new MemoryStore();
    const bot = new ScriptedBot(async (_ctx, out) => {
      await out.reply('once');
    });
    const r = runner(bot, store);
    const m = trigger('twice');
    await Promise.all([r.enqueue({ id: 'twice', kind: 'bot' }, m), r.enqueue({ id: 'twice', kind: 'bot' }, m)]);
    await r.enqueue({ id: 'twice', kind: 'bot' }, m);
    expect(await r.enqueue({ id: 'twice', kind: 'bot' }, trigger('twice', 'ignore me'))).toBe(false);
    expect(await r.enqueue({ id: 'twice', kind: 'bot' }, { ...trigger('twice'), sender: { ...DUCK_SENDER } })).toBe(
      false,
    );
    expect(await waitFor(async () => store.messages.length === 1, 5000)).toBe(true);
    await sleep(500);
    expect(bot.calls).toBe(1);
    expect(store.messages).toHaveLength(1);
  });

  it('enqueue neither throws nor hangs when Redis is unreachable', async () => {
    const port = await freePort();
    const r = new BotRunner(
      new ScriptedBot(async () => undefined),
      new StoreBotOutputFactory(new MemoryStore(), events),
      {
        redisUrl: `redis://127.0.0.1:${port}`,
        prefix: 'gone',
        concurrency: 1,
        attempts: 1,
        backoffMs: 100,
        jobTimeoutMs: 1000,
        ratePerSec: 10,
        burst: 20,
        enqueueTimeoutMs: 500,
      },
    );
    const t0 = Date.now();
    expect(await r.enqueue({ id: 'x', kind: 'bot' }, trigger('x'))).toBe(false);
    expect(Date.now() - t0).toBeLessThan(3000);
    await r.close();
  });
});

import { Logger } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { createRedis, hashTag, RedisClient } from '@hihi/common/redis';
import { Message } from '@hihi/contracts';
import { SendBudget } from '@hihi/common/rate-limit';
import { Bot, BotBudgetExceeded, BotContext, BotOutputFactory, BotRoom } from '../bot';
import { BudgetedBotOutput } from './budgeted-output';

/** One bot job: a stored message the bot is interested in. */
export interface BotJob {
  room: BotRoom;
  message: Message;
}

export interface BotRunnerOptions {
  redisUrl: string;
  /** REDIS_PREFIX: BullMQ keys are `{<prefix>:bull}:bots:…` (botQueuePrefix) */
  prefix: string;
  /** jobs one process runs at once */
  concurrency: number;
  /** tries of one job (BOT_ATTEMPTS) */
  attempts: number;
  /** first retry delay, doubled each time */
  backoffMs: number;
  /** longest one job may run before it is aborted (and retried) */
  jobTimeoutMs: number;
  /** the send budget the replies are charged to (SEND_RATE_PER_SEC, SEND_BURST) */
  ratePerSec: number;
  burst: number;
  /** longest enqueue may wait for Redis */
  enqueueTimeoutMs?: number;
}

export const BOT_QUEUE = 'bots';

/**
 * BullMQ's key prefix: in a hash tag, so that every key of the queue (its scripts touch many at
 * once) lands in one Redis Cluster slot — `{<prefix>:bull}:bots:…`.
 */
export function botQueuePrefix(prefix: string): string {
  return hashTag(prefix, 'bull');
}

/** BullMQ job ids may not contain ':' */
export function botJobId(messageId: string): string {
  return `m_${messageId.replace(/:/g, '_')}`;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Runs the bot off the send path: `enqueue` (called after the sender's message is stored and
 * acknowledged) puts a job on a BullMQ queue in the chat's Redis, keyed by the message id, so
 * the same message is never queued twice; a worker in every chat process runs the jobs
 * (BOT_CONCURRENCY at a time) with retries (BOT_ATTEMPTS, exponential back-off). Replies of a
 * retried job keep their ids (re:<messageId>:<n>), so a retry never replies twice.
 */
export class BotRunner {
  private readonly logger = new Logger('BotRunner');
  private readonly queueRedis: RedisClient;
  private readonly redis: RedisClient;
  private readonly queue: Queue<BotJob>;
  private readonly budget: SendBudget;
  private worker?: Worker<BotJob>;
  private workerRedis?: RedisClient;
  private readonly stopping = new AbortController();
  private readonly roomTails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly bot: Bot,
    private readonly outputs: BotOutputFactory | (() => BotOutputFactory),
    private readonly opts: BotRunnerOptions,
  ) {
    this.queueRedis = createRedis(opts.redisUrl, { name: 'chat-bots-queue', maxRetriesPerRequest: 1 });
    this.queueRedis.on('error', () => undefined);
    this.redis = createRedis(opts.redisUrl, { name: 'chat-bots', maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
    this.queue = new Queue<BotJob>(BOT_QUEUE, { connection: this.queueRedis, prefix: botQueuePrefix(opts.prefix) });
    this.queue.on('error', (err) => this.logger.warn(`queue: ${err.message}`));
    this.budget = new SendBudget(this.redis, { prefix: opts.prefix, ratePerSec: opts.ratePerSec, burst: opts.burst });
  }

  get botName(): string {
    return this.bot.name;
  }

  /**
   * Queue the bot's turn for a stored message, if the bot wants it. Never throws and never
   * waits long (call it without awaiting after the ack): when Redis cannot take the job, the
   * bot misses this message, the user's message itself is already safe.
   */
  async enqueue(room: BotRoom, message: Message): Promise<boolean> {
    try {
      if (message.sender.bot || !this.bot.interested(room, message)) return false;
      await withTimeout(
        this.queue.add(
          this.bot.name,
          { room: { id: room.id, kind: room.kind }, message },
          {
            jobId: botJobId(message.id),
            attempts: this.opts.attempts,
            backoff: { type: 'exponential', delay: this.opts.backoffMs },
            removeOnComplete: { age: 3600, count: 10000 },
            removeOnFail: { age: 86400, count: 10000 },
          },
        ),
        this.opts.enqueueTimeoutMs ?? 2000,
        'queueing the bot job',
      );
      return true;
    } catch (err) {
      this.logger.warn(`bot ${this.bot.name} skips ${message.id}: ${(err as Error).message}`);
      return false;
    }
  }

  /** Start taking jobs (once the store can be used). */
  start(): void {
    if (this.worker) return;
    const connection = createRedis(this.opts.redisUrl, { name: 'chat-bots-worker', maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    this.workerRedis = connection;
    this.worker = new Worker<BotJob>(BOT_QUEUE, (job) => this.process(job), {
      connection,
      prefix: botQueuePrefix(this.opts.prefix),
      concurrency: this.opts.concurrency,
      lockDuration: Math.max(30_000, this.opts.jobTimeoutMs + 5_000),
    });
    this.worker.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
    this.worker.on('failed', (job, err) => {
      if (!job) return;
      const last = job.attemptsMade >= (job.opts.attempts ?? 1);
      const what = `bot ${this.bot.name} failed on ${job.data.message.id} (try ${job.attemptsMade}/${job.opts.attempts ?? 1})`;
      if (last) this.logger.error(`${what}, giving up: ${err.message}`);
      else this.logger.warn(`${what}, will retry: ${err.message}`);
    });
  }

  /** Stop: running bots are aborted (their jobs are retried by another process), then close. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.worker?.close().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    this.workerRedis?.disconnect();
    this.queueRedis.disconnect();
    this.redis.disconnect();
  }

  private factory(): BotOutputFactory {
    return typeof this.outputs === 'function' ? this.outputs() : this.outputs;
  }

  /** Jobs of one room run one after another in a process, so answers come in order. */
  private serial<T>(roomId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.roomTails.get(roomId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.roomTails.set(roomId, tail);
    void tail.then(() => {
      if (this.roomTails.get(roomId) === tail) this.roomTails.delete(roomId);
    });
    return run;
  }

  private async process(job: Job<BotJob>): Promise<void> {
    const { room, message } = job.data;
    await this.serial(room.id, async () => {
      const factory = this.factory();
      const out = new BudgetedBotOutput(
        factory.create(room, message, this.bot.sender),
        this.budget,
        this.redis,
        this.opts.prefix,
        message,
      );
      const abort = new AbortController();
      const onStop = () => abort.abort(new Error('the chat service is stopping'));
      this.stopping.signal.addEventListener('abort', onStop, { once: true });
      const timer = setTimeout(() => abort.abort(new Error('bot timed out')), this.opts.jobTimeoutMs);
      const ctx: BotContext = {
        room,
        message,
        recent: (limit) => factory.recent(room.id, message.seq, limit),
        signal: abort.signal,
      };
      const aborted = new Promise<never>((_, reject) => {
        abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true });
      });
      aborted.catch(() => undefined);
      try {
        await Promise.race([this.bot.handle(ctx, out), aborted]);
      } catch (err) {
        if (err instanceof BotBudgetExceeded) {
          this.logger.log(`bot ${this.bot.name} stays quiet on ${message.id}: ${err.message}`);
          return;
        }
        throw err;
      } finally {
        clearTimeout(timer);
        this.stopping.signal.removeEventListener('abort', onStop);
        await out.finish();
      }
    });
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DelayedError, Job, Queue, Worker } from 'bullmq';
import { createRedis, hashTag, RedisClient } from '@hihi/common/redis';
import { ChatConfig } from '@hihi/config';
import { Message } from '@hihi/contracts';
import type { RoomFacts } from '../access/policy';
import { DomainEvents } from '../events/domain-events';
import { DigestRepository } from '../persistence/digest.repository';
import { DigestCandidate, digestJobId, digestKind, digestTargets, RecentDigests } from './digest-decision';
import { DigestService } from './digest.service';

export const DIGEST_QUEUE = 'digest';

/** One person's digest, due DIGEST_DELAY_SEC after the first message that queued it. */
export interface DigestJob {
  userId: string;
  /** ISO-8601: just before that message (the window's start when the person never had a digest) */
  since: string;
}

/** Tries of one digest job when auth cannot be asked (then BullMQ's exponential backoff). */
const ATTEMPTS = 5;

/**
 * The email digest's scheduling (SPEC §10): a DM, a group message or a mention that may reach a
 * person (digestTargets: their level, the bot rule) queues one delayed BullMQ job per person
 * (`dg_<userId>`: while one waits, adds are ignored), whether or not they have push devices. When
 * it is due DigestService mails what is still unread; when something arrived meanwhile (or was
 * too recent to mail) the same job is delayed again by a window (moveToDelayed), so one person's
 * digest never runs twice at once and never mails twice within DIGEST_DELAY_SEC. Failures are
 * logged and retried (ATTEMPTS, exponential backoff); nothing here throws into the send path.
 */
@Injectable()
export class DigestNotifier implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Digest');
  private readonly prefix: string;
  private readonly recent: RecentDigests;
  private queueRedis?: RedisClient;
  private queue?: Queue<DigestJob>;
  private worker?: Worker<DigestJob>;
  private workerRedis?: RedisClient;

  constructor(
    private readonly domain: DomainEvents,
    private readonly repo: DigestRepository,
    private readonly digests: DigestService,
    private readonly config: ChatConfig,
  ) {
    this.prefix = hashTag(config.REDIS_PREFIX, 'bull');
    this.recent = new RecentDigests((config.DIGEST_DELAY_SEC * 1000) / 2);
  }

  onModuleInit(): void {
    this.domain.on('message.created', ({ message, room, created, mentions }) => {
      if (created && !message.deleted) void this.enqueue(message, room, mentions);
    });
  }

  onApplicationBootstrap(): void {
    const connection = createRedis(this.config.REDIS_URL, { name: 'chat-digest-worker', maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    this.workerRedis = connection;
    this.worker = new Worker<DigestJob>(DIGEST_QUEUE, (job, token) => this.process(job, token), {
      connection,
      prefix: this.prefix,
      concurrency: 2,
    });
    this.worker.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
    this.worker.on('failed', (job, err) => {
      if (!job) return;
      const last = job.attemptsMade >= (job.opts.attempts ?? 1);
      this.logger[last ? 'error' : 'warn'](
        `digest ${job.id} failed (try ${job.attemptsMade}/${job.opts.attempts ?? 1})${last ? ', giving up' : ''}: ${err.message}`,
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
    this.workerRedis?.disconnect();
    this.queueRedis?.disconnect();
  }

  protected getQueue(): Queue<DigestJob> {
    if (!this.queue) {
      this.queueRedis = createRedis(this.config.REDIS_URL, { name: 'chat-digest-queue', maxRetriesPerRequest: 1 });
      this.queueRedis.on('error', () => undefined);
      this.queue = new Queue<DigestJob>(DIGEST_QUEUE, { connection: this.queueRedis, prefix: this.prefix });
      this.queue.on('error', (err) => this.logger.warn(`queue: ${err.message}`));
    }
    return this.queue;
  }

  /** Queue the digest job of each person the message may reach. Never throws. */
  async enqueue(message: Message, room: RoomFacts, mentions: string[]): Promise<void> {
    try {
      if (!digestKind(room.kind) && !mentions.length) return;
      const rows = digestKind(room.kind) ? await this.repo.members(room.id) : await this.repo.levels(room.id, mentions);
      const candidates: DigestCandidate[] = rows.map((r) => ({ userId: r.user_id, level: r.notify_level }));
      const now = Date.now();
      const people = digestTargets(candidates, room.kind, message.sender.id, mentions, message.sender.bot === true)
        // the same process queued their job lately: it is still waiting and will read this message
        .filter((userId) => this.recent.take(userId, now));
      if (!people.length) return;
      const since = new Date(new Date(message.createdAt).getTime() - 1).toISOString();
      const delay = this.config.DIGEST_DELAY_SEC * 1000;
      try {
        await this.getQueue().addBulk(
          people.map((userId) => ({
            name: 'digest',
            data: { userId, since },
            opts: this.jobOpts(digestJobId(userId), delay),
          })),
        );
      } catch (err) {
        for (const userId of people) this.recent.forget(userId);
        throw err;
      }
    } catch (err) {
      this.logger.warn(`no digest check for ${message.id}: ${(err as Error).message}`);
    }
  }

  private jobOpts(jobId: string, delay: number) {
    return {
      jobId,
      delay,
      attempts: ATTEMPTS,
      backoff: { type: 'exponential', delay: 10_000 },
      // gone once done (or given up), so the person's next message can queue their next digest
      removeOnComplete: true,
      removeOnFail: true,
    };
  }

  async process(job: Job<DigestJob>, token?: string): Promise<void> {
    const { userId } = job.data;
    const run = await this.digests.run(userId, new Date(job.data.since), randomUUID());
    let delay: number | undefined;
    if (run.outcome === 'wait') delay = run.waitMs;
    else if (run.later) {
      delay = this.config.DIGEST_DELAY_SEC * 1000;
      await job.updateData({ userId, since: run.until.toISOString() });
    }
    if (delay === undefined) return;
    // the same job again later (its id stays taken: adds meanwhile are ignored, it will read them)
    await job.moveToDelayed(Date.now() + delay, token);
    throw new DelayedError();
  }
}

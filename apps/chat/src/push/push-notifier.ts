import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { generateRequestDetails } from 'web-push';
import { createRedis, hashTag, RedisClient } from '@hihi/common/redis';
import { egressRequest, EgressError } from '@hihi/common/egress';
import { ChatConfig } from '@hihi/config';
import { Message, PUSH } from '@hihi/contracts';
import { DomainEvents } from '../events/domain-events';
import { PushRepository, PushSubscriptionRow } from '../persistence/push.repository';
import { buildPayload, deliveryVerdict, unread, wantsPush } from './push-decision';
import { PushService } from './push.service';
import { PushAudience } from './push-audience';
import { RoomFacts } from '../access/policy';

export const PUSH_QUEUE = 'push';

/** One delayed check: after NOTIFY_DELAY_SEC, who has still not read this message? */
export interface PushJob {
  message: Message;
  /** (jobs queued by earlier versions; the room's name is read when the job runs) */
  roomName?: string;
}

/** One device's push again, after its push service answered 429 or 5xx (or did not answer). */
export interface PushRetryJob {
  endpoint: string;
  userId: string;
  roomId: string;
  seq: number;
  messageId: string;
  /** the notification's JSON (encrypted afresh at each try) */
  payload: string;
  /** the try this job makes, from 2 */
  attempt: number;
}

type PushQueueJob = PushJob | PushRetryJob;

/** What one delivery did (for logs and tests). */
export type PushOutcome = 'sent' | 'gone' | 'refused' | 'failed' | 'retrying';

/** Where a device's push is in its fan-out: whose, which message, which try. */
export interface DeliveryContext {
  userId: string;
  roomId: string;
  seq: number;
  messageId: string;
  attempt: number;
}

/**
 * Web Push delivery, off the send path (SPEC §10): each new message puts one delayed BullMQ job
 * (durable in Redis: a restart loses nothing; keyed by the message id: queued once) on `push`.
 * When it is due, the members with subscriptions who have not read up to the message and whose
 * level wants it (`all`; `mentions` and mentioned) get one encrypted push per device. web-push
 * only builds the request (RFC 8291 aes128gcm, RFC 8292 VAPID); it is sent by the egress guard
 * (SPEC §9), never on a socket web-push opens. A 404/410 answer deletes the subscription; a 429
 * or 5xx answer (or none) is retried for that device alone (a `retry` job, after its Retry-After,
 * capped at an hour, else a doubling backoff; PUSH_RETRY.tries in all), if the message is still
 * unread and not deleted by then; any other answer is given up.
 */
@Injectable()
export class PushNotifier implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Push');
  private readonly prefix: string;
  private queueRedis?: RedisClient;
  private queue?: Queue<PushQueueJob>;
  private worker?: Worker<PushQueueJob>;
  private workerRedis?: RedisClient;

  constructor(
    private readonly domain: DomainEvents,
    private readonly repo: PushRepository,
    private readonly push: PushService,
    private readonly config: ChatConfig,
    private readonly audience: PushAudience,
  ) {
    this.prefix = hashTag(config.REDIS_PREFIX, 'bull');
  }

  onModuleInit(): void {
    this.domain.on('message.created', ({ message, room, created }) => {
      if (created && !message.deleted) void this.enqueue(message, room);
    });
  }

  onApplicationBootstrap(): void {
    const connection = createRedis(this.config.REDIS_URL, { name: 'chat-push-worker', maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    this.workerRedis = connection;
    this.worker = new Worker<PushQueueJob>(
      PUSH_QUEUE,
      (job) => (job.name === 'retry' ? this.retry(job.data as PushRetryJob) : this.process(job as Job<PushJob>)),
      {
        connection,
        prefix: this.prefix,
        concurrency: 4,
      },
    );
    this.worker.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
    this.workerRedis?.disconnect();
    this.queueRedis?.disconnect();
  }

  private getQueue(): Queue<PushQueueJob> {
    if (!this.queue) {
      this.queueRedis = createRedis(this.config.REDIS_URL, { name: 'chat-push-queue', maxRetriesPerRequest: 1 });
      this.queueRedis.on('error', () => undefined);
      this.queue = new Queue<PushQueueJob>(PUSH_QUEUE, { connection: this.queueRedis, prefix: this.prefix });
      this.queue.on('error', (err) => this.logger.warn(`queue: ${err.message}`));
    }
    return this.queue;
  }

  /**
   * Queue the delayed check, when anyone in the room could receive a push at all. Never throws.
   * A message that mentions someone asks the database who could; one that mentions nobody asks
   * the cached audience of the room (PushAudience): most messages cost no query here.
   */
  async enqueue(message: Message, room: RoomFacts): Promise<void> {
    try {
      const fromBot = message.sender.bot === true;
      const mentions = message.mentions ?? [];
      if (mentions.length) {
        const candidates = await this.repo.recipients(room.id, message.sender.id, mentions);
        if (!candidates.some((r) => wantsPush(r.notify_level, r.kind, mentioned(message, r.user_id), fromBot))) return;
      } else {
        // mentioning nobody, it could reach only someone at `all` (a bot's message not even them, but in a DM)
        if (!wantsPush('all', room.kind, false, fromBot)) return;
        if (!(await this.audience.reachable(room, message.sender.id))) return;
      }
      await this.getQueue().add(
        'message',
        { message },
        {
          jobId: `p_${message.id.replace(/:/g, '_')}`,
          delay: this.config.NOTIFY_DELAY_SEC * 1000,
          attempts: 3,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { age: 3600, count: 10000 },
          removeOnFail: { age: 86400, count: 10000 },
        },
      );
    } catch (err) {
      this.logger.warn(`no push check for ${message.id}: ${(err as Error).message}`);
    }
  }

  private async process(job: Job<PushJob>): Promise<void> {
    const now = await this.repo.messageNow(job.data.message.roomId, job.data.message.seq);
    if (!now || now.deleted) return; // deleted within the delay: nothing to tell
    const message = { ...job.data.message, text: now.text };
    const mentions = new Set(message.mentions ?? []);
    const rows = await this.repo.recipients(message.roomId, message.sender.id, [...mentions]);
    const due = rows.filter(
      (r) =>
        unread(r.read_seq, message.seq) &&
        wantsPush(r.notify_level, r.kind, mentions.has(r.user_id), message.sender.bot === true),
    );
    if (!due.length) return;
    const payload = JSON.stringify(buildPayload(message, { kind: due[0].kind, name: due[0].room_name }));
    const subs = await this.repo.ofUsers(due.map((r) => r.user_id));
    await Promise.all(
      subs.map((s) =>
        this.deliver(s, payload, {
          userId: s.user_id,
          roomId: message.roomId,
          seq: message.seq,
          messageId: message.id,
          attempt: 1,
        }),
      ),
    );
  }

  /** A device's next try: only while its subscription is still this person's and the message still unread. */
  private async retry(job: PushRetryJob): Promise<void> {
    const sub = await this.repo.byEndpoint(job.endpoint);
    if (!sub || sub.user_id !== job.userId) return;
    const now = await this.repo.messageNow(job.roomId, job.seq);
    if (!now || now.deleted) return;
    if (!unread(await this.repo.readSeq(job.userId, job.roomId), job.seq)) return;
    await this.deliver(sub, job.payload, job);
  }

  /** Queue a device's next try; never throws (a retry that cannot be queued is logged and dropped). */
  private async scheduleRetry(sub: PushSubscriptionRow, payload: string, ctx: DeliveryContext, afterMs: number) {
    const device = createHash('sha256').update(sub.endpoint).digest('base64url').slice(0, 16);
    const data: PushRetryJob = { ...ctx, endpoint: sub.endpoint, payload, attempt: ctx.attempt + 1 };
    try {
      await this.getQueue().add('retry', data, {
        jobId: `pr_${ctx.messageId.replace(/:/g, '_')}_${device}_${data.attempt}`,
        delay: afterMs,
        attempts: 1,
        removeOnComplete: { age: 3600, count: 10000 },
        removeOnFail: { age: 86400, count: 10000 },
      });
    } catch (err) {
      this.logger.warn(`push retry to ${safeHost(sub.endpoint)} not queued: ${(err as Error).message}`);
    }
  }

  /** One push to one device, through the egress guard; a busy push service gets the device's push again later. */
  async deliver(sub: PushSubscriptionRow, payload: string, ctx?: DeliveryContext): Promise<PushOutcome> {
    const vapid = this.push.vapid();
    try {
      const details = generateRequestDetails(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        payload,
        {
          vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
          TTL: PUSH.ttlSec,
          contentEncoding: 'aes128gcm',
          urgency: 'high',
        },
      );
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(details.headers)) {
        if (k.toLowerCase() !== 'content-length' && v !== undefined) headers[k] = String(v);
      }
      const res = await egressRequest(details.endpoint, {
        method: 'POST',
        headers,
        body: details.body ?? undefined,
        policy: this.push.policy,
        timeoutMs: 10_000,
        maxRedirects: 0,
        maxBytes: 16 * 1024,
      });
      const verdict = deliveryVerdict(res.status, res.headers['retry-after'], ctx?.attempt ?? 1, Date.now());
      if (verdict.kind === 'sent') return 'sent';
      if (verdict.kind === 'gone') {
        await this.repo.removeEndpoint(sub.endpoint);
        return 'gone';
      }
      if (verdict.kind === 'retry' && ctx) {
        this.logger.warn(`push to ${safeHost(sub.endpoint)} answered ${res.status}: again in ${verdict.afterMs} ms`);
        await this.scheduleRetry(sub, payload, ctx, verdict.afterMs);
        return 'retrying';
      }
      this.logger.warn(`push to ${safeHost(sub.endpoint)} answered ${res.status}${ctx ? ', giving up' : ''}`);
      return 'failed';
    } catch (err) {
      const refused = err instanceof EgressError && err.code === 'refused';
      this.logger.warn(`push to ${safeHost(sub.endpoint)} not sent: ${(err as Error).message}`);
      if (refused) return 'refused';
      // no answer (timeout, connection reset): as a 503 without Retry-After
      const verdict = deliveryVerdict(503, undefined, ctx?.attempt ?? 1, Date.now());
      if (verdict.kind === 'retry' && ctx) {
        await this.scheduleRetry(sub, payload, ctx, verdict.afterMs);
        return 'retrying';
      }
      return 'failed';
    }
  }
}

function mentioned(message: Message, userId: string): boolean {
  return (message.mentions ?? []).includes(userId);
}

function safeHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return '?';
  }
}

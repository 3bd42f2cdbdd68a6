import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { generateRequestDetails } from 'web-push';
import { createRedis, hashTag, RedisClient } from '@hihi/common/redis';
import { egressRequest, EgressError } from '@hihi/common/egress';
import { ChatConfig } from '@hihi/config';
import { Message, PUSH } from '@hihi/contracts';
import { DomainEvents } from '../events/domain-events';
import { PushRepository, PushSubscriptionRow } from '../persistence/push.repository';
import { buildPayload, subscriptionGone, unread, wantsPush } from './push-decision';
import { PushService } from './push.service';

export const PUSH_QUEUE = 'push';

/** One delayed check: after NOTIFY_DELAY_SEC, who has still not read this message? */
export interface PushJob {
  message: Message;
  roomName: string;
}

/** What one delivery did (for logs and tests). */
export type PushOutcome = 'sent' | 'gone' | 'refused' | 'failed';

/**
 * Web Push delivery, off the send path (SPEC §10): each new message puts one delayed BullMQ job
 * (durable in Redis: a restart loses nothing; keyed by the message id: queued once) on `push`.
 * When it is due, the members with subscriptions who have not read up to the message and whose
 * level wants it (`all`; `mentions` and mentioned) get one encrypted push per device. web-push
 * only builds the request (RFC 8291 aes128gcm, RFC 8292 VAPID); it is sent by the egress guard
 * (SPEC §9), never on a socket web-push opens. A 404/410 answer deletes the subscription.
 */
@Injectable()
export class PushNotifier implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Push');
  private readonly prefix: string;
  private queueRedis?: RedisClient;
  private queue?: Queue<PushJob>;
  private worker?: Worker<PushJob>;
  private workerRedis?: RedisClient;

  constructor(
    private readonly domain: DomainEvents,
    private readonly repo: PushRepository,
    private readonly push: PushService,
    private readonly config: ChatConfig,
  ) {
    this.prefix = hashTag(config.REDIS_PREFIX, 'bull');
  }

  onModuleInit(): void {
    this.domain.on('message.created', ({ message, room, created }) => {
      if (created && !message.deleted) void this.enqueue(message, room.id);
    });
  }

  onApplicationBootstrap(): void {
    const connection = createRedis(this.config.REDIS_URL, { name: 'chat-push-worker', maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    this.workerRedis = connection;
    this.worker = new Worker<PushJob>(PUSH_QUEUE, (job) => this.process(job), {
      connection,
      prefix: this.prefix,
      concurrency: 4,
    });
    this.worker.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
    this.workerRedis?.disconnect();
    this.queueRedis?.disconnect();
  }

  private getQueue(): Queue<PushJob> {
    if (!this.queue) {
      this.queueRedis = createRedis(this.config.REDIS_URL, { name: 'chat-push-queue', maxRetriesPerRequest: 1 });
      this.queueRedis.on('error', () => undefined);
      this.queue = new Queue<PushJob>(PUSH_QUEUE, { connection: this.queueRedis, prefix: this.prefix });
      this.queue.on('error', (err) => this.logger.warn(`queue: ${err.message}`));
    }
    return this.queue;
  }

  /** Queue the delayed check, when anyone in the room could receive a push at all. Never throws. */
  async enqueue(message: Message, roomId: string): Promise<void> {
    try {
      const candidates = await this.repo.recipients(roomId, message.sender.id, message.mentions ?? []);
      const fromBot = message.sender.bot === true;
      if (!candidates.some((r) => wantsPush(r.notify_level, r.kind, mentioned(message, r.user_id), fromBot))) return;
      await this.getQueue().add(
        'message',
        { message, roomName: candidates[0].room_name },
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
    const payload = JSON.stringify(buildPayload(message, { kind: due[0].kind, name: job.data.roomName }));
    const subs = await this.repo.ofUsers(due.map((r) => r.user_id));
    await Promise.all(subs.map((s) => this.deliver(s, payload)));
  }

  /** One push to one device, through the egress guard. */
  async deliver(sub: PushSubscriptionRow, payload: string): Promise<PushOutcome> {
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
      if (subscriptionGone(res.status)) {
        await this.repo.removeEndpoint(sub.endpoint);
        return 'gone';
      }
      if (res.status < 200 || res.status >= 300) {
        this.logger.warn(`push to ${new URL(sub.endpoint).host} answered ${res.status}`);
        return 'failed';
      }
      return 'sent';
    } catch (err) {
      const refused = err instanceof EgressError && err.code === 'refused';
      this.logger.warn(`push to ${safeHost(sub.endpoint)} not sent: ${(err as Error).message}`);
      return refused ? 'refused' : 'failed';
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

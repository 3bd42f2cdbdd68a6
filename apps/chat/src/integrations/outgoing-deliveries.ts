import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { ChatConfig } from '@hihi/config';
import { createRedis, hashTag, RedisClient } from '@hihi/common/redis';
import { EgressError, egressRequest, EgressPolicy, parseEgressAllow } from '@hihi/common/egress';
import { INTEGRATION_LIMITS, LIMITS, Message } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { DomainEvents } from '../events/domain-events';
import { integrationActor } from '../access/actor';
import { MessagesService } from '../messages/messages.service';
import { MessagesRepository } from '../persistence/messages.repository';
import { toMessage } from '../persistence/message-rows';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';
import { signDelivery, triggers } from './signature';

/** One delivery: a hook and the new message that set it off. */
export interface DeliveryJob {
  hookId: string;
  roomId: string;
  messageId: string;
}

export const DELIVERY_QUEUE = 'webhooks';
/** First retry after 1 s, then 2 s, 4 s … */
const BACKOFF_MS = 1000;

/** BullMQ job ids may not contain ':'; one job per (hook, message), so a message is never delivered twice. */
export function deliveryJobId(hookId: string, messageId: string): string {
  return `d_${hookId}_${messageId}`;
}

/** The name an outgoing hook's answers are posted under: the receiver's host. */
function replyName(url: string): string {
  try {
    return new URL(url).hostname.slice(0, INTEGRATION_LIMITS.hookNameMax) || 'webhook';
  } catch {
    return 'webhook';
  }
}

/**
 * Outgoing webhooks (SPEC §9), a subscriber of `message.created`: each matching new message (of
 * a person, never of a bot or an integration — no loops) becomes one BullMQ job per hook, so the
 * send's ack never waits; a worker in every chat process POSTs it through the egress guard
 * (5 s, bounded answer, redirects decided again), signed, and retries with back-off
 * (INTEGRATION_LIMITS.deliveryAttempts tries). Each try is logged. A 2xx answer `{text}` is
 * posted back as a reply, with a key derived from the message: a retried job never replies twice.
 */
@Injectable()
export class OutgoingDeliveries implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly policy: EgressPolicy;
  private readonly queueRedis: RedisClient;
  private readonly queue: Queue<DeliveryJob>;
  private worker?: Worker<DeliveryJob>;
  private workerRedis?: RedisClient;

  constructor(
    private readonly config: ChatConfig,
    private readonly domain: DomainEvents,
    private readonly hooks: WebhooksService,
    private readonly repo: WebhooksRepository,
    private readonly messagesRepo: MessagesRepository,
    private readonly messages: MessagesService,
  ) {
    this.policy = parseEgressAllow(config.EGRESS_ALLOW);
    this.queueRedis = createRedis(config.REDIS_URL, { name: 'chat-webhooks-queue', maxRetriesPerRequest: 1 });
    this.queueRedis.on('error', () => undefined);
    this.queue = new Queue<DeliveryJob>(DELIVERY_QUEUE, {
      connection: this.queueRedis,
      prefix: hashTag(config.REDIS_PREFIX, 'bull'),
    });
    this.queue.on('error', (err) => this.logger.warn(`queue: ${err.message}`));
  }

  onModuleInit(): void {
    this.domain.on('message.created', ({ message, created }) => {
      if (created && !message.sender.bot) void this.enqueue(message);
    });
  }

  onApplicationBootstrap(): void {
    const connection = createRedis(this.config.REDIS_URL, { name: 'chat-webhooks-worker', maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    this.workerRedis = connection;
    this.worker = new Worker<DeliveryJob>(DELIVERY_QUEUE, (job) => this.deliver(job), {
      connection,
      prefix: hashTag(this.config.REDIS_PREFIX, 'bull'),
      concurrency: 8,
      lockDuration: 30_000,
    });
    this.worker.on('error', (err) => this.logger.warn(`worker: ${err.message}`));
    this.worker.on('failed', (job, err) => {
      if (!job) return;
      const last = job.attemptsMade >= (job.opts.attempts ?? 1);
      this.logger[last ? 'error' : 'warn'](
        `delivery ${job.id} failed (try ${job.attemptsMade}/${job.opts.attempts ?? 1})${last ? ', giving up' : ''}: ${err.message}`,
      );
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    this.workerRedis?.disconnect();
    this.queueRedis.disconnect();
  }

  /** Never throws, never waits long: a hook that cannot be queued misses this message (logged). */
  async enqueue(message: Message): Promise<void> {
    try {
      const hooks = (await this.hooks.outgoingFor(message.roomId)).filter((h) => triggers(h.trigger, message));
      await Promise.all(
        hooks.map((h) =>
          this.queue.add(
            'deliver',
            { hookId: h.id, roomId: message.roomId, messageId: message.id },
            {
              jobId: deliveryJobId(h.id, message.id),
              attempts: INTEGRATION_LIMITS.deliveryAttempts,
              backoff: { type: 'exponential', delay: BACKOFF_MS },
              removeOnComplete: { age: 3600, count: 10000 },
              removeOnFail: { age: 86400, count: 10000 },
            },
          ),
        ),
      );
    } catch (err) {
      this.logger.warn(`webhooks skip ${message.id}: ${(err as Error).message}`);
    }
  }

  private async deliver(job: Job<DeliveryJob>): Promise<void> {
    const { hookId, roomId, messageId } = job.data;
    const hook = await this.repo.outgoing(hookId);
    if (!hook) return; // deleted since
    const [row, room] = await Promise.all([this.messagesRepo.findById(roomId, messageId), this.repo.roomBrief(roomId)]);
    if (!row || !room) return;
    const message = toMessage(row);
    const body = JSON.stringify({ event: 'message.new', room, message });
    const timestamp = Math.floor(Date.now() / 1000);
    const attempt = job.attemptsMade + 1;
    const started = Date.now();
    let status: number | undefined;
    let answer: Buffer | undefined;
    let error: string | undefined;
    try {
      const res = await egressRequest(hook.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'HihiChat-Webhooks/1',
          'x-hihi-timestamp': String(timestamp),
          'x-hihi-signature': signDelivery(hook.secret, timestamp, body),
          'x-hihi-delivery': String(job.id),
          'x-hihi-attempt': String(attempt),
        },
        timeoutMs: INTEGRATION_LIMITS.deliveryTimeoutMs,
        maxBytes: INTEGRATION_LIMITS.deliveryAnswerBytes,
        maxRedirects: 3,
        policy: this.policy,
      });
      status = res.status;
      answer = res.body;
      if (status < 200 || status > 299) error = `the receiver answered ${status}`;
    } catch (err) {
      error = err instanceof EgressError ? `${err.code}: ${err.message}` : (err as Error).message;
    }
    await this.repo
      .logDelivery({
        hook_id: hookId,
        message_id: messageId,
        attempt,
        ok: !error,
        status: status ?? null,
        latency_ms: Date.now() - started,
        error: error?.slice(0, 500) ?? null,
      })
      .catch((err: Error) => this.logger.warn(`delivery log: ${err.message}`));
    // a refused destination will be refused again: no retry
    if (error && /^(refused|scheme):/.test(error)) throw new UnrecoverableError(error);
    if (error) throw new Error(error);
    await this.reply(hook.id, hook.url, roomId, message, answer);
  }

  /** A 2xx JSON answer `{text}` becomes a reply in the room, once per (hook, message). */
  private async reply(hookId: string, url: string, roomId: string, message: Message, answer?: Buffer): Promise<void> {
    if (!answer?.length) return;
    let text: unknown;
    try {
      text = (JSON.parse(answer.toString('utf8')) as { text?: unknown })?.text;
    } catch {
      return; // not JSON: nothing to post
    }
    if (typeof text !== 'string' || !text.trim()) return;
    const trimmed = text.trim().slice(0, LIMITS.messageMax);
    try {
      await this.messages.send(
        integrationActor(hookId, roomId, replyName(url)),
        roomId,
        trimmed,
        `hookreply:${hookId}:${message.id}`,
        {
          replyTo: message.id,
        },
      );
    } catch (err) {
      if (err instanceof BusError) this.logger.warn(`webhook answer not posted: ${err.message}`);
      else throw err;
    }
  }
}

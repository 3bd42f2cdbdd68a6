import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ChatConfig } from '@hihi/config';
import { AccessChangedEvent, accessChangedChannel } from '@hihi/contracts';
import { createRedis, RedisClient } from '@hihi/common/redis';

/**
 * How chat processes tell each other that a room's access facts changed (membership, roles,
 * kind, archive): every process drops its cached copy. `healthy` is false while the process may
 * have missed a notice (not subscribed): the cache is then bypassed, so it is never stale for
 * longer than a notice takes to arrive.
 */
export abstract class AccessInvalidation {
  /** this process's id (its own notices are not applied twice) */
  readonly origin = randomUUID();
  abstract get healthy(): boolean;
  /** Tell every other chat process. Never throws. */
  abstract publish(roomId: string): Promise<void>;
  /** `listener(roomId)` for other processes' notices; `listener(undefined)`: forget everything (resubscribed). */
  abstract listen(listener: (roomId: string | undefined) => void): void;
}

/** One process alone (unit and medium tests): nothing to tell. */
export class LocalAccessInvalidation extends AccessInvalidation {
  get healthy(): boolean {
    return true;
  }
  publish(): Promise<void> {
    return Promise.resolve();
  }
  listen(): void {}
}

@Injectable()
export class RedisAccessInvalidation extends AccessInvalidation implements OnApplicationShutdown {
  private readonly logger = new Logger('AccessInvalidation');
  private readonly pub: RedisClient;
  private readonly sub: RedisClient;
  private readonly channel: string;
  private subscribed = false;
  private listener: (roomId: string | undefined) => void = () => undefined;

  constructor(config: ChatConfig) {
    super();
    this.channel = accessChangedChannel(config.REDIS_PREFIX);
    // plain (broadcast) pub/sub also on a Redis Cluster: every chat process hears every notice
    this.pub = createRedis(config.REDIS_URL, {
      name: 'chat-access-pub',
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
    });
    this.sub = createRedis(config.REDIS_URL, { name: 'chat-access-sub', maxRetriesPerRequest: null });
    this.pub.on('error', () => undefined);
    this.sub.on('error', () => undefined);
    // a lost connection may have lost notices: bypass the cache until subscribed again, then forget it all
    this.sub.on('close', () => (this.subscribed = false));
    this.sub.on('ready', () => void this.subscribe());
    this.sub.on('message', (ch: string, raw: string) => {
      if (ch !== this.channel) return;
      try {
        const event = JSON.parse(raw) as AccessChangedEvent;
        if (typeof event?.roomId === 'string' && event.origin !== this.origin) this.listener(event.roomId);
      } catch {
        this.logger.warn('dropped a malformed access notice');
      }
    });
  }

  private async subscribe(): Promise<void> {
    try {
      await this.sub.subscribe(this.channel);
      this.listener(undefined);
      this.subscribed = true;
    } catch (err) {
      this.logger.warn(`subscribe failed: ${(err as Error).message}`);
    }
  }

  get healthy(): boolean {
    return this.subscribed;
  }

  async publish(roomId: string): Promise<void> {
    const event: AccessChangedEvent = { roomId, origin: this.origin };
    try {
      await this.pub.publish(this.channel, JSON.stringify(event));
    } catch (err) {
      this.logger.warn(`access notice for ${roomId} not sent: ${(err as Error).message}`);
    }
  }

  listen(listener: (roomId: string | undefined) => void): void {
    this.listener = listener;
  }

  onApplicationShutdown(): void {
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

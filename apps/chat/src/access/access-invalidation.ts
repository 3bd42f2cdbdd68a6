import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ChatConfig } from '@hihi/config';
import { AccessChangedEvent, accessChangedChannel } from '@hihi/contracts';
import { createRedis, RedisClient } from '@hihi/common/redis';

/** What changed: a room's facts and members, or (every room) who has push devices. */
export type AccessNotice = { scope: 'room'; roomId: string } | { scope: 'push' };

/** `undefined`: forget everything (a notice may have been missed: resubscribed). */
export type AccessListener = (notice: AccessNotice | undefined) => void;

/**
 * How chat processes tell each other that a room's access facts changed (membership, roles,
 * kind, archive, notification levels) or that someone added a push device: every process drops
 * its cached copy. A notice is applied in this process at once (to every listener: the access
 * cache, the push audience) and sent to the others. `healthy` is false while the process may
 * have missed a notice (not subscribed): the caches are then bypassed, so they are never stale
 * for longer than a notice takes to arrive.
 */
export abstract class AccessInvalidation {
  /** this process's id (its own notices are not applied twice) */
  readonly origin = randomUUID();
  private readonly listeners: AccessListener[] = [];
  abstract get healthy(): boolean;
  /** Send the notice to every other chat process. Never throws. */
  protected abstract send(notice: AccessNotice): Promise<void>;

  /** A room's facts or members changed (committed): here at once, then in the other processes. */
  publish(roomId: string): Promise<void> {
    return this.announce({ scope: 'room', roomId });
  }

  /** Someone added a push device (committed): every room's push audience may have grown. */
  publishPush(): Promise<void> {
    return this.announce({ scope: 'push' });
  }

  /** Hear every notice, this process's own and the others'. */
  listen(listener: AccessListener): void {
    this.listeners.push(listener);
  }

  /** A notice from another process (or `undefined`: forget everything). */
  receive(notice: AccessNotice | undefined): void {
    for (const l of this.listeners) l(notice);
  }

  private async announce(notice: AccessNotice): Promise<void> {
    this.receive(notice);
    await this.send(notice);
  }
}

/** One process alone (unit and medium tests): nothing to tell. */
export class LocalAccessInvalidation extends AccessInvalidation {
  get healthy(): boolean {
    return true;
  }
  protected send(): Promise<void> {
    return Promise.resolve();
  }
}

@Injectable()
export class RedisAccessInvalidation extends AccessInvalidation implements OnApplicationShutdown {
  private readonly logger = new Logger('AccessInvalidation');
  private readonly pub: RedisClient;
  private readonly sub: RedisClient;
  private readonly channel: string;
  private subscribed = false;

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
        if (event?.origin === this.origin) return;
        if (event?.scope === 'push') this.receive({ scope: 'push' });
        else if (typeof event?.roomId === 'string') this.receive({ scope: 'room', roomId: event.roomId });
      } catch {
        this.logger.warn('dropped a malformed access notice');
      }
    });
  }

  private async subscribe(): Promise<void> {
    try {
      await this.sub.subscribe(this.channel);
      this.receive(undefined);
      this.subscribed = true;
    } catch (err) {
      this.logger.warn(`subscribe failed: ${(err as Error).message}`);
    }
  }

  get healthy(): boolean {
    return this.subscribed;
  }

  protected async send(notice: AccessNotice): Promise<void> {
    const event: AccessChangedEvent =
      notice.scope === 'push' ? { scope: 'push', origin: this.origin } : { roomId: notice.roomId, origin: this.origin };
    try {
      await this.pub.publish(this.channel, JSON.stringify(event));
    } catch (err) {
      const what = notice.scope === 'push' ? 'push audience' : notice.roomId;
      this.logger.warn(`access notice for ${what} not sent: ${(err as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

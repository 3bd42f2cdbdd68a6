import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ChatConfig } from '@hihi/config';
import { moderationChannel, ModerationReportsNotice } from '@hihi/contracts';
import { createRedis, RedisClient } from '@hihi/common/redis';

/**
 * The moderators' badge (SPEC §8 "a live badge for moderators"): when a room's open reports
 * change, chat publishes one notice on the moderation channel (plain pub/sub: every gateway
 * hears it, as it must — server moderators may be connected anywhere), and each gateway sends
 * `moderation:reports` to its sockets of the people concerned. Reports are rare: one channel.
 */
export abstract class ModerationNotices {
  abstract publish(notice: ModerationReportsNotice): Promise<void>;
}

/** Keeps the notices (unit and medium tests). */
export class MemoryModerationNotices extends ModerationNotices {
  readonly notices: ModerationReportsNotice[] = [];
  publish(notice: ModerationReportsNotice): Promise<void> {
    this.notices.push(notice);
    return Promise.resolve();
  }
}

@Injectable()
export class RedisModerationNotices extends ModerationNotices implements OnApplicationShutdown {
  private readonly logger = new Logger('ModerationNotices');
  private readonly redis: RedisClient;
  private readonly channel: string;

  constructor(config: ChatConfig) {
    super();
    this.channel = moderationChannel(config.REDIS_PREFIX);
    this.redis = createRedis(config.REDIS_URL, { name: 'chat-moderation', maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
  }

  /** Never throws: the badge is a convenience, the queue (REST) is the truth. */
  async publish(notice: ModerationReportsNotice): Promise<void> {
    try {
      await this.redis.publish(this.channel, JSON.stringify(notice));
    } catch (err) {
      this.logger.warn(`moderation notice for ${notice.roomId} not sent: ${(err as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

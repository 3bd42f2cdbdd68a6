import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { ChatConfig } from '@hihi/config';
import { RoomEventEnvelope } from '@hihi/contracts';
import { RoomEventsChannel } from '@hihi/common/bus';

/** Publishes room events on Redis pub/sub; every gateway process is subscribed. */
export abstract class RoomEventsPublisher {
  abstract publish(event: RoomEventEnvelope): Promise<void>;
}

@Injectable()
export class RedisRoomEventsPublisher extends RoomEventsPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('RoomEvents');
  private readonly redis: Redis;
  private readonly channel: RoomEventsChannel;

  constructor(config: ChatConfig) {
    super();
    this.redis = new Redis(config.REDIS_URL, {
      connectionName: 'chat-events',
      // publishes issued in the same tick (a batch of messages, many read marks) go out in one write
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on('error', () => undefined);
    this.channel = new RoomEventsChannel(this.redis, config.REDIS_PREFIX);
  }

  /** Never throws: the message is already stored, clients catch up from history (join sinceSeq). */
  async publish(event: RoomEventEnvelope): Promise<void> {
    try {
      await this.channel.publish(event);
    } catch (err) {
      this.logger.warn(`publishing ${event.type} for ${event.roomId} failed: ${(err as Error).message}`);
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

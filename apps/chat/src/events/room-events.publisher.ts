import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createRedis, RedisClient } from '@hihi/common/redis';
import { ChatConfig } from '@hihi/config';
import { RoomEventEnvelope } from '@hihi/contracts';
import { RoomEventsChannel } from '@hihi/common/bus';

/** Publishes room events on Redis pub/sub, on the room's shard channel (gateways subscribe by interest). */
export abstract class RoomEventsPublisher {
  abstract publish(event: RoomEventEnvelope): Promise<void>;
}

@Injectable()
export class RedisRoomEventsPublisher extends RoomEventsPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('RoomEvents');
  private readonly redis: RedisClient;
  private readonly channel: RoomEventsChannel;

  constructor(config: ChatConfig) {
    super();
    this.redis = createRedis(config.REDIS_URL, {
      name: 'chat-events',
      // publishes issued in the same tick (a batch of messages, many read marks) go out in one write
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
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

import type Redis from 'ioredis';
import { roomEventsChannel, RoomEventEnvelope } from '@hihi/contracts';

/**
 * THE publisher of room events (chat's messages, members and settings; the gateways' presence
 * and typing): one typed envelope (`RoomEventEnvelope`), one place that knows the channel and
 * the encoding. Every gateway's RoomEventsSubscriber reads what this writes.
 */
export class RoomEventsChannel {
  private readonly channel: string;

  constructor(
    private readonly redis: Pick<Redis, 'publish'>,
    prefix: string,
  ) {
    this.channel = roomEventsChannel(prefix);
  }

  /** Throws when Redis does (callers decide: chat logs and goes on, typing answers unavailable). */
  async publish(event: RoomEventEnvelope): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event));
  }
}

import { RoomEventEnvelope } from '@hihi/contracts';
import type { RedisClient } from '../redis/connection';
import { publishRoomEvent } from '../redis/room-channels';

/**
 * THE publisher of room events (chat's messages, members and settings; the gateways' presence
 * and typing): one typed envelope (`RoomEventEnvelope`), one place that knows the channels and
 * the encoding — the room's shard channel, or each addressed user's (libs/common/src/redis
 * room-channels, SPEC §11; sharded pub/sub on a Redis Cluster). The gateways' RoomEventsSubscriber
 * hears the shards of their sockets' rooms and users.
 */
export class RoomEventsChannel {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Throws when Redis does (callers decide: chat logs and goes on, typing answers unavailable). */
  async publish(event: RoomEventEnvelope): Promise<void> {
    await publishRoomEvent(this.redis, this.prefix, event);
  }
}

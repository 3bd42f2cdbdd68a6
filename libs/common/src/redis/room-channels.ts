import { eventShard, RoomEventEnvelope, roomShardChannel, userShardChannel } from '@hihi/contracts';
import { publishSharded, RedisClient } from './connection';

/**
 * Where room events travel (SPEC §11): one channel per room shard and one per user shard, so a
 * gateway hears only the rooms and users its sockets have (see libs/contracts ROOM_EVENT_SHARDS).
 * Sharded pub/sub on a cluster (SPUBLISH: the message stays on the shard owning the channel),
 * plain pub/sub on one Redis.
 */
export function roomChannel(prefix: string, roomId: string): string {
  return roomShardChannel(prefix, eventShard(roomId));
}

export function userChannel(prefix: string, userId: string): string {
  return userShardChannel(prefix, eventShard(userId));
}

/** The users an event is addressed to (heard on their shards), or undefined for the room's sockets. */
function addressees(event: RoomEventEnvelope): string[] | undefined {
  if (event.type === 'room:removed') return [event.userId];
  if (event.type === 'room:updated' && event.userIds?.length) return event.userIds;
  return undefined;
}

/**
 * The channels an event is published on: the room's shard, or — for an event addressed to chosen
 * users (room:updated with `userIds`, room:removed: their sockets, wherever they are, also outside
 * the room) — each of those users' shards, once each.
 */
export function channelsOfEvent(prefix: string, event: RoomEventEnvelope): string[] {
  const users = addressees(event);
  if (users) return [...new Set(users.map((u) => userChannel(prefix, u)))];
  return [roomChannel(prefix, event.roomId)];
}

/** Publish one room event on its channels (rejects when Redis cannot take it). */
export async function publishRoomEvent(redis: RedisClient, prefix: string, event: RoomEventEnvelope): Promise<void> {
  const raw = JSON.stringify(event);
  await Promise.all(channelsOfEvent(prefix, event).map((ch) => publishSharded(redis, ch, raw)));
}

import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Server } from 'socket.io';
import { GatewayConfig } from '@hihi/config';
import { RoomEventEnvelope } from '@hihi/contracts';
import {
  createRedis,
  onShardedMessage,
  RedisClient,
  roomChannel,
  subscribeSharded,
  unsubscribeSharded,
  userChannel,
} from '@hihi/common/redis';
import { Interest } from './interest';
import { RoomFanout } from './room-fanout';

/** Socket.IO rooms that carry no room events: a socket's own room and its session's room. */
const SESSION_ROOM = 'session:';
const USER_ROOM = 'user:';

/**
 * Room events by interest (SPEC §11): this gateway subscribes to the shard channel of every
 * Socket.IO room its sockets are in — a chat room's shard, or for `user:<id>` the user's shard —
 * and unsubscribes when the last socket leaves (the adapter's create-room / delete-room). On a
 * Redis Cluster these are sharded channels (SSUBSCRIBE, one subscriber connection per master,
 * `shardedSubscribers`), on one Redis plain channels. Events go to RoomFanout, which emits them
 * to this gateway's sockets of that room only (events of other rooms of a shared shard find no
 * socket and are dropped there).
 *
 * No join misses an event: room:join waits for `ready(roomId)` — the SSUBSCRIBE acknowledged —
 * before it asks chat for the catch-up page, so whatever is published after the page was read
 * arrives live; RoomFanout's hold-back and its (room, seq) memory drop what is in both.
 */
@Injectable()
export class RoomEventsSubscriber implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RoomEvents');
  private sub?: RedisClient;
  private interest?: Interest;
  /** Socket.IO room → the channel acquired for it */
  private readonly acquired = new Map<string, string>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly fanout: RoomFanout,
  ) {}

  onModuleInit(): void {
    const sub = createRedis(this.config.REDIS_URL, {
      name: 'gateway-room-events',
      maxRetriesPerRequest: null,
      shardedSubscribers: true,
    });
    this.sub = sub;
    sub.on('error', () => undefined);
    // ioredis subscribes again by itself after a reconnect or a failover
    onShardedMessage(sub, (_ch: string, raw: string) => {
      let event: RoomEventEnvelope;
      try {
        event = JSON.parse(raw) as RoomEventEnvelope;
      } catch {
        this.logger.warn('dropped a malformed room event');
        return;
      }
      this.fanout.dispatch(event);
    });
    this.interest = new Interest({
      subscribe: (ch) => subscribeSharded(sub, ch),
      unsubscribe: (ch) => unsubscribeSharded(sub, ch),
    });
  }

  /** Follow the Socket.IO rooms of this process (call once, from the socket gateway's afterInit). */
  attach(server: Server): void {
    const nsp = server.of('/');
    nsp.adapter.on('create-room', (room: string) => {
      const channel = this.channelOf(room, nsp.sockets.has(room));
      if (!channel || this.acquired.has(room)) return;
      this.acquired.set(room, channel);
      this.interest!.acquire(channel);
    });
    nsp.adapter.on('delete-room', (room: string) => {
      const channel = this.acquired.get(room);
      if (!channel) return;
      this.acquired.delete(room);
      this.interest!.release(channel);
    });
  }

  /** The channel a Socket.IO room listens to, if any. */
  private channelOf(room: string, isSocketId: boolean): string | undefined {
    if (isSocketId || room.startsWith(SESSION_ROOM)) return undefined;
    const prefix = this.config.REDIS_PREFIX;
    if (room.startsWith(USER_ROOM)) return userChannel(prefix, room.slice(USER_ROOM.length));
    return roomChannel(prefix, room);
  }

  /**
   * Resolves once this gateway hears the room's events (the socket must be in the Socket.IO room
   * already); rejects when Redis cannot subscribe.
   */
  ready(roomId: string): Promise<void> {
    return this.interest!.ready(roomChannel(this.config.REDIS_PREFIX, roomId));
  }

  /** Shard channels subscribed now. */
  get channels(): string[] {
    return this.interest?.channels ?? [];
  }

  onApplicationShutdown(): void {
    this.sub?.disconnect();
  }
}

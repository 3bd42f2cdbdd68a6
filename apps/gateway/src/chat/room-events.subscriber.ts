import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { GatewayConfig } from '@hihi/config';
import { roomEventsChannel, RoomEventEnvelope } from '@hihi/contracts';
import { RoomFanout } from './room-fanout';

/** Every gateway process subscribes to the room-events channel and hands events to its fan-out. */
@Injectable()
export class RoomEventsSubscriber implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RoomEvents');
  private sub?: Redis;

  constructor(
    private readonly config: GatewayConfig,
    private readonly fanout: RoomFanout,
  ) {}

  async onModuleInit(): Promise<void> {
    const channel = roomEventsChannel(this.config.REDIS_PREFIX);
    this.sub = new Redis(this.config.REDIS_URL, {
      connectionName: 'gateway-room-events',
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.sub.on('error', () => undefined);
    this.sub.on('message', (ch: string, raw: string) => {
      if (ch !== channel) return;
      let event: RoomEventEnvelope;
      try {
        event = JSON.parse(raw) as RoomEventEnvelope;
      } catch {
        this.logger.warn('dropped a malformed room event');
        return;
      }
      this.fanout.dispatch(event);
    });
    // ioredis re-subscribes by itself after a reconnect
    await this.sub.subscribe(channel).catch((err: Error) => this.logger.error(`subscribe failed: ${err.message}`));
  }

  onApplicationShutdown(): void {
    this.sub?.disconnect();
  }
}

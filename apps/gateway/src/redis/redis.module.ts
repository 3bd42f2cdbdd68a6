import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { GatewayConfig } from '@hihi/config';

export const REDIS = Symbol('REDIS');

/** The gateway's command connection to Redis (health, rate limits, presence reads). */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => {
        const redis = new Redis(config.REDIS_URL, {
          connectionName: 'gateway',
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          // keep trying to reconnect forever, at most every 2 s
          retryStrategy: (times) => Math.min(times * 200, 2000),
        });
        redis.on('error', () => undefined);
        return redis;
      },
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

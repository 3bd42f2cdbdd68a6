import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { createRedis, RedisClient } from '@hihi/common/redis';
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
        // reconnects forever, at most every 2 s (a cluster follows failovers by itself)
        const redis = createRedis(config.REDIS_URL, {
          name: 'gateway',
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
        });
        redis.on('error', () => undefined);
        return redis;
      },
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { GatewayConfig } from '@hihi/config';
import { REDIS } from '../redis/redis.module';
import { TOKEN_BUCKET_LUA } from './token-bucket';

type WithBucket = Redis & {
  hihiTokenBucket(key: string, rate: number, burst: number, now: number): Promise<[number, number]>;
};

/** message:send rate per user, shared by all gateways (token bucket in Redis, one Lua call). */
@Injectable()
export class SendRateLimiter {
  private readonly redis: WithBucket;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly config: GatewayConfig,
  ) {
    if (!(redis as unknown as Partial<WithBucket>).hihiTokenBucket) {
      redis.defineCommand('hihiTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    }
    this.redis = redis as unknown as WithBucket;
  }

  /** Take one token for the user; throws when Redis cannot be reached (the caller answers unavailable). */
  async take(userId: string): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const key = `${this.config.REDIS_PREFIX}:rl:send:${userId}`;
    const [allowed, retry] = await this.redis.hihiTokenBucket(
      key,
      this.config.SEND_RATE_PER_SEC,
      this.config.SEND_BURST,
      Date.now(),
    );
    return { allowed: allowed === 1, retryAfterMs: Number(retry) };
  }
}

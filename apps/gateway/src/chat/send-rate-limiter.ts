import { Inject, Injectable } from '@nestjs/common';
import { RedisClient } from '@hihi/common/redis';
import { GatewayConfig } from '@hihi/config';
import { Admission, SendBudget } from '@hihi/common/rate-limit';
import type { AckError } from '@hihi/contracts';
import { REDIS } from '../redis/redis.module';

/**
 * message:send rate per user, shared by all gateways: the user's SendBudget (token bucket in
 * Redis, libs/common), the same bucket the chat service's bot runner charges for bot replies.
 */
@Injectable()
export class SendRateLimiter {
  private readonly budget: SendBudget;

  /** the bucket size and refill (for X-RateLimit-* headers) */
  readonly burst: number;
  readonly ratePerSec: number;

  constructor(@Inject(REDIS) redis: RedisClient, config: GatewayConfig) {
    this.burst = config.SEND_BURST;
    this.ratePerSec = config.SEND_RATE_PER_SEC;
    this.budget = new SendBudget(redis, {
      prefix: config.REDIS_PREFIX,
      ratePerSec: config.SEND_RATE_PER_SEC,
      burst: config.SEND_BURST,
    });
  }

  /** Take one token for the user; throws when Redis cannot be reached (the caller answers unavailable). */
  async take(userId: string): Promise<{ allowed: boolean; retryAfterMs: number; remaining: number }> {
    return this.budget.take(userId);
  }

  /** The same take, to ride with the bus request (one Redis round trip for both, BusClient.admits). */
  admission(userId: string, refused: (retryAfterMs: number) => AckError): Admission {
    return this.budget.admission(userId, refused);
  }
}

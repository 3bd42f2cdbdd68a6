import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { RedisClient } from '@hihi/common/redis';
import { GatewayConfig } from '@hihi/config';
import { REDIS } from '../redis/redis.module';
import { ApiHttpException } from '../common/bus-http';

export interface Counter {
  count: number;
  /** seconds until the window ends */
  ttlSec: number;
}

/** INCR with the window's expiry set on the first hit; returns the count and the seconds left. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

const REFUND = `if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end return 1`;

/**
 * Fixed-window counters in Redis (keys under REDIS_PREFIX), shared by every gateway process.
 * Used for register/guest/refresh rates and room/DM/profile creation (sign-ins: LoginLimiter).
 * If Redis cannot be reached the request is refused (503): limits never silently switch off.
 */
@Injectable()
export class RateLimitService {
  private readonly logger = new Logger(RateLimitService.name);

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: GatewayConfig,
  ) {}

  key(bucket: string, id: string): string {
    const digest = createHash('sha256').update(id, 'utf8').digest('base64url').slice(0, 32);
    return `${this.config.REDIS_PREFIX}:rl:${bucket}:${digest}`;
  }

  async hit(bucket: string, id: string, windowSec: number): Promise<Counter> {
    const [count, ttlSec] = (await this.guard(() =>
      this.redis.eval(HIT, 1, this.key(bucket, id), String(windowSec)),
    )) as [number, number];
    return { count, ttlSec };
  }

  /** Give back one counted request (it turned out not to be what the limit is about). */
  async refund(bucket: string, id: string): Promise<void> {
    await this.guard(() => this.redis.eval(REFUND, 1, this.key(bucket, id))).catch(() => undefined);
  }

  /** Count one request; 429 with Retry-After once more than `limit` were made in the window. */
  async consume(
    bucket: string,
    id: string,
    limit: number,
    windowSec: number,
    message = 'too many requests; try again later',
  ): Promise<void> {
    const c = await this.hit(bucket, id, windowSec);
    if (c.count > limit) throw ApiHttpException.retryAfter(429, message, c.ttlSec || windowSec);
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.logger.warn(`rate limiter: redis unavailable (${(err as Error).message})`);
      throw ApiHttpException.retryAfter(503, 'service temporarily unavailable; try again shortly', 5);
    }
  }
}

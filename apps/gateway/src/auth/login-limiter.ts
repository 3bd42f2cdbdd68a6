import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { hashTag, RedisClient } from '@hihi/common/redis';
import { GatewayConfig } from '@hihi/config';
import { Metrics } from '@hihi/common/observability';
import { REDIS } from '../redis/redis.module';
import { ApiHttpException } from '../common/bus-http';

export const TOO_MANY_LOGINS = 'too many failed sign-in attempts; try again later';

/**
 * Reserve one sign-in attempt, atomically, before the password is checked.
 * KEYS: 1 address counter, 2 (account, address) counter, 3 account hash {n, next}, 4 known-source flag
 * ARGV: 1 address limit, 2 pair limit, 3 window s, 4 throttle-after, 5 throttle max s, 6 now ms
 * Returns {1} when reserved, else {0, retryAfterSec, which}.
 * A reservation counts as a failure until it is released (success, or no verdict on the password),
 * so however many requests arrive at once, no more than the limit reach the password check.
 */
const RESERVE = `
local function left(key)
  local t = redis.call('TTL', key)
  if t < 1 then return tonumber(ARGV[3]) end
  return t
end
local function bump(key)
  local n = redis.call('INCR', key)
  if n == 1 or redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ARGV[3]) end
end
if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return {0, left(KEYS[1]), 'address'} end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then return {0, left(KEYS[2]), 'account'} end
local fails = tonumber(redis.call('HGET', KEYS[3], 'n') or '0')
local after = tonumber(ARGV[4])
if fails >= after and redis.call('EXISTS', KEYS[4]) == 0 then
  local now = tonumber(ARGV[6])
  local nextAt = tonumber(redis.call('HGET', KEYS[3], 'next') or '0')
  if now < nextAt then return {0, math.ceil((nextAt - now) / 1000), 'throttle'} end
  local delay = math.min(2 ^ (fails - after + 1), tonumber(ARGV[5]))
  redis.call('HSET', KEYS[3], 'next', now + delay * 1000)
end
bump(KEYS[1])
bump(KEYS[2])
if redis.call('HINCRBY', KEYS[3], 'n', 1) == 1 or redis.call('TTL', KEYS[3]) < 0 then
  redis.call('EXPIRE', KEYS[3], ARGV[3])
end
return {1, 0, ''}`;

/**
 * Give a reservation back. ARGV: 1 outcome ('ok' | 'void'), 2 known-source TTL s.
 * 'ok' (signed in): the pair's failures are forgotten and the pair becomes a known source.
 * 'void' (no verdict: auth unavailable, bad request): only this attempt is un-counted.
 */
const RELEASE = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
if tonumber(redis.call('HGET', KEYS[3], 'n') or '0') > 0 then redis.call('HINCRBY', KEYS[3], 'n', -1) end
if ARGV[1] == 'ok' then
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[4], '1', 'EX', ARGV[2])
elseif tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
  redis.call('DECR', KEYS[2])
end
return 1`;

export type AttemptOutcome = 'ok' | 'failed' | 'void';

/** A reserved attempt: settle it with the outcome of the password check. */
export interface LoginAttempt {
  settle(outcome: AttemptOutcome): Promise<void>;
}

/**
 * Sign-in limits (SPEC §6; OWASP ASVS 6.3 / 2.2): counted in Redis, shared by every gateway,
 * exact under concurrency because each attempt is reserved by one Lua script before the
 * password is verified:
 * - per address: LOGIN_MAX_FAILURES_PER_IP failures per LOGIN_WINDOW_SEC (any accounts);
 * - per (account, address): LOGIN_MAX_FAILURES_PER_ACCOUNT failures per window — so failures
 *   from elsewhere never lock the owner out;
 * - per account, against sources that never signed in to it: after LOGIN_ACCOUNT_THROTTLE_AFTER
 *   failures in the window, one attempt per 2, 4, 8 … s (at most LOGIN_THROTTLE_MAX_SEC), a
 *   progressive delay for a distributed guesser. An (account, address) that signed in before
 *   (within LOGIN_KNOWN_SOURCE_TTL_SEC) is exempt.
 * Redis unreachable → 503: the limits never silently switch off.
 */
@Injectable()
export class LoginLimiter {
  private readonly logger = new Logger(LoginLimiter.name);

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: GatewayConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /**
   * The four keys of one attempt are read and written by one Lua script, so on a Redis Cluster
   * they must share a slot: every sign-in key carries the hash tag `{<prefix>:login}` (sign-ins
   * are few; one slot carries them all).
   */
  private key(bucket: string, ...parts: string[]): string {
    const digest = createHash('sha256').update(parts.join('\u0000'), 'utf8').digest('base64url').slice(0, 32);
    const prefix = this.config.REDIS_PREFIX;
    return `${prefix}:rl:${hashTag(prefix, 'login')}:${bucket}:${digest}`;
  }

  private keys(account: string, address: string): string[] {
    return [
      this.key('login-ip', address),
      this.key('login-pair', account, address),
      this.key('login-acct', account),
      this.key('login-known', account, address),
    ];
  }

  /** Reserve an attempt, or throw 429 with Retry-After (503 when Redis is down). */
  async reserve(account: string, address: string): Promise<LoginAttempt> {
    const c = this.config;
    const keys = this.keys(account, address);
    const [reserved, retryAfter, which] = (await this.guard(() =>
      this.redis.eval(
        RESERVE,
        keys.length,
        ...keys,
        String(c.LOGIN_MAX_FAILURES_PER_IP),
        String(c.LOGIN_MAX_FAILURES_PER_ACCOUNT),
        String(c.LOGIN_WINDOW_SEC),
        String(c.LOGIN_ACCOUNT_THROTTLE_AFTER),
        String(c.LOGIN_THROTTLE_MAX_SEC),
        String(Date.now()),
      ),
    )) as [number, number, string];
    if (reserved !== 1) {
      this.metrics?.rateLimitHits.inc({ limit: `login-${which}` });
      throw ApiHttpException.retryAfter(429, TOO_MANY_LOGINS, retryAfter);
    }
    let settled = false;
    return {
      settle: async (outcome) => {
        if (settled || outcome === 'failed') {
          settled = true;
          return;
        }
        settled = true;
        await this.guard(() =>
          this.redis.eval(RELEASE, keys.length, ...keys, outcome, String(c.LOGIN_KNOWN_SOURCE_TTL_SEC)),
        ).catch(() => undefined);
      },
    };
  }

  /** A successful registration makes its address a known source of the new account. */
  async remember(account: string, address: string): Promise<void> {
    await this.guard(() =>
      this.redis.set(this.keys(account, address)[3], '1', 'EX', this.config.LOGIN_KNOWN_SOURCE_TTL_SEC),
    ).catch(() => undefined);
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.logger.warn(`login limiter: redis unavailable (${(err as Error).message})`);
      throw ApiHttpException.retryAfter(503, 'service temporarily unavailable; try again shortly', 5);
    }
  }
}

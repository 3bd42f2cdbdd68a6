import type { AckError } from '@hihi/contracts';
import { isCluster, type RedisClient } from '../redis/connection';

/**
 * Per-user send rate limit: a token bucket of `burst` tokens refilled at `rate` per second,
 * kept in Redis so every gateway and chat process shares it. The math lives here (unit-tested) and in
 * the Lua script below, which is the same computation done atomically inside Redis.
 */
export interface BucketState {
  tokens: number;
  /** epoch ms of the last update */
  ts: number;
}

export interface TakeResult {
  allowed: boolean;
  /** when refused: ms until one token is available */
  retryAfterMs: number;
  state: BucketState;
}

export function takeToken(state: BucketState | undefined, now: number, rate: number, burst: number): TakeResult {
  const prev = state ?? { tokens: burst, ts: now };
  const elapsed = Math.max(0, now - prev.ts);
  const tokens = Math.min(burst, prev.tokens + (elapsed * rate) / 1000);
  if (tokens >= 1) return { allowed: true, retryAfterMs: 0, state: { tokens: tokens - 1, ts: now } };
  return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / rate), state: { tokens, ts: now } };
}

/**
 * The take, as Lua: reads the bucket `key` (a KEYS[..] reference) and the `rate`, `burst`, `now`
 * (ms) arguments (ARGV[..] references) and leaves `allowed` (0|1), `retry` (ms) and `tokens` (what
 * is left) in locals, the bucket updated. Shared by TOKEN_BUCKET_LUA and the bus's admitted push
 * (PUSH_ADMITTED_REQUEST_LUA), so both take by one computation.
 */
export function tokenBucketLua(key: string, rate: string, burst: string, now: string): string {
  return `
local rate = tonumber(${rate})
local burst = tonumber(${burst})
local now = tonumber(${now})
local d = redis.call('HMGET', ${key}, 'tokens', 'ts')
local tokens = tonumber(d[1])
local ts = tonumber(d[2])
if tokens == nil or ts == nil then tokens = burst; ts = now end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate / 1000)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', ${key}, 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', ${key}, math.ceil(burst * 1000 / rate) + 1000)
`;
}

/** KEYS[1] bucket; ARGV rate, burst, now(ms). Returns {allowed 0|1, retryAfterMs, whole tokens left}. */
export const TOKEN_BUCKET_LUA = `${tokenBucketLua('KEYS[1]', 'ARGV[1]', 'ARGV[2]', 'ARGV[3]')}
return {allowed, retry, math.floor(tokens)}
`;

/**
 * A take that rides with a bus request (BusTransport.request's `admission`): the request is
 * queued only when the bucket `key` gives a token, in the same Redis call — one round trip for
 * both. `refused` makes the answer when it does not (the caller counts it, words it).
 */
export interface Admission {
  key: string;
  ratePerSec: number;
  burst: number;
  refused(retryAfterMs: number): AckError;
}

/** Redis key of a user's message:send bucket (one bucket per user, shared by every process). */
export function sendBucketKey(prefix: string, userId: string): string {
  return `${prefix}:rl:send:${userId}`;
}

export interface SendBudgetOptions {
  /** REDIS_PREFIX */
  prefix: string;
  /** refill, tokens per second (SEND_RATE_PER_SEC) */
  ratePerSec: number;
  /** bucket size (SEND_BURST) */
  burst: number;
}

type WithBucket = RedisClient & {
  hihiTokenBucket(key: string, rate: number, burst: number, now: number): Promise<BucketReply>;
};
type BucketPipeline = ReturnType<RedisClient['pipeline']> & {
  hihiTokenBucket(key: string, rate: number, burst: number, now: number): BucketPipeline;
};
/** The script's answer: allowed 0|1, retryAfterMs, whole tokens left. */
type BucketReply = [number, number, number?];

export interface SendTake {
  allowed: boolean;
  retryAfterMs: number;
  remaining: number;
}

interface PendingTake {
  key: string;
  resolve: (r: SendTake) => void;
  reject: (err: unknown) => void;
}

const toTake = ([allowed, retry, left]: BucketReply): SendTake => ({
  allowed: allowed === 1,
  retryAfterMs: Number(retry),
  remaining: Math.max(0, Number(left ?? 0)),
});

/**
 * A user's send budget: what the gateway charges for every message:send and the bot runner
 * for every bot reply a user's message triggers. One Lua call per take, atomic across processes.
 *
 * The takes asked for during one turn of the event loop (sends from many sockets arrive in one
 * turn) go to Redis together, in one pipeline: one write and one read instead of one round trip
 * each (issue 24, docs/performance.md "Item 3: two fewer Redis round trips"). Each take is still its own atomic script
 * call, in the order asked. On a Redis Cluster the users' buckets live on different slots, so
 * each is sent on its own there.
 */
export class SendBudget {
  private readonly redis: WithBucket;
  private outbox: PendingTake[] = [];

  constructor(
    redis: RedisClient,
    private readonly opts: SendBudgetOptions,
  ) {
    if (!(redis as unknown as Partial<WithBucket>).hihiTokenBucket) {
      redis.defineCommand('hihiTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
    }
    this.redis = redis as unknown as WithBucket;
  }

  /** Take one token for the user (and say how many are left); throws when Redis cannot be reached. */
  take(userId: string): Promise<SendTake> {
    return new Promise<SendTake>((resolve, reject) => {
      this.outbox.push({ key: sendBucketKey(this.opts.prefix, userId), resolve, reject });
      if (this.outbox.length === 1) setImmediate(() => this.flush());
    });
  }

  /** The same take, to ride with a bus request (Admission): `refused` words the answer when no token is left. */
  admission(userId: string, refused: (retryAfterMs: number) => AckError): Admission {
    return {
      key: sendBucketKey(this.opts.prefix, userId),
      ratePerSec: this.opts.ratePerSec,
      burst: this.opts.burst,
      refused,
    };
  }

  private flush(): void {
    const batch = this.outbox;
    this.outbox = [];
    const { ratePerSec, burst } = this.opts;
    const now = Date.now();
    if (batch.length === 1 || isCluster(this.redis)) {
      for (const t of batch)
        this.redis.hihiTokenBucket(t.key, ratePerSec, burst, now).then((r) => t.resolve(toTake(r)), t.reject);
      return;
    }
    const pipeline = this.redis.pipeline() as unknown as BucketPipeline;
    for (const t of batch) pipeline.hihiTokenBucket(t.key, ratePerSec, burst, now);
    pipeline.exec().then(
      (results) =>
        batch.forEach((t, i) => {
          const [err, reply] = results?.[i] ?? [new Error('no reply from Redis')];
          if (err) t.reject(err);
          else t.resolve(toTake(reply as BucketReply));
        }),
      (err: unknown) => {
        for (const t of batch) t.reject(err);
      },
    );
  }
}

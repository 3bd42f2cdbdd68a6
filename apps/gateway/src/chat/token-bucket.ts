/**
 * Per-user send rate limit: a token bucket of `burst` tokens refilled at `rate` per second,
 * kept in Redis so every gateway process shares it. The math lives here (unit-tested) and in
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

/** KEYS[1] bucket; ARGV rate, burst, now(ms). Returns {allowed 0|1, retryAfterMs}. */
export const TOKEN_BUCKET_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local d = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
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
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, retry}
`;

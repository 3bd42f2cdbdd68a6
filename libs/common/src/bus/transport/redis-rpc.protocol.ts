import { tokenBucketLua } from '../../rate-limit/token-bucket';
/**
 * Wire format of the Redis request/response bus (docs/protocol.md "The bus").
 *
 * Nest's built-in Redis transport is pub/sub: every instance of a service receives every request,
 * so two chat processes would both handle each `message:send`. This transport keeps Redis as the
 * bus but gives work-queue semantics instead: requests are pushed onto one list per service and
 * each is popped by exactly one instance (load balancing for free); replies come back on the
 * caller's own pub/sub channel.
 *
 * Deadlines without comparing clocks across hosts: the caller sends a relative `ttlMs` (how long
 * it will wait). The push goes through a small Lua script that stamps `enqueuedAt` with REDIS's
 * clock; the server, right after popping, reads REDIS's clock again (TIME) and computes the time
 * the request spent queued from those two readings of one clock. `ttlMs − queued` is what is
 * left; a request with nothing left is dropped (its caller has given up), otherwise the server
 * turns the rest into a deadline on its own monotonic clock. The caller's and the server's wall
 * clocks are never compared, so clock skew between hosts cannot drop live requests or keep dead
 * ones. (The caller's timer starts one push round trip before `enqueuedAt`: the server can think
 * a request has that much more time than it has — a fraction of a millisecond.)
 */
export interface RpcRequest {
  id: string;
  pattern: string;
  data: unknown;
  /** reply channel of the caller */
  replyTo: string;
  /** how long the caller waits for the answer, ms (relative: no clock is compared) */
  ttlMs: number;
  /** Redis's clock (ms) when the request was queued; set by PUSH_REQUEST_LUA, not by the caller */
  enqueuedAt?: number;
}

export interface RpcReply {
  id: string;
  response?: unknown;
  err?: string;
}

export function requestQueueKey(prefix: string, service: string): string {
  return `${prefix}:rpc:${service}`;
}

export function replyChannel(prefix: string, clientId: string): string {
  return `${prefix}:rpc:reply:${clientId}`;
}

/** Appends `"enqueuedAt": <Redis time in ms>` to the request object `json` and pushes it on `queue`; leaves the length in `queued`. */
function pushLua(queue: string, json: string): string {
  return `
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local req = string.sub(${json}, 1, -2) .. ',"enqueuedAt":' .. ms .. '}'
local queued = redis.call('RPUSH', ${queue}, req)
`;
}

/** KEYS[1] the queue; ARGV[1] the request as JSON text (an object). Pushes it (pushLua); returns the queue length. */
export const PUSH_REQUEST_LUA = `${pushLua('KEYS[1]', 'ARGV[1]')}
return queued
`;

/**
 * KEYS[1] the queue, KEYS[2] a token bucket; ARGV[1] the request, ARGV[2..4] the bucket's rate,
 * burst and now (ms). Takes a token (tokenBucketLua) and pushes the request only when it got one.
 * Returns {allowed 0|1, retryAfterMs, whole tokens left}. One Redis: both keys in one script (a
 * cluster keeps them on different slots, so there the take goes first, on its own).
 */
export const PUSH_ADMITTED_REQUEST_LUA = `${tokenBucketLua('KEYS[2]', 'ARGV[2]', 'ARGV[3]', 'ARGV[4]')}
if allowed == 0 then return {0, retry, math.floor(tokens)} end
${pushLua('KEYS[1]', 'ARGV[1]')}
return {1, 0, math.floor(tokens)}
`;

/** Redis's clock in ms, from the reply of TIME. */
export function redisTimeMs(time: ArrayLike<string | number>): number {
  return Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
}

/** What is left of a request's time, ms, from two readings of Redis's clock (≤ 0: drop it). */
export function remainingMs(req: Pick<RpcRequest, 'ttlMs' | 'enqueuedAt'>, redisNowMs: number): number {
  if (typeof req.ttlMs !== 'number' || !Number.isFinite(req.ttlMs)) return 0;
  if (typeof req.enqueuedAt !== 'number') return req.ttlMs;
  return req.ttlMs - Math.max(0, redisNowMs - req.enqueuedAt);
}

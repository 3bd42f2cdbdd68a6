import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';

/**
 * The one way the services open a Redis connection (SPEC §3, §11).
 *
 * `REDIS_URL` is either one Redis — `redis://[user:pass@]host:port[/db]` or `rediss://…` (TLS) —
 * or a Redis Cluster — `redis+cluster://[user:pass@]h1:p1,h2:p2,…` or `rediss+cluster://…`: any
 * few of its nodes, the client discovers the rest (CLUSTER SLOTS) and follows failovers. Code
 * holds a `RedisClient` and never asks which it is, except where the two differ on purpose
 * (sharded pub/sub, see `publishSharded` / `subscribeSharded` below).
 */
export type RedisClient = Redis | Cluster;

export interface ClusterTarget {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//i;

/** Does this URL name a Redis Cluster? */
export function isClusterUrl(url: string): boolean {
  return CLUSTER_SCHEME.test(url);
}

/** The nodes and credentials of a `redis+cluster://` URL; throws with a clear message when malformed. */
export function parseClusterUrl(url: string): ClusterTarget {
  const m = CLUSTER_SCHEME.exec(url);
  if (!m) throw new Error('REDIS_URL: not a redis+cluster:// URL');
  let rest = url.slice(m[0].length);
  const cut = rest.search(/[/?#]/);
  if (cut >= 0) rest = rest.slice(0, cut);
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const cred = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = cred.indexOf(':');
    username = decodeURIComponent(colon >= 0 ? cred.slice(0, colon) : cred) || undefined;
    password = colon >= 0 ? decodeURIComponent(cred.slice(colon + 1)) : undefined;
  }
  const nodes = rest.split(',').map((part) => {
    const hp = /^(\[[0-9a-f:.]+\]|[^:[\]]+):(\d{1,5})$/i.exec(part.trim());
    if (!hp) throw new Error(`REDIS_URL: "${part}" is not host:port`);
    const port = Number(hp[2]);
    if (port < 1 || port > 65535) throw new Error(`REDIS_URL: bad port in "${part}"`);
    return { host: hp[1].replace(/^\[|\]$/g, ''), port };
  });
  if (!nodes.length) throw new Error('REDIS_URL: a cluster URL names at least one host:port');
  return { nodes, username, password, tls: m[1].toLowerCase() === 'rediss' };
}

/** Options of one connection, whichever kind; `name` shows in CLIENT LIST. */
export interface ConnectionOptions {
  name: string;
  /** -1: none (fail at once); null: forever */
  maxRetriesPerRequest?: number | null;
  enableOfflineQueue?: boolean;
  enableAutoPipelining?: boolean;
  lazyConnect?: boolean;
  connectTimeout?: number;
  /** ms until the next reconnect attempt, or null to stop (single Redis; a cluster retries with its own back-off) */
  retryStrategy?: (times: number) => number | null;
  /** cluster only: one subscriber connection per master, for SSUBSCRIBE (room events, bus replies) */
  shardedSubscribers?: boolean;
}

/** Reconnect forever, at most every 2 s (what long-lived connections use). */
export const RECONNECT_FOREVER = (times: number): number => Math.min(times * 200, 2000);

/** Open a connection to the Redis or Redis Cluster that `url` names. */
export function createRedis(url: string, opts: ConnectionOptions): RedisClient {
  const common: RedisOptions = {
    connectionName: opts.name,
    ...(opts.maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest: opts.maxRetriesPerRequest } : {}),
    ...(opts.connectTimeout !== undefined ? { connectTimeout: opts.connectTimeout } : {}),
  };
  if (!isClusterUrl(url)) {
    return new Redis(url, {
      ...common,
      ...(opts.enableOfflineQueue !== undefined ? { enableOfflineQueue: opts.enableOfflineQueue } : {}),
      ...(opts.enableAutoPipelining ? { enableAutoPipelining: true } : {}),
      ...(opts.lazyConnect ? { lazyConnect: true } : {}),
      retryStrategy: opts.retryStrategy ?? RECONNECT_FOREVER,
    });
  }
  const target = parseClusterUrl(url);
  const clusterOpts: ClusterOptions = {
    redisOptions: {
      ...common,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
    ...(opts.enableOfflineQueue !== undefined ? { enableOfflineQueue: opts.enableOfflineQueue } : {}),
    ...(opts.enableAutoPipelining ? { enableAutoPipelining: true } : {}),
    ...(opts.lazyConnect ? { lazyConnect: true } : {}),
    ...(opts.shardedSubscribers ? { shardedSubscribers: true } : {}),
    // a failover takes a few seconds: keep re-reading the slots and retrying MOVED/TRYAGAIN/CLUSTERDOWN
    clusterRetryStrategy: (times) => (opts.retryStrategy ? opts.retryStrategy(times) : RECONNECT_FOREVER(times)),
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2000,
    slotsRefreshInterval: 5000,
  };
  return new Cluster(target.nodes, clusterOpts);
}

/** Is this connection a Redis Cluster client? */
export function isCluster(redis: RedisClient): redis is Cluster {
  return redis.isCluster;
}

/**
 * Publish on a channel heard by exactly the subscribers of that channel: SPUBLISH on a cluster
 * (the message stays within the shard that owns the channel's slot, instead of being broadcast to
 * every node over the cluster bus), PUBLISH on one Redis.
 */
export async function publishSharded(redis: RedisClient, channel: string, message: string): Promise<number> {
  return Number(isCluster(redis) ? await redis.spublish(channel, message) : await redis.publish(channel, message));
}

/**
 * Subscribe to one channel published with `publishSharded` (one channel per call: a cluster's
 * sharded subscriber refuses channels of different slots in one SSUBSCRIBE). The connection
 * must have been created with `shardedSubscribers: true` when it is a cluster.
 */
export async function subscribeSharded(redis: RedisClient, channel: string): Promise<void> {
  if (isCluster(redis)) await redis.ssubscribe(channel);
  else await redis.subscribe(channel);
}

/**
 * Unsubscribe from one channel — always naming it: ioredis' sharded subscribers cannot route
 * an SUNSUBSCRIBE without channels (redis/ioredis#2133), so this never sends one.
 */
export async function unsubscribeSharded(redis: RedisClient, channel: string): Promise<void> {
  if (isCluster(redis)) await redis.sunsubscribe(channel);
  else await redis.unsubscribe(channel);
}

/** Listen to messages of channels subscribed with `subscribeSharded`. */
export function onShardedMessage(redis: RedisClient, listener: (channel: string, message: string) => void): void {
  if (isCluster(redis)) redis.on('smessage', listener);
  else redis.on('message', listener);
}

/**
 * A key's hash tag, so that keys one Lua script or one MULTI touches land in one cluster slot:
 * `{hihi:rl:login:alice}:addr`. Only the part in braces is hashed.
 */
export function hashTag(...parts: string[]): string {
  return `{${parts.join(':')}}`;
}

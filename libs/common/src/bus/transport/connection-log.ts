import type { RedisClient } from '../../redis/connection';

interface Log {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * Log a Redis connection's errors instead of swallowing them: the first error of an outage and
 * every new kind of error are logged (at most one line per kind every 10 s), and the recovery.
 */
export function logConnection(redis: RedisClient, name: string, logger: Log, quietMs = 10_000): void {
  let last = '';
  let lastAt = 0;
  let down = false;
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (err.message !== last || now - lastAt > quietMs) logger.warn(`redis ${name}: ${err.message}`);
    last = err.message;
    lastAt = now;
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.log(`redis ${name}: connected again`);
    down = false;
    last = '';
  });
}

/** Close a connection politely (QUIT), or at once when Redis does not answer within `ms`. */
export async function closeConnection(redis: RedisClient | undefined, ms = 500): Promise<void> {
  if (!redis) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    redis.quit().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
  redis.disconnect();
}

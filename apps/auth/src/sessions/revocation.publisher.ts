import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createRedis, RedisClient } from '@hihi/common/redis';
import { AuthConfig } from '@hihi/config';
import { revokedSessionKey, SessionRevokedEvent, SessionRevokedReason, sessionRevokedChannel } from '@hihi/contracts';
import { BusError } from '@hihi/common';

/** Seconds a deny entry outlives the longest access token (clock skew between processes). */
export const DENY_SLACK_SEC = 60;

/**
 * Ends access right away when a session ends (logout, logout-all, refresh-token reuse): for each
 * session a Redis deny entry that lives as long as one of its access tokens could
 * (ACCESS_TOKEN_TTL + slack), then one pub/sub message so every gateway disconnects that
 * session's sockets. Gateways check the entry on every request and socket handshake.
 * If Redis cannot be written the caller gets `unavailable` (503) and may retry: a sign-out is
 * never reported done while its tokens still work.
 */
@Injectable()
export class RevocationPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(RevocationPublisher.name);
  private readonly redis: RedisClient;

  constructor(private readonly config: AuthConfig) {
    this.redis = createRedis(config.REDIS_URL, {
      name: 'auth-revocation',
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
    });
    this.redis.on('error', () => undefined);
  }

  async revoke(sids: readonly string[], reason: SessionRevokedReason): Promise<void> {
    if (!sids.length) return;
    const ttl = this.config.ACCESS_TOKEN_TTL + DENY_SLACK_SEC;
    const prefix = this.config.REDIS_PREFIX;
    const event: SessionRevokedEvent = { sids: [...sids], reason };
    try {
      // the deny entries first (each sid's key in its own cluster slot), then the announcement
      await Promise.all(sids.map((sid) => this.redis.set(revokedSessionKey(prefix, sid), reason, 'EX', ttl)));
      await this.redis.publish(sessionRevokedChannel(prefix), JSON.stringify(event));
    } catch (err) {
      this.logger.error(`could not publish a revocation (${(err as Error).message})`);
      throw new BusError('unavailable', 'sign-out could not be completed; try again', { retryAfterSec: 1 });
    }
    this.logger.log({ sessions: sids.length, reason }, 'sessions revoked');
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

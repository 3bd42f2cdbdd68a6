import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ChatConfig } from '@hihi/config';
import { isAccountRole, ServerRole, serverRolesKey } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { createRedis, RedisClient } from '@hihi/common/redis';

/**
 * Other people's server roles (the actor's comes with each bus request): a moderator cannot
 * mute, ban or delete the messages of someone whose rank (server role included) is not below
 * theirs (SPEC §7–§8). Read from the role hash auth keeps in Redis (`serverRolesKey`: every
 * account above `member`), one HGET per moderation action — never on the send path.
 */
export abstract class ServerRoles {
  abstract roleOf(userId: string): Promise<ServerRole>;
}

/** Everyone is a member unless listed (unit and medium tests). */
export class FixedServerRoles extends ServerRoles {
  constructor(private readonly roles: Record<string, ServerRole> = {}) {
    super();
  }
  roleOf(userId: string): Promise<ServerRole> {
    return Promise.resolve(this.roles[userId] ?? 'member');
  }
}

@Injectable()
export class RedisServerRoles extends ServerRoles implements OnApplicationShutdown {
  private readonly logger = new Logger('ServerRoles');
  private readonly redis: RedisClient;
  private readonly key: string;

  constructor(config: ChatConfig) {
    super();
    this.key = serverRolesKey(config.REDIS_PREFIX);
    this.redis = createRedis(config.REDIS_URL, { name: 'chat-roles', maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
  }

  /** Unreadable: `unavailable` (a moderation action is refused rather than decided on a guess). */
  async roleOf(userId: string): Promise<ServerRole> {
    if (userId.startsWith('bot:')) return 'member';
    let role: string | null;
    try {
      role = await this.redis.hget(this.key, userId);
    } catch (err) {
      this.logger.warn(`server role of ${userId} not read: ${(err as Error).message}`);
      throw new BusError('unavailable', 'server roles cannot be read; retry');
    }
    return isAccountRole(role) ? role : 'member';
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

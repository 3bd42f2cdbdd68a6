import { Inject, Injectable } from '@nestjs/common';
import { RedisClient } from '@hihi/common/redis';
import { AUTH_PATTERNS, CHAT_PATTERNS, HealthReport, PartHealth, PingReply } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { AUTH_BUS, CHAT_BUS } from '../bus/bus.module';
import { REDIS } from '../redis/redis.module';

/** How long health waits for each part: short, so a dead part is reported quickly. */
const PROBE_TIMEOUT_MS = 1500;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), ms))]);
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(AUTH_BUS) private readonly auth: BusClient,
    @Inject(CHAT_BUS) private readonly chat: BusClient,
  ) {}

  async check(correlationId: string): Promise<HealthReport & { down: string[] }> {
    const [redis, auth, chat] = await Promise.all([
      this.redisHealth(),
      this.ping(this.auth, AUTH_PATTERNS.ping, correlationId),
      this.ping(this.chat, CHAT_PATTERNS.ping, correlationId),
    ]);
    const mongo = this.databaseHealth(auth.reply, 'mongo');
    const postgres = this.databaseHealth(chat.reply, 'postgres');
    const details = { redis, mongo, postgres, auth: auth.health, chat: chat.health };
    const down = Object.entries(details)
      .filter(([, h]) => h.status !== 'up')
      .map(([name]) => name);
    // named when configured; reads fall back to the primary, so a replica down fails nothing
    const replica = chat.reply?.postgresReplica;
    return {
      status: down.length ? 'error' : 'ok',
      details: replica ? { ...details, postgresReplica: replica } : details,
      down,
    };
  }

  private async redisHealth(): Promise<PartHealth> {
    try {
      await withTimeout(this.redis.ping(), PROBE_TIMEOUT_MS, 'redis ping');
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', message: (err as Error).message };
    }
  }

  private async ping(
    bus: BusClient,
    pattern: typeof AUTH_PATTERNS.ping | typeof CHAT_PATTERNS.ping,
    correlationId: string,
  ): Promise<{ health: PartHealth; reply?: PingReply }> {
    const res = await bus.call(pattern, {}, { correlationId, timeoutMs: PROBE_TIMEOUT_MS });
    if (!res.ok) return { health: { status: 'down', message: res.error.message } };
    return { health: { status: 'up' }, reply: res.data };
  }

  /** The gateway holds no database connection: each service reports its own. */
  private databaseHealth(reply: PingReply | undefined, part: 'mongo' | 'postgres'): PartHealth {
    if (!reply) return { status: 'down', message: `no service reachable to report ${part}` };
    const health = reply[part];
    if (!health) return { status: 'down', message: `${reply.service} does not report ${part}` };
    return health.status === 'up'
      ? health
      : { status: 'down', message: `${reply.service}: ${health.message ?? 'down'}` };
  }
}

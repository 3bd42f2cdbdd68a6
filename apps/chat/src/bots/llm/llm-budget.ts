import { hashTag, RedisClient } from '@hihi/common/redis';

/** KEYS room, user counters; ARGV room limit, user limit, ttl s. Counts only when both are under. */
const BUDGET_LUA = `
local r = tonumber(redis.call('GET', KEYS[1]) or '0')
local u = tonumber(redis.call('GET', KEYS[2]) or '0')
if r >= tonumber(ARGV[1]) or u >= tonumber(ARGV[2]) then return 0 end
redis.call('INCR', KEYS[1]); redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('INCR', KEYS[2]); redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
`;

type WithBudget = RedisClient & {
  hihiLlmBudget(roomKey: string, userKey: string, room: number, user: number, ttl: number): Promise<number>;
};

export interface LlmBudgetOptions {
  prefix: string;
  /** LLM answers per room per hour (LLM_ROOM_PER_HOUR) */
  roomPerHour: number;
  /** LLM answers per user per hour (LLM_USER_PER_HOUR) */
  userPerHour: number;
}

/** Per-room and per-user hourly allowance of LLM answers, shared by every chat process. */
export class LlmBudget {
  private readonly redis: WithBudget;

  constructor(
    redis: RedisClient,
    private readonly opts: LlmBudgetOptions,
  ) {
    if (!(redis as unknown as Partial<WithBudget>).hihiLlmBudget) {
      redis.defineCommand('hihiLlmBudget', { numberOfKeys: 2, lua: BUDGET_LUA });
    }
    this.redis = redis as unknown as WithBudget;
  }

  /** Count one LLM answer for the room and the user; false when either has used its hour. */
  async take(roomId: string, userId: string, now = Date.now()): Promise<boolean> {
    const hour = Math.floor(now / 3_600_000);
    // both counters are touched by one script: one hash tag (one cluster slot) for all of them
    const base = `${this.opts.prefix}:bot:llm:${hashTag(this.opts.prefix, 'llm')}`;
    const ok = await this.redis.hihiLlmBudget(
      `${base}:room:${roomId}:${hour}`,
      `${base}:user:${userId}:${hour}`,
      this.opts.roomPerHour,
      this.opts.userPerHour,
      3700,
    );
    return ok === 1;
  }
}

import {
  BeforeApplicationShutdown,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createRedis, RedisClient } from '@hihi/common/redis';
import { ChatConfig } from '@hihi/config';
import { Bot, BOT, BOT_OUTPUT_FACTORY, BotOutputFactory } from './bot';
import { EchoDuckBot } from './echo-duck.bot';
import { LlmBudget } from './llm/llm-budget';
import { LlmDuckBot } from './llm/llm-duck.bot';
import { BotRunner } from './runner/bot-runner';
import { TrainedDuckBot } from './trained/trained-duck.bot';

/** Redis client of the bots' own counters (LLM allowance). */
const BOT_REDIS = Symbol('BOT_REDIS');

/** The bot BOT names; a trained duck (also the LLM duck's fallback) starts loading its model at once. */
export function createBot(config: ChatConfig, redis: RedisClient): Bot {
  if (config.BOT === 'echo-duck') return new EchoDuckBot();
  const trained = new TrainedDuckBot({ dataDir: config.HIHI_DATA_DIR });
  void trained.start(); // in the background: the duck echoes until its model is ready
  if (config.BOT === 'trained-duck') return trained;
  return new LlmDuckBot(
    {
      url: config.LLM_URL!,
      model: config.LLM_MODEL!,
      apiKey: config.LLM_API_KEY,
      timeoutMs: config.LLM_TIMEOUT_MS,
      contextMessages: config.LLM_CONTEXT_MESSAGES,
    },
    trained,
    new LlmBudget(redis, {
      prefix: config.REDIS_PREFIX,
      roomPerHour: config.LLM_ROOM_PER_HOUR,
      userPerHour: config.LLM_USER_PER_HOUR,
    }),
  );
}

/** Starts the runner's worker once the whole service is up, stops it before the service goes. */
@Injectable()
class BotRunnerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Bots');

  constructor(
    private readonly runner: BotRunner,
    @Inject(BOT_REDIS) private readonly redis: RedisClient,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
    this.logger.log(`bot ${this.runner.botName} takes jobs`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.close();
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/**
 * The duck and the other bots (docs/bots.md). Provides `BOT` (the active bot: its sender and
 * greeting) and `BotRunner` (`enqueue(room, message)` after a message is stored and acked).
 * Needs a `BOT_OUTPUT_FACTORY` provider somewhere in the application (the chat module supplies
 * it: how bots store replies, edits and reactions); it is looked up when the first job runs.
 */
@Global()
@Module({
  providers: [
    {
      provide: BOT_REDIS,
      inject: [ChatConfig],
      useFactory: (config: ChatConfig) => {
        const redis = createRedis(config.REDIS_URL, { name: 'chat-bots-budget', maxRetriesPerRequest: 1 });
        redis.on('error', () => undefined);
        return redis;
      },
    },
    { provide: BOT, inject: [ChatConfig, BOT_REDIS], useFactory: createBot },
    {
      provide: BotRunner,
      inject: [BOT, ChatConfig, ModuleRef],
      useFactory: (bot: Bot, config: ChatConfig, refs: ModuleRef) =>
        new BotRunner(bot, () => refs.get<BotOutputFactory>(BOT_OUTPUT_FACTORY, { strict: false }), {
          redisUrl: config.REDIS_URL,
          prefix: config.REDIS_PREFIX,
          concurrency: config.BOT_CONCURRENCY,
          attempts: config.BOT_ATTEMPTS,
          backoffMs: 1000,
          jobTimeoutMs: config.LLM_TIMEOUT_MS + 15_000,
          ratePerSec: config.SEND_RATE_PER_SEC,
          burst: config.SEND_BURST,
        }),
    },
    BotRunnerLifecycle,
  ],
  exports: [BOT, BotRunner],
})
export class BotsModule {}

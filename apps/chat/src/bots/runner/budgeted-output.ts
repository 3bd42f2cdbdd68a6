import type { RedisClient } from '@hihi/common/redis';
import { Message } from '@hihi/contracts';
import { SendBudget } from '@hihi/common/rate-limit';
import { BotBudgetExceeded, BotOutput, BotReplyOptions, botReplyKey } from '../bot';

/** How often a running bot's typing indicator is renewed (the web client drops it after 6 s). */
export const TYPING_RENEW_MS = 3000;

/**
 * The output the runner gives a bot: every reply first takes a token from the triggering user's
 * send budget (the gateway's bucket for message:send). A reply is charged once even when its job
 * is retried (a marker per reply key), and without a token it is not posted: BotBudgetExceeded.
 * Typing stays on (renewed) until turned off or the job ends.
 */
export class BudgetedBotOutput implements BotOutput {
  private n = 0;
  private typingTimer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly inner: BotOutput,
    private readonly budget: SendBudget,
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly trigger: Message,
  ) {}

  async reply(text: string, opts?: BotReplyOptions): Promise<Message> {
    await this.charge(botReplyKey(this.trigger.id, this.n));
    this.n++;
    return this.inner.reply(text, opts);
  }

  edit(messageId: string, text: string): Promise<Message> {
    return this.inner.edit(messageId, text);
  }

  react(messageId: string, emoji: string): Promise<Message> {
    return this.inner.react(messageId, emoji);
  }

  async typing(on: boolean): Promise<void> {
    if (this.typingTimer) clearInterval(this.typingTimer);
    this.typingTimer = undefined;
    if (on) {
      this.typingTimer = setInterval(() => void this.inner.typing(true).catch(() => undefined), TYPING_RENEW_MS);
      this.typingTimer.unref();
    }
    await this.inner.typing(on).catch(() => undefined);
  }

  /** Turn typing off if the bot left it on. */
  async finish(): Promise<void> {
    if (this.typingTimer) await this.typing(false);
  }

  private async charge(replyKey: string): Promise<void> {
    const user = this.trigger.sender.id;
    const marker = `${this.prefix}:bot:charged:${replyKey}`;
    // charged on an earlier try of this job: the reply is idempotent, so it costs nothing more
    if ((await this.redis.set(marker, '1', 'EX', 86400, 'NX')) !== 'OK') return;
    const { allowed, retryAfterMs } = await this.budget.take(user);
    if (!allowed) {
      await this.redis.del(marker);
      throw new BotBudgetExceeded(user, retryAfterMs);
    }
  }
}

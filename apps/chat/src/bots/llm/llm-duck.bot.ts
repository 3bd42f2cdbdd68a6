import { Logger } from '@nestjs/common';
import { DUCK, Message } from '@hihi/contracts';
import { BotBudgetExceeded, BotContext, BotOutput, BotReplyOptions } from '../bot';
import { Duck } from '../duck';
import { EchoDuckBot } from '../echo-duck.bot';
import { ChatTurn, streamChat } from './llm-client';

export interface LlmDuckOptions {
  url: string;
  model: string;
  apiKey?: string;
  /** longest one answer may take, ms (LLM_TIMEOUT_MS) */
  timeoutMs: number;
  /** recent messages of the room sent as context (LLM_CONTEXT_MESSAGES) */
  contextMessages: number;
  /** how often the streamed reply is edited with the text so far, ms */
  editEveryMs?: number;
}

/** What the LLM duck falls back on: the trained duck's sure answers (TrainedDuckBot). */
export interface DuckKnowledge {
  know(question: string, seedId: string): Promise<string | undefined>;
}

/** Decides whether this room and user may have one more LLM answer this hour. */
export interface LlmAllowance {
  take(roomId: string, userId: string): Promise<boolean>;
}

/** The duck's character, after the seed article's 小黄鸭. */
export const DUCK_PERSONA = [
  `You are ${DUCK.displayName} (Little Yellow Duck), the resident bot of Hihi Chat (嗨嗨聊天室), a small`,
  'self-hosted real-time chat room. You are friendly, playful and brief, and you quack now and then (嘎嘎).',
  "Answer in the language of the user's last message (Chinese or English), in a few sentences, as plain",
  'text with at most light markdown (**bold**, `code`, lists). Never claim to have done anything outside',
  'this chat. If you do not know something about Hihi Chat, say so rather than inventing features.',
].join(' ');

/**
 * 小黄鸭 backed by a large language model (BOT=llm): an OpenAI-compatible endpoint gets the
 * room's recent messages as context and the answer is streamed into the room — posted as soon
 * as the first words arrive, then edited as more come (every `editEveryMs`) under a typing
 * indicator. Over its hourly room/user allowance, on a timeout or on any failure of the
 * endpoint, the trained duck answers instead.
 */
export class LlmDuckBot extends Duck {
  readonly name = 'llm';
  private readonly logger = new Logger('LlmDuck');

  constructor(
    private readonly opts: LlmDuckOptions,
    private readonly fallback: DuckKnowledge,
    private readonly allowance: LlmAllowance,
  ) {
    super();
  }

  /** The trained duck's answer, or the echo. */
  protected async answer(question: string, ctx: BotContext): Promise<string> {
    return (await this.fallback.know(question, ctx.message.id)) ?? EchoDuckBot.echo(question);
  }

  protected override async respond(
    ctx: BotContext,
    out: BotOutput,
    question: string,
    opts: BotReplyOptions,
  ): Promise<void> {
    const { room, message } = ctx;
    if (!(await this.allowance.take(room.id, message.sender.id).catch(() => false))) {
      this.logger.log(`LLM allowance used up for room ${room.id} / user ${message.sender.id}: trained duck answers`);
      return this.fallbackReply(ctx, out, question, opts);
    }
    let posted: Message | undefined;
    let text = '';
    let shown = '';
    const every = this.opts.editEveryMs ?? 500;
    let lastEdit = 0;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    await out.typing(true);
    try {
      const hint = await this.fallback.know(question, message.id);
      const messages = await this.conversation(ctx, hint);
      for await (const piece of streamChat({ ...this.opts, messages, signal })) {
        text += piece;
        if (!text.trim()) continue;
        if (!posted) {
          posted = await out.reply(text, opts);
          shown = text;
          lastEdit = Date.now();
        } else if (Date.now() - lastEdit >= every && text !== shown) {
          await out.edit(posted.id, text);
          shown = text;
          lastEdit = Date.now();
        }
      }
      if (!text.trim()) throw new Error('the model answered nothing');
      if (posted && text !== shown) await out.edit(posted.id, text);
    } catch (err) {
      if (err instanceof BotBudgetExceeded || ctx.signal.aborted) throw err;
      const why = timeout.aborted ? `no complete answer within ${this.opts.timeoutMs} ms` : (err as Error).message;
      this.logger.warn(`LLM failed on ${message.id} (${why}): trained duck answers`);
      if (posted) await out.edit(posted.id, await this.answer(question, ctx));
      else await this.fallbackReply(ctx, out, question, opts);
    } finally {
      await out.typing(false);
    }
  }

  private async fallbackReply(ctx: BotContext, out: BotOutput, question: string, opts: BotReplyOptions): Promise<void> {
    const text = await this.answer(question, ctx);
    if (text.trim()) await out.reply(text, opts);
  }

  /** System prompt, the room's recent messages, then the question. */
  private async conversation(ctx: BotContext, hint: string | undefined): Promise<ChatTurn[]> {
    const recent = this.opts.contextMessages > 0 ? await ctx.recent(this.opts.contextMessages) : [];
    const system = hint ? `${DUCK_PERSONA}\nWhat the duck's handbook says about this question: ${hint}` : DUCK_PERSONA;
    const turns: ChatTurn[] = [{ role: 'system', content: system }];
    for (const m of [...recent.filter((r) => r.id !== ctx.message.id && !r.deleted), ctx.message]) {
      turns.push(
        m.sender.id === this.sender.id
          ? { role: 'assistant', content: m.text }
          : { role: 'user', content: `${m.sender.displayName}: ${m.text}` },
      );
    }
    return turns;
  }
}

import { Logger } from '@nestjs/common';
import { DUCK, DUCK_SENDER, Message, MessageSender } from '@hihi/contracts';
import { Bot, BotContext, BotOutput, BotReplyOptions, BotRoom } from './bot';

/** Escape a string for use inside a RegExp. */
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const MENTION = new RegExp(`(^|[^\\p{L}\\p{N}_])(${DUCK.mentions.map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'iu');
const MENTION_ALL = new RegExp(MENTION.source, 'giu');

/** The duck's own reaction, and what makes it react (issue 13 item 7). */
export const DUCK_REACTION = '🦆';
const DUCK_NAME = DUCK.displayName;

/** What the duck says when mentioned with nothing else. */
export const DUCK_EMPTY_MENTION = '嘎嘎? (quack?)';

/** Does the text mention the duck (`@duck` / `@小黄鸭`, not `me@duck.com` nor `@duckling`)? */
export function mentionsDuck(text: string): boolean {
  return MENTION.test(text);
}

/** The text without its duck mentions, whitespace collapsed. */
export function withoutMentions(text: string): string {
  return text.replace(MENTION_ALL, '$1').replace(/\s+/g, ' ').trim();
}

/** Does the text say the duck's name (小黄鸭)? Then the duck reacts with 🦆. */
export function saysDuckName(text: string): boolean {
  return text.includes(DUCK_NAME);
}

/** What the duck was asked: the whole text in its room, the text without the mention elsewhere. */
export interface DuckQuestion {
  text: string;
  /** the message the answer quotes (mentions outside the duck room) */
  replyTo?: string;
}

/**
 * 小黄鸭's manners, shared by every duck (SPEC §6): greets in its room; answers every message
 * there; elsewhere answers only when mentioned, as a reply to the mentioning message; reacts 🦆
 * to messages that say 小黄鸭; never answers a bot. Subclasses decide what to say.
 */
export abstract class Duck implements Bot {
  abstract readonly name: string;
  readonly sender: MessageSender = { ...DUCK_SENDER };

  greeting(guest: boolean): string {
    return guest ? DUCK.greetingGuest : DUCK.greetingUser;
  }

  /** The question the duck should answer, if any. */
  static question(room: BotRoom, message: Message): DuckQuestion | undefined {
    if (message.sender.bot || message.deleted) return undefined;
    if (room.kind === 'bot') return { text: message.text.trim() };
    if (!mentionsDuck(message.text)) return undefined;
    return { text: withoutMentions(message.text), replyTo: message.id };
  }

  interested(room: BotRoom, message: Message): boolean {
    if (message.sender.bot || message.deleted) return false;
    return Duck.question(room, message) !== undefined || saysDuckName(message.text);
  }

  async handle(ctx: BotContext, out: BotOutput): Promise<void> {
    const { room, message } = ctx;
    if (message.sender.bot) return;
    if (saysDuckName(message.text)) {
      // a reaction is a nicety: failing it must neither stop the answer nor retry the job
      await out.react(message.id, DUCK_REACTION).catch((err: unknown) => {
        new Logger(this.name).warn(`reaction to ${message.id} failed: ${(err as Error).message}`);
      });
    }
    const q = Duck.question(room, message);
    if (!q) return;
    await this.respond(ctx, out, q.text, q.replyTo === undefined ? {} : { replyTo: q.replyTo });
  }

  /** Say something to `question` (the default: one reply with `answer`). */
  protected async respond(ctx: BotContext, out: BotOutput, question: string, opts: BotReplyOptions): Promise<void> {
    const text = await this.answer(question, ctx);
    if (text.trim()) await out.reply(text, opts);
  }

  /** The answer to `question` (empty when the duck was only mentioned). */
  protected abstract answer(question: string, ctx: BotContext): Promise<string>;
}

import { Message, MessageSender, RoomKind } from '@hihi/contracts';

/** What a bot sees of a room. */
export interface BotRoom {
  id: string;
  kind: RoomKind;
}

/** What a bot is given for one triggering message. */
export interface BotContext {
  room: BotRoom;
  /** the stored message the bot reacts to (never one of a bot's own) */
  message: Message;
  /** the room's messages before the trigger, oldest first, at most `limit` (for context) */
  recent(limit: number): Promise<Message[]>;
  /** aborted when the job's time is up or the process is stopping */
  signal: AbortSignal;
}

export interface BotReplyOptions {
  /** the message this reply quotes (the mentioning message when the bot was @-mentioned) */
  replyTo?: string;
}

/**
 * Everything a bot may do in the room of its trigger, as itself (sender.bot = true). Replies are
 * ordinary stored messages: delivered live, kept in history, caught up after a disconnect.
 *
 * `reply` is idempotent: the n-th reply to a trigger has the fixed clientMsgId
 * `re:<triggerId>:<n>`, so a job that is run again after a crash returns the stored reply instead
 * of posting a second one. Each reply costs the triggering user one token of their send budget;
 * without one it throws `BotBudgetExceeded` (the runner logs it and the bot stays quiet).
 */
export interface BotOutput {
  reply(text: string, opts?: BotReplyOptions): Promise<Message>;
  /** change the text of one of the bot's own messages (streaming answers) */
  edit(messageId: string, text: string): Promise<Message>;
  /** add the bot's reaction to a message (idempotent) */
  react(messageId: string, emoji: string): Promise<Message>;
  /** show or clear "小黄鸭 is typing" in the room (best effort, never throws) */
  typing(on: boolean): Promise<void>;
}

/**
 * A pluggable bot (ChatConfig.BOT picks one; docs/bots.md). The runner calls `interested` on the
 * send path (synchronous, cheap: a job is queued only when it says yes), then `handle` off the
 * send path in a job with retries. A bot never sees its own messages or any bot's.
 */
export interface Bot {
  readonly name: string;
  /** the bot's sender identity (sender.bot = true) */
  readonly sender: MessageSender;
  /** greeting stored as the first message of a user's or guest's own bot room */
  greeting(guest: boolean): string;
  /** would `handle` do anything with this message? */
  interested(room: BotRoom, message: Message): boolean;
  /** answer the message through `out`; a thrown error retries the job (up to BOT_ATTEMPTS) */
  handle(ctx: BotContext, out: BotOutput): Promise<void>;
}

/** The reply was not posted: the triggering user has no send budget left. */
export class BotBudgetExceeded extends Error {
  constructor(
    readonly userId: string,
    readonly retryAfterMs: number,
  ) {
    super(`send budget of user ${userId} exhausted (next token in ${retryAfterMs} ms)`);
    this.name = 'BotBudgetExceeded';
  }
}

/** The fixed clientMsgId of a bot's n-th reply (n from 0) to a trigger. */
export function botReplyKey(triggerId: string, n: number): string {
  return `re:${triggerId}:${n}`;
}

/**
 * What the chat service supplies (the BOT_OUTPUT_FACTORY provider): a bot's output port and
 * the history fetcher for one trigger. `StoreBotOutputFactory` (store-bot-output.ts) builds one
 * over the message store's operations.
 */
export interface BotOutputFactory {
  /** the output of `bot` for one trigger (replies numbered from 0, see botReplyKey) */
  create(room: BotRoom, trigger: Message, bot: MessageSender): BotOutput;
  /** up to `limit` messages of the room before `beforeSeq`, oldest first */
  recent(roomId: string, beforeSeq: number, limit: number): Promise<Message[]>;
}

/** Injection token of the active bot (its identity and greeting are used by rooms too). */
export const BOT = Symbol('BOT');

/** Injection token of the BotOutputFactory the chat module provides. */
export const BOT_OUTPUT_FACTORY = Symbol('BOT_OUTPUT_FACTORY');

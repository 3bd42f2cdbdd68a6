import { Message, MessageSender, RoomKind } from '@hihi/contracts';

/** What a bot sees of a room. */
export interface BotRoom {
  id: string;
  kind: RoomKind;
}

/** A reply the bot wants stored in the room (as an ordinary message from the bot). */
export interface BotReply {
  text: string;
}

/**
 * A pluggable bot (ChatConfig.BOT picks one). It is called after every stored message, never
 * for its own messages, and answers with zero or more replies. Replies are stored through the
 * same path as any message, with an idempotency key derived from the triggering message, so a
 * retried or re-run trigger never makes a second reply.
 */
export interface Bot {
  readonly name: string;
  /** the bot's sender identity (sender.bot = true) */
  readonly sender: MessageSender;
  /** greeting stored as the first message of a user's or guest's own bot room */
  greeting(guest: boolean): string;
  onMessage(room: BotRoom, message: Message): Promise<BotReply[]>;
}

/** Injection token of the active bot. */
export const BOT = Symbol('BOT');

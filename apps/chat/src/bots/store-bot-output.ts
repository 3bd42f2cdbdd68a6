import { LIMITS, Message, MessageSender, RoomEventEnvelope } from '@hihi/contracts';
import { BotOutput, BotOutputFactory, BotReplyOptions, BotRoom, botReplyKey } from './bot';

/**
 * The message-store operations a bot's output needs. The chat service implements them with its
 * store (each one stores AND publishes, exactly as for a user's own action) and hands them to
 * `StoreBotOutputFactory` as the BOT_OUTPUT_FACTORY provider (docs/bots.md, "Wiring").
 */
export interface BotStorePort {
  /**
   * Store a message from `sender` and publish message:new. Idempotent per (sender, clientMsgId):
   * the same key again returns the stored message and publishes nothing.
   */
  send(
    roomId: string,
    sender: MessageSender,
    input: { text: string; clientMsgId: string; replyTo?: string },
  ): Promise<Message>;
  /** Replace the text of `editor`'s own message and publish message:updated. */
  edit(roomId: string, messageId: string, editor: MessageSender, text: string): Promise<Message>;
  /** Set (`on`) or clear `user`'s reaction, idempotently, and publish message:updated. */
  react(roomId: string, messageId: string, user: MessageSender, emoji: string, on: boolean): Promise<Message>;
  /** Up to `limit` messages of the room with seq < beforeSeq, oldest first. */
  recent(roomId: string, beforeSeq: number, limit: number): Promise<Message[]>;
}

/** Where typing indicators go (RoomEventsPublisher fits). */
export interface BotEventsPort {
  publish(event: RoomEventEnvelope): Promise<void>;
}

function clip(text: string): string {
  return text.slice(0, LIMITS.messageMax);
}

/** One trigger's output over the store: numbered, idempotent replies (botReplyKey). */
export class StoreBotOutput implements BotOutput {
  private n = 0;

  constructor(
    private readonly store: BotStorePort,
    private readonly events: BotEventsPort,
    private readonly room: BotRoom,
    private readonly trigger: Message,
    private readonly bot: MessageSender,
  ) {}

  reply(text: string, opts: BotReplyOptions = {}): Promise<Message> {
    const clientMsgId = botReplyKey(this.trigger.id, this.n++);
    return this.store.send(this.room.id, this.bot, {
      text: clip(text),
      clientMsgId,
      ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
    });
  }

  edit(messageId: string, text: string): Promise<Message> {
    return this.store.edit(this.room.id, messageId, this.bot, clip(text));
  }

  react(messageId: string, emoji: string): Promise<Message> {
    return this.store.react(this.room.id, messageId, this.bot, emoji, true);
  }

  async typing(on: boolean): Promise<void> {
    const user = {
      id: this.bot.id,
      username: this.bot.username,
      displayName: this.bot.displayName,
      guest: false,
      role: 'member' as const,
    };
    await this.events.publish({ type: 'typing', roomId: this.room.id, user, typing: on }).catch(() => undefined);
  }
}

/** The BotOutputFactory over a BotStorePort: what the chat module provides as BOT_OUTPUT_FACTORY. */
export class StoreBotOutputFactory implements BotOutputFactory {
  constructor(
    private readonly store: BotStorePort,
    private readonly events: BotEventsPort,
  ) {}

  create(room: BotRoom, trigger: Message, bot: MessageSender): BotOutput {
    return new StoreBotOutput(this.store, this.events, room, trigger, bot);
  }

  recent(roomId: string, beforeSeq: number, limit: number): Promise<Message[]> {
    return limit > 0 ? this.store.recent(roomId, beforeSeq, limit) : Promise.resolve([]);
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { HistoryPage, HistoryQuery, JoinReply, LIMITS, Message, PublicUser, REALTIME } from '@hihi/contracts';
import { MessageStore } from './message-store';
import { RoomsService } from '../rooms/rooms.service';
import { Bot, BOT, BotRoom } from '../bots/bot';

@Injectable()
export class MessagesService {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly store: MessageStore,
    private readonly rooms: RoomsService,
    @Inject(BOT) private readonly bot: Bot,
  ) {}

  /**
   * Store the message (idempotent per sender + clientMsgId), publish it, then answer. The bot
   * runs afterwards; its reply is keyed on the triggering message, so running it again for a
   * retried send stores nothing new.
   */
  async send(actor: PublicUser, roomId: string, text: string, clientMsgId: string): Promise<Message> {
    const room = await this.rooms.accessible(actor, roomId);
    const sender = { id: actor.id, username: actor.username, displayName: actor.displayName, bot: false };
    const { message } = await this.store.deliver(room._id, sender, text, clientMsgId);
    void this.runBot({ id: room._id, kind: room.kind }, message);
    return message;
  }

  /** Ask the bot and store its replies (never throws; a failure is logged). */
  async runBot(room: BotRoom, message: Message): Promise<void> {
    if (message.sender.bot) return;
    try {
      const replies = await this.bot.onMessage(room, message);
      for (const [i, reply] of replies.entries()) {
        const text = reply.text.slice(0, LIMITS.messageMax);
        if (!text.trim()) continue;
        await this.store.deliver(room.id, this.bot.sender, text, `re:${message.id}:${i}`);
      }
    } catch (err) {
      this.logger.warn(`bot ${this.bot.name} failed on ${message.id}: ${(err as Error).message}`);
    }
  }

  /** REST history: ascending seq; `afterSeq` pages forward, otherwise the latest before `beforeSeq`. */
  async history(actor: PublicUser, roomId: string, q: HistoryQuery): Promise<HistoryPage> {
    await this.rooms.accessible(actor, roomId);
    const limit = q.limit ?? LIMITS.historyDefault;
    const before = q.beforeSeq ?? Infinity;
    if (q.afterSeq !== undefined) {
      const docs = await this.store.range(roomId, q.afterSeq, before, limit + 1, true);
      return { messages: docs.slice(0, limit), hasMore: docs.length > limit };
    }
    const docs = await this.store.range(roomId, 0, before, limit + 1, false);
    return { messages: docs.length > limit ? docs.slice(1) : docs, hasMore: docs.length > limit };
  }

  /**
   * room:join: everything after `sinceSeq` (at most REALTIME.joinMaxMessages, then hasMore and
   * the client pages on with REST afterSeq=), or without sinceSeq the latest page.
   */
  async join(actor: PublicUser, roomId: string, sinceSeq?: number): Promise<JoinReply> {
    const doc = await this.rooms.accessible(actor, roomId);
    let page: HistoryPage;
    if (sinceSeq !== undefined) {
      const cap = REALTIME.joinMaxMessages;
      const docs = await this.store.range(roomId, sinceSeq, Infinity, cap + 1, true);
      page = { messages: docs.slice(0, cap), hasMore: docs.length > cap };
    } else {
      page = await this.history(actor, roomId, { limit: LIMITS.historyDefault });
    }
    const room = await this.rooms.view(actor, doc);
    return { room, messages: page.messages, hasMore: page.hasMore, updates: [] };
  }
}

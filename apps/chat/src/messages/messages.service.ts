import { Injectable, Optional } from '@nestjs/common';
import {
  HistoryPage,
  HistoryQuery,
  JoinReply,
  LIMITS,
  Message,
  mentionedUsernames,
  PublicUser,
  REALTIME,
} from '@hihi/contracts';
import { ChatConfig } from '@hihi/config';
import { BusError } from '@hihi/common';
import { MessageStore } from './message-store';
import { RoomsService } from '../rooms/rooms.service';
import { BotRunner } from '../bots/runner/bot-runner';
import { MessagesRepository } from '../persistence/messages.repository';
import { MessageRow, toMessage } from '../persistence/message-rows';
import { UsersRepository } from '../persistence/users.repository';
import { RoomAccess } from '../persistence/rooms.repository';
import { UploadsService } from '../uploads/uploads.service';

export interface SendOptions {
  replyTo?: string;
  /** upload ids (the sender's own, not attached elsewhere) */
  attachments?: string[];
}

@Injectable()
export class MessagesService {
  constructor(
    private readonly store: MessageStore,
    private readonly messages: MessagesRepository,
    private readonly rooms: RoomsService,
    private readonly users: UsersRepository,
    private readonly config: ChatConfig,
    private readonly bots: BotRunner,
    @Optional() private readonly uploads?: UploadsService,
  ) {}

  /**
   * Store the message (idempotent per sender + clientMsgId; acked only after commit), publish
   * it, then answer. The bot runs afterwards, off the send path: a job queued once per message
   * (BotRunner), whose replies' keys derive from the triggering message.
   */
  async send(
    actor: PublicUser,
    roomId: string,
    text: string,
    clientMsgId: string,
    opts: SendOptions = {},
  ): Promise<Message> {
    const room = await this.rooms.accessible(actor, roomId);
    if (opts.replyTo) await this.existing(roomId, opts.replyTo);
    const ids = opts.attachments ?? [];
    if (ids.length && !this.uploads) throw new BusError('validation', 'attachments are not available');
    // claimed before the message is stored, marked attached after: a retry (same clientMsgId) claims them again
    const attachments = ids.length ? await this.uploads!.claim(actor, roomId, clientMsgId, ids) : undefined;
    const mentioned = await this.mentions(room, text);
    const { message, created } = await this.store.send(roomId, {
      senderId: actor.id,
      senderUsername: actor.username,
      senderDisplayName: actor.displayName,
      senderBot: false,
      clientMsgId,
      text,
      replyTo: opts.replyTo,
      mentions: mentioned,
      attachments,
    });
    if (ids.length) await this.uploads!.attached(ids, roomId, message.seq);
    if (created) void this.bots.enqueue({ id: room.id, kind: room.kind }, message);
    // the people it mentions see their mention count at once, also for a room they have not opened
    if (created && mentioned.length) void this.rooms.tellMentioned(roomId, mentioned, actor.id);
    return message;
  }

  /** Ids of the room's members that the text mentions (guests cannot be mentioned). */
  private async mentions(room: RoomAccess, text: string): Promise<string[]> {
    if (!text.includes('@')) return [];
    const names = mentionedUsernames(text);
    if (!names.length) return [];
    const users = await this.users.idsByUsernames(names);
    return users.map((u) => u.id).filter((id) => room.kind === 'public' || room.members.includes(id));
  }

  private async existing(roomId: string, messageId: string): Promise<MessageRow> {
    const row = await this.messages.findById(roomId, messageId);
    if (!row) throw new BusError('not_found', 'no such message in this room');
    return row;
  }

  /** REST history: ascending seq; `afterSeq` pages forward, otherwise the latest before `beforeSeq`. */
  async history(actor: PublicUser, roomId: string, q: HistoryQuery): Promise<HistoryPage> {
    await this.rooms.accessible(actor, roomId);
    return this.page(roomId, q);
  }

  private async page(roomId: string, q: HistoryQuery): Promise<HistoryPage> {
    const limit = q.limit ?? LIMITS.historyDefault;
    const fromStart = q.afterSeq !== undefined;
    const rows = await this.messages.range(roomId, q.afterSeq ?? 0, q.beforeSeq, limit + 1, fromStart);
    const more = rows.length > limit;
    const page = more ? (fromStart ? rows.slice(0, limit) : rows.slice(1)) : rows;
    return { messages: page.map(toMessage), hasMore: more };
  }

  /**
   * room:join: everything after `sinceSeq` (at most REALTIME.joinMaxMessages, then hasMore and
   * the client pages on with REST afterSeq=) plus the changes to older messages it missed, or
   * without sinceSeq the latest page. The queries run side by side.
   */
  async join(actor: PublicUser, roomId: string, sinceSeq?: number): Promise<JoinReply> {
    await this.rooms.accessible(actor, roomId);
    const [room, page, updates] = await Promise.all([
      this.rooms.view(actor, roomId),
      sinceSeq !== undefined
        ? this.page(roomId, { afterSeq: sinceSeq, limit: REALTIME.joinMaxMessages })
        : this.page(roomId, { limit: LIMITS.historyDefault }),
      sinceSeq !== undefined && sinceSeq > 0
        ? this.messages.changedSince(roomId, sinceSeq, REALTIME.joinMaxUpdates)
        : Promise.resolve([]),
    ]);
    return { room, messages: page.messages, hasMore: page.hasMore, updates: updates.map(toMessage) };
  }

  /** The author's own message, still there: what edit and delete may touch. */
  private async own(actor: PublicUser, roomId: string, messageId: string): Promise<MessageRow> {
    await this.rooms.accessible(actor, roomId);
    const row = await this.existing(roomId, messageId);
    if (row.sender_id !== actor.id || row.sender_bot)
      throw new BusError('forbidden', 'you can only change your own messages');
    if (row.deleted) throw new BusError('not_found', 'this message was deleted');
    return row;
  }

  async edit(actor: PublicUser, roomId: string, messageId: string, text: string): Promise<Message> {
    const row = await this.own(actor, roomId, messageId);
    const window = this.config.EDIT_WINDOW_SEC;
    if (window > 0 && Date.now() - new Date(row.created_at).getTime() > window * 1000) {
      throw new BusError('forbidden', `messages can be edited for ${Math.round(window / 60)} minutes after sending`);
    }
    if (row.text === text) return toMessage(row);
    const room = await this.rooms.accessible(actor, roomId);
    const updated = await this.messages.edit(roomId, messageId, row.seq, text, await this.mentions(room, text));
    return this.changed(updated);
  }

  async remove(actor: PublicUser, roomId: string, messageId: string): Promise<Message> {
    const row = await this.own(actor, roomId, messageId);
    return this.changed(await this.messages.remove(roomId, messageId, row.seq));
  }

  async react(actor: PublicUser, roomId: string, messageId: string, emoji: string, on: boolean): Promise<Message> {
    await this.rooms.accessible(actor, roomId);
    const res = await this.messages.react(roomId, messageId, actor.id, emoji, on, LIMITS.reactionsPerMessage);
    if (res === 'full') {
      throw new BusError('validation', `a message carries at most ${LIMITS.reactionsPerMessage} different reactions`);
    }
    if (!res) throw new BusError('not_found', 'no such message in this room');
    return this.changed(res);
  }

  private async changed(row: MessageRow | undefined): Promise<Message> {
    if (!row) throw new BusError('not_found', 'no such message in this room');
    const message = toMessage(row);
    await this.store.publishChange(message);
    return message;
  }
}

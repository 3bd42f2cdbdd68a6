import { Db } from '../database/database';
import { ReadReplica } from '../database/read-replica';
import { Injectable, Optional } from '@nestjs/common';
import { HistoryPage, HistoryQuery, JoinReply, LIMITS, Message, mentionedUsernames, REALTIME } from '@hihi/contracts';
import { ChatConfig } from '@hihi/config';
import { BusError } from '@hihi/common';
import { MessageStore } from './message-store';
import { RoomsService } from '../rooms/rooms.service';
import { MessagesRepository } from '../persistence/messages.repository';
import { MessageRow, toMessage } from '../persistence/message-rows';
import { UsersRepository } from '../persistence/users.repository';
import { RoomsRepository } from '../persistence/rooms.repository';
import { UploadsService } from '../uploads/uploads.service';
import { AccessService } from '../access/access.service';
import { Actor, isAutomated, senderOf } from '../access/actor';
import { roomRank, RoomFacts } from '../access/policy';
import { DomainEvents } from '../events/domain-events';
import { ModerationRepository } from '../persistence/moderation.repository';
import { ServerRoles } from '../moderation/server-roles';
import { AuditTrail } from '../moderation/audit-trail';

export interface SendOptions {
  replyTo?: string;
  /** upload ids (the sender's own, not attached elsewhere) */
  attachments?: string[];
}

/**
 * THE write path of messages — people and bots alike (a bot is an Actor of kind `bot`): send,
 * edit, delete, react, each asking AccessService first, each emitting its domain event after the
 * commit (the bots and mentions listen to `message.created`). Reads (history, join catch-up)
 * ask the same policy.
 */
@Injectable()
export class MessagesService {
  constructor(
    private readonly store: MessageStore,
    private readonly messages: MessagesRepository,
    private readonly rooms: RoomsService,
    private readonly roomsRepo: RoomsRepository,
    private readonly users: UsersRepository,
    private readonly config: ChatConfig,
    private readonly access: AccessService,
    private readonly domain: DomainEvents,
    @Optional() private readonly uploads?: UploadsService,
    @Optional() private readonly replica?: ReadReplica,
    @Optional() private readonly moderation?: ModerationRepository,
    @Optional() private readonly serverRoles?: ServerRoles,
    @Optional() private readonly audit?: AuditTrail,
  ) {}

  /**
   * Store the message (idempotent per sender + clientMsgId; acked only after commit), publish
   * it, then answer. The bot runs afterwards, off the send path: a job queued once per message
   * (BotRunner), whose replies' keys derive from the triggering message.
   */
  async send(
    actor: Actor,
    roomId: string,
    text: string,
    clientMsgId: string,
    opts: SendOptions = {},
  ): Promise<Message> {
    const { room, rank } = await this.access.require(actor, roomId, 'post');
    // a reply quotes only a message of the same room
    if (opts.replyTo) await this.existing(roomId, opts.replyTo);
    const ids = opts.attachments ?? [];
    if (ids.length && (!this.uploads || isAutomated(actor)))
      throw new BusError('validation', 'attachments are not available');
    // slow mode (SPEC §8): one message per slowModeSec per member; moderators and bots exempt
    let turnTaken = false;
    if (room.slowModeSec > 0 && !isAutomated(actor) && rank < roomRank('moderator') && this.moderation) {
      const waitMs = await this.moderation.slowModeTurn(roomId, actor.id, room.slowModeSec);
      if (waitMs > 0) {
        // a retry of a message stored already answers that message, as always
        const before = await this.moderation.sentBefore(actor.id, clientMsgId);
        if (before && before.room_id === roomId) return toMessage(before);
        throw new BusError('rate_limited', `slow mode: one message every ${room.slowModeSec} s in this room`, {
          retryAfterMs: waitMs,
          retryAfterSec: Math.ceil(waitMs / 1000),
        });
      }
      turnTaken = true;
    }
    try {
      return await this.storeMessage(actor, roomId, room, text, clientMsgId, opts, ids);
    } catch (err) {
      // not stored: the turn is given back
      if (turnTaken) await this.moderation!.slowModeRelease(roomId, actor.id).catch(() => undefined);
      throw err;
    }
  }

  private async storeMessage(
    actor: Actor,
    roomId: string,
    room: RoomFacts,
    text: string,
    clientMsgId: string,
    opts: SendOptions,
    ids: string[],
  ): Promise<Message> {
    // claimed before the message is stored, marked attached after: a retry (same clientMsgId) claims them again
    const attachments = ids.length ? await this.uploads!.claim(actor.id, roomId, clientMsgId, ids) : undefined;
    const mentioned = isAutomated(actor) ? [] : await this.mentions(roomId, text);
    const sender = senderOf(actor);
    const { message, created } = await this.store.send(roomId, {
      senderId: sender.id,
      senderUsername: sender.username,
      senderDisplayName: sender.displayName,
      senderBot: sender.bot,
      clientMsgId,
      text,
      replyTo: opts.replyTo,
      mentions: mentioned,
      attachments,
    });
    if (ids.length) await this.uploads!.attached(ids, roomId, message.seq);
    // bots, mentions (and what comes next) listen; none of them delays the ack
    void this.domain.emit('message.created', { message, room, actor, created, mentions: mentioned });
    return message;
  }

  /** Ids of the room's members that the text mentions (a mention comes only from the same room). */
  private async mentions(roomId: string, text: string): Promise<string[]> {
    if (!text.includes('@')) return [];
    const names = mentionedUsernames(text);
    if (!names.length) return [];
    const users = await this.users.idsByUsernames(names);
    return this.roomsRepo.membersAmong(
      roomId,
      users.map((u) => u.id),
    );
  }

  private async existing(roomId: string, messageId: string): Promise<MessageRow> {
    const row = await this.messages.findById(roomId, messageId);
    if (!row) throw new BusError('not_found', 'no such message in this room');
    return row;
  }

  /** REST history: ascending seq; `afterSeq` pages forward, otherwise the latest before `beforeSeq`. */
  async history(actor: Actor, roomId: string, q: HistoryQuery): Promise<HistoryPage> {
    await this.access.require(actor, roomId, 'view');
    // from the replica when it holds all the page may cover (docs/operations.md "Past one host"):
    // a page back from beforeSeq covers only older seqs; a forward or newest page may reach the
    // room's last message, so the replica must have the primary's last seq
    const db =
      this.replica &&
      (await this.replica.forRoom(
        roomId,
        q.afterSeq === undefined && q.beforeSeq !== undefined ? q.beforeSeq - 1 : undefined,
      ));
    return this.page(roomId, q, db);
  }

  private async page(roomId: string, q: HistoryQuery, db?: Db): Promise<HistoryPage> {
    const limit = q.limit ?? LIMITS.historyDefault;
    const fromStart = q.afterSeq !== undefined;
    const rows = await this.messages.range(roomId, q.afterSeq ?? 0, q.beforeSeq, limit + 1, fromStart, db);
    const more = rows.length > limit;
    const page = more ? (fromStart ? rows.slice(0, limit) : rows.slice(1)) : rows;
    return { messages: page.map(toMessage), hasMore: more };
  }

  /**
   * room:join: everything after `sinceSeq` (at most REALTIME.joinMaxMessages, then hasMore and
   * the client pages on with REST afterSeq=) plus the changes to older messages it missed, or
   * without sinceSeq the latest page. The queries run side by side.
   */
  async join(actor: Actor, roomId: string, sinceSeq?: number): Promise<JoinReply> {
    await this.access.require(actor, roomId, 'view');
    const [room, page, updates] = await Promise.all([
      this.rooms.viewOf(actor.id, roomId),
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
  private async own(actor: Actor, roomId: string, messageId: string): Promise<MessageRow> {
    await this.access.require(actor, roomId, 'editOwn');
    const row = await this.existing(roomId, messageId);
    if (row.sender_id !== actor.id || row.sender_bot !== senderOf(actor).bot)
      throw new BusError('forbidden', 'you can only change your own messages');
    if (row.deleted) throw new BusError('not_found', 'this message was deleted');
    return row;
  }

  async edit(actor: Actor, roomId: string, messageId: string, text: string): Promise<Message> {
    const row = await this.own(actor, roomId, messageId);
    const window = this.config.EDIT_WINDOW_SEC;
    if (!isAutomated(actor) && window > 0 && Date.now() - new Date(row.created_at).getTime() > window * 1000) {
      throw new BusError('forbidden', `messages can be edited for ${Math.round(window / 60)} minutes after sending`);
    }
    if (row.text === text) return toMessage(row);
    const mentioned = isAutomated(actor) ? [] : await this.mentions(roomId, text);
    const updated = await this.messages.edit(roomId, messageId, row.seq, text, mentioned);
    return this.changed(actor, updated);
  }

  /**
   * message:delete: one's own message, or (SPEC §8) someone else's by a moderator of the room —
   * room owners and moderators, server moderators and above in public and private rooms, each
   * only for people below them. A moderator's tombstone says `deletedBy: "moderator"` and the
   * deletion is audited (`message.delete`) unless `audit` is false (a report's resolution
   * audits itself).
   */
  async remove(
    actor: Actor,
    roomId: string,
    messageId: string,
    opts: { audit?: boolean; correlationId?: string } = {},
  ): Promise<Message> {
    // a message of a room one cannot see is not found, whoever wrote it
    await this.access.require(actor, roomId, 'view');
    const found = await this.existing(roomId, messageId);
    const mine = found.sender_id === actor.id && found.sender_bot === senderOf(actor).bot;
    if (mine) {
      const row = await this.own(actor, roomId, messageId);
      return this.changed(actor, await this.messages.remove(roomId, messageId, row.seq));
    }
    const targetServerRole = found.sender_bot ? 'member' : await this.roleOf(found.sender_id);
    await this.access.require(actor, roomId, 'deleteAny', { targetId: found.sender_id, targetServerRole });
    if (found.deleted) throw new BusError('not_found', 'this message was deleted');
    const message = await this.changed(actor, await this.messages.remove(roomId, messageId, found.seq, true));
    if (opts.audit !== false)
      await this.audit?.append(
        actor,
        {
          action: 'message.delete',
          target: { type: 'message', id: messageId, label: found.sender_username },
          details: { roomId, seq: found.seq, senderId: found.sender_id },
        },
        opts.correlationId,
      );
    return message;
  }

  private async roleOf(userId: string) {
    return this.serverRoles ? this.serverRoles.roleOf(userId) : 'member';
  }

  /** A bot's context: up to `limit` messages before `beforeSeq`, oldest first (no access question: the runner's own trigger room). */
  async recent(roomId: string, beforeSeq: number, limit: number): Promise<Message[]> {
    return (await this.messages.range(roomId, 0, beforeSeq, limit, false)).map(toMessage);
  }

  async react(actor: Actor, roomId: string, messageId: string, emoji: string, on: boolean): Promise<Message> {
    await this.access.require(actor, roomId, 'react');
    const res = await this.messages.react(roomId, messageId, actor.id, emoji, on, LIMITS.reactionsPerMessage);
    if (res === 'full') {
      throw new BusError('validation', `a message carries at most ${LIMITS.reactionsPerMessage} different reactions`);
    }
    if (!res) throw new BusError('not_found', 'no such message in this room');
    return this.changed(actor, res);
  }

  private async changed(actor: Actor, row: MessageRow | undefined): Promise<Message> {
    if (!row) throw new BusError('not_found', 'no such message in this room');
    const message = toMessage(row);
    await this.store.publishChange(message);
    void this.domain.emit('message.changed', { message, actor });
    return message;
  }
}

import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { Message, MessageSender } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { MessagesRepository } from '../persistence/repositories';
import { MessageDoc } from '../persistence/schemas';
import { RoomEventsPublisher } from '../events/room-events.publisher';
import { KeyedLock } from './keyed-lock';

/** How many times a send retries when another writer took the seq it computed. */
export const MAX_SEQ_ATTEMPTS = 64;

export function toMessage(doc: MessageDoc): Message {
  return {
    id: doc._id,
    roomId: doc.roomId,
    seq: doc.seq,
    clientMsgId: doc.clientMsgId,
    sender: {
      id: doc.sender.id,
      username: doc.sender.username,
      displayName: doc.sender.displayName,
      bot: doc.sender.bot,
    },
    text: doc.text,
    createdAt: new Date(doc.createdAt).toISOString(),
  };
}

export interface StoreResult {
  message: Message;
  /** false when the (sender, clientMsgId) was already stored: the original is answered */
  created: boolean;
}

/**
 * Stores messages with gap-free per-room seqs, exactly once per (sender, clientMsgId).
 *
 * The scheme (see docs/protocol.md, "Sequence numbers"):
 *  1. look the (sender, clientMsgId) up: if stored, answer the original (idempotent retry);
 *  2. seq = highest stored seq of the room + 1;
 *  3. insert ONE document carrying both the seq and the clientMsgId, under two unique indexes
 *     (roomId, seq) and (senderId, clientMsgId);
 *  4. a duplicate-key refusal means either the same clientMsgId won a race (answer it) or another
 *     writer took that seq (go back to 2).
 * Sends to one room are queued per process (KeyedLock) so only writers in different processes
 * ever collide.
 * No seq is ever reserved ahead of its message, so a process killed at any point leaves no gap:
 * a seq exists exactly when its message does, and seq n+1 is only ever computed from a stored n.
 */
@Injectable()
export class MessageStore {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly events: RoomEventsPublisher,
  ) {}

  private readonly lock = new KeyedLock();

  async store(roomId: string, sender: MessageSender, text: string, clientMsgId: string): Promise<StoreResult> {
    return this.lock.run(roomId, () => this.storeNow(roomId, sender, text, clientMsgId));
  }

  private async storeNow(
    roomId: string,
    sender: MessageSender,
    text: string,
    clientMsgId: string,
  ): Promise<StoreResult> {
    const existing = await this.messages.findByClientMsgId(sender.id, clientMsgId);
    if (existing) return { message: toMessage(existing), created: false };
    for (let attempt = 0; attempt < MAX_SEQ_ATTEMPTS; attempt++) {
      const seq = (await this.messages.lastSeq(roomId)) + 1;
      const doc: MessageDoc = {
        _id: new Types.ObjectId().toHexString(),
        roomId,
        seq,
        clientMsgId,
        senderId: sender.id,
        sender: { id: sender.id, username: sender.username, displayName: sender.displayName, bot: sender.bot },
        text,
        createdAt: new Date(),
      };
      if ((await this.messages.insert(doc)) === 'inserted') {
        return { message: toMessage(doc), created: true };
      }
      const dup = await this.messages.findByClientMsgId(sender.id, clientMsgId);
      if (dup) return { message: toMessage(dup), created: false };
      // another writer took this seq: back off a little (more on each collision) and recompute
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 + attempt * 2, 40)));
    }
    throw new BusError('unavailable', 'the room is busy; retry with the same clientMsgId');
  }

  /**
   * Store, then fan out live: the message:new event is published by whichever request first
   * claims it (the original, or a retry after the original's process died before publishing),
   * so a message is published at most once and a retried send never publishes twice.
   */
  async deliver(roomId: string, sender: MessageSender, text: string, clientMsgId: string): Promise<StoreResult> {
    const result = await this.store(roomId, sender, text, clientMsgId);
    if (await this.messages.claimPublish(result.message.id)) {
      await this.events.publish({ type: 'message:new', roomId, message: result.message });
    }
    return result;
  }

  async lastSeq(roomId: string): Promise<number> {
    return this.messages.lastSeq(roomId);
  }

  async range(
    roomId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
    fromStart: boolean,
  ): Promise<Message[]> {
    const docs = await this.messages.range(roomId, afterSeq, beforeSeq, limit, fromStart);
    return docs.map(toMessage);
  }
}

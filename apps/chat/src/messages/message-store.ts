import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Message, MessageSender } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { MessagesRepository } from '../persistence/repositories';
import { MessageDoc } from '../persistence/schemas';
import { RoomEventsPublisher } from '../events/room-events.publisher';
import { KeyedLock } from './keyed-lock';

/** How many times a send retries when another writer took the seq it computed. */
export const MAX_SEQ_ATTEMPTS = 64;

/**
 * A message's id is a function of (sender, clientMsgId): a retried send finds the original by
 * `_id` (the one lookup every database answers without searching), and the unique `_id` is
 * itself the exactly-once guard.
 */
export function messageIdFor(senderId: string, clientMsgId: string): string {
  return createHash('sha256').update(senderId).update('\0').update(clientMsgId).digest('hex').slice(0, 24);
}

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
 *  1. the message id is derived from (sender, clientMsgId): if it is stored, answer the original;
 *  2. seq = the room's highest known seq + 1 (this process's own count, or the room's seq hint,
 *     both read without searching the messages);
 *  3. insert ONE document carrying both, under the unique `_id` and the unique (roomId, seq);
 *  4. a duplicate-key refusal means either the same message won a race (answer it) or that seq
 *     is taken (another process, or a hint that lags): try the next seq.
 * Sends to one room are queued per process (KeyedLock) so only writers in different processes
 * ever collide.
 * No seq is ever reserved ahead of its message, so a process killed at any point leaves no gap:
 * a seq exists exactly when its message does, the hint only ever names a stored seq, and every
 * seq from 1 up to the highest is taken, so moving up from the hint finds exactly max + 1.
 */
@Injectable()
export class MessageStore {
  private readonly logger = new Logger('MessageStore');
  private readonly lock = new KeyedLock();
  /** highest seq this process has seen stored, per room */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly messages: MessagesRepository,
    private readonly events: RoomEventsPublisher,
  ) {}

  async store(roomId: string, sender: MessageSender, text: string, clientMsgId: string): Promise<StoreResult> {
    return this.lock.run(roomId, () => this.storeNow(roomId, sender, text, clientMsgId));
  }

  private async storeNow(
    roomId: string,
    sender: MessageSender,
    text: string,
    clientMsgId: string,
  ): Promise<StoreResult> {
    const id = messageIdFor(sender.id, clientMsgId);
    const existing = await this.messages.findById(id);
    if (existing) return { message: toMessage(existing), created: false };
    let seq = (await this.lastSeq(roomId)) + 1;
    for (let attempt = 0; attempt < MAX_SEQ_ATTEMPTS; attempt++) {
      const doc: MessageDoc = {
        _id: id,
        roomId,
        seq,
        clientMsgId,
        senderId: sender.id,
        sender: { id: sender.id, username: sender.username, displayName: sender.displayName, bot: sender.bot },
        text,
        createdAt: new Date(),
      };
      if ((await this.messages.insert(doc)) === 'inserted') {
        this.saw(roomId, seq);
        await this.messages
          .raiseSeqHint(roomId, seq)
          .catch((err: Error) => this.logger.warn(`seq hint of ${roomId} not raised: ${err.message}`));
        return { message: toMessage(doc), created: true };
      }
      const dup = await this.messages.findById(id);
      if (dup) return { message: toMessage(dup), created: false };
      seq++; // taken (only inserts of our own are counted as known: a refusal could have another cause)
      if (attempt === 8) {
        // many collisions in a row: a message stored before ids were derived may hold this
        // clientMsgId (the unique (senderId, clientMsgId) index refuses every seq), or the hint lags far
        const legacy = await this.messages.findByClientMsgId(sender.id, clientMsgId);
        if (legacy) return { message: toMessage(legacy), created: false };
        seq = Math.max(seq, (await this.messages.lastSeq(roomId)) + 1);
      }
    }
    throw new BusError('unavailable', 'the room is busy; retry with the same clientMsgId');
  }

  private saw(roomId: string, seq: number): void {
    if (seq > (this.known.get(roomId) ?? 0)) this.known.set(roomId, seq);
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

  /**
   * The room's highest seq as far as is known without searching the messages: this process's
   * own count or the room's hint, whichever is higher. A room without a hint (stored before
   * hints existed) is counted once from its messages.
   */
  async lastSeq(roomId: string): Promise<number> {
    let hint = await this.messages.seqHint(roomId);
    if (hint === undefined) {
      hint = await this.messages.lastSeq(roomId);
      await this.messages.raiseSeqHint(roomId, hint);
    }
    const seq = Math.max(hint, this.known.get(roomId) ?? 0);
    this.saw(roomId, seq);
    return seq;
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

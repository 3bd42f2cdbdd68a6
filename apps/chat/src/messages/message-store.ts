import { Injectable, Logger } from '@nestjs/common';
import { Message, RoomEventEnvelope } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { BatchRow, MessagesRepository, NewMessage } from '../persistence/messages.repository';
import { isUniqueViolation, toMessage } from '../persistence/message-rows';
import { RoomEventsPublisher } from '../events/room-events.publisher';

/** Most messages one statement stores. */
export const MAX_BATCH = 200;
/** How often a batch is run again after a concurrent duplicate made it fail. */
const MAX_ATTEMPTS = 4;

export interface StoreResult {
  message: Message;
  /** false when (sender, clientMsgId) was stored before: the original is answered */
  created: boolean;
}

interface Pending {
  item: NewMessage;
  key: string;
  resolve: (r: StoreResult) => void;
  reject: (err: unknown) => void;
}

const keyOf = (senderId: string, clientMsgId: string) => `${senderId}\u0000${clientMsgId}`;

/**
 * Stores messages with gap-free per-room seqs, exactly once per (sender, clientMsgId), and
 * fans them out.
 *
 * Group commit: sends to one room that arrive while that room's previous statement runs are
 * queued and stored together by the next one (MessagesRepository.insertBatch: one statement,
 * one commit, one round trip). Every caller's promise resolves only after that commit.
 *
 * Live fan-out: each stored message is published on Redis after the commit. A retried send
 * (same clientMsgId) publishes the original again — the original's process may have died between
 * commit and publish — and the gateways drop the copy a socket already got (RoomFanout).
 */
@Injectable()
export class MessageStore {
  private readonly logger = new Logger('MessageStore');
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly messages: MessagesRepository,
    private readonly events: RoomEventsPublisher,
  ) {}

  send(roomId: string, item: NewMessage): Promise<StoreResult> {
    return new Promise<StoreResult>((resolve, reject) => {
      const pending: Pending = { item, key: keyOf(item.senderId, item.clientMsgId), resolve, reject };
      const queue = this.queues.get(roomId);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queues.set(roomId, [pending]);
      void this.drain(roomId);
    });
  }

  /** Store the room's queue, batch after batch, until it is empty. */
  private async drain(roomId: string): Promise<void> {
    const queue = this.queues.get(roomId)!;
    try {
      while (queue.length) {
        const batch = queue.splice(0, MAX_BATCH);
        await this.storeBatch(roomId, batch);
      }
    } finally {
      this.queues.delete(roomId);
    }
  }

  private async storeBatch(roomId: string, batch: Pending[]): Promise<void> {
    // the same message twice in one batch (a client retrying fast) is stored once
    const unique = new Map<string, NewMessage>();
    for (const p of batch) if (!unique.has(p.key)) unique.set(p.key, p.item);
    let rows: BatchRow[] | undefined;
    let failure: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !rows; attempt++) {
      try {
        rows = await this.messages.insertBatch(roomId, [...unique.values()]);
      } catch (err) {
        failure = err;
        if (!isUniqueViolation(err)) break;
      }
    }
    if (!rows) {
      this.logger.warn(`storing ${batch.length} message(s) in ${roomId} failed: ${(failure as Error)?.message}`);
      const error = new BusError('unavailable', 'the message could not be stored; retry with the same clientMsgId');
      for (const p of batch) p.reject(error);
      return;
    }
    const byKey = new Map<string, StoreResult>();
    for (const row of rows)
      byKey.set(keyOf(row.sender_id, row.client_msg_id), { message: toMessage(row), created: row.created });
    await this.publishAll(
      rows.map((r) => ({
        type: 'message:new',
        roomId,
        message: byKey.get(keyOf(r.sender_id, r.client_msg_id))!.message,
      })),
    );
    const answered = new Set<string>();
    for (const p of batch) {
      const result = byKey.get(p.key);
      if (!result) {
        p.reject(new BusError('unavailable', 'the room is gone'));
        continue;
      }
      p.resolve(answered.has(p.key) ? { ...result, created: false } : result);
      answered.add(p.key);
    }
  }

  private async publishAll(events: RoomEventEnvelope[]): Promise<void> {
    await Promise.all(events.map((e) => this.events.publish(e)));
  }

  /** Tell the room's members that a message changed (edit, delete, reaction). */
  async publishChange(message: Message): Promise<void> {
    await this.events.publish({ type: 'message:updated', roomId: message.roomId, message });
  }
}

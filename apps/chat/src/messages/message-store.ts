import { Injectable, Logger } from '@nestjs/common';
import { Message, RoomEventEnvelope } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { BatchRow, MessagesRepository, NewMessage, RoomMessage } from '../persistence/messages.repository';
import { isUniqueViolation, toMessage } from '../persistence/message-rows';
import { RoomEventsPublisher } from '../events/room-events.publisher';

/** Most messages one statement stores. */
export const MAX_BATCH = 200;
/**
 * Statements one process runs at once (each on rooms the others do not touch). One: under load
 * the batches grow rather than the statements multiply, and PostgreSQL spends less per message
 * (docs/performance.md, batch-probe).
 */
export const MAX_IN_FLIGHT = 1;
/** How often a batch is run again after a concurrent duplicate or a deadlock made it fail. */
const MAX_ATTEMPTS = 4;

export interface StoreResult {
  message: Message;
  /** false when (sender, clientMsgId) was stored before: the original is answered */
  created: boolean;
}

interface Pending {
  item: RoomMessage;
  key: string;
  resolve: (r: StoreResult) => void;
  reject: (err: unknown) => void;
}

const keyOf = (senderId: string, clientMsgId: string) => `${senderId}\u0000${clientMsgId}`;

/** What a send whose message could not be stored is answered. */
const storeFailed = () =>
  new BusError('unavailable', 'the message could not be stored; retry with the same clientMsgId');

/** Errors after which the same statement may succeed: a concurrent duplicate, a deadlock, a serialization failure. */
function retryable(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return isUniqueViolation(err) || code === '40P01' || code === '40001';
}

/**
 * Stores messages with gap-free per-room seqs, exactly once per (sender, clientMsgId), and
 * fans them out.
 *
 * Group commit: sends that arrive while statements run are queued and stored together by the
 * next statement, whatever their rooms (MessagesRepository.insert: one statement, one commit,
 * one round trip for up to MAX_BATCH messages). At most MAX_IN_FLIGHT statements run at once
 * and never two on one room, so a room's messages are stored in the order they arrived. Every
 * caller's promise resolves only after its commit.
 *
 * Live fan-out: each stored message is published on Redis after the commit. A retried send
 * (same clientMsgId) publishes the original again — the original's process may have died between
 * commit and publish — and the gateways drop the copy a socket already got (RoomFanout).
 */
@Injectable()
export class MessageStore {
  private readonly logger = new Logger('MessageStore');
  private queue: Pending[] = [];
  private inFlight = 0;
  /** rooms with a statement running */
  private readonly busy = new Set<string>();

  constructor(
    private readonly messages: MessagesRepository,
    private readonly events: RoomEventsPublisher,
  ) {}

  send(roomId: string, item: NewMessage): Promise<StoreResult> {
    return new Promise<StoreResult>((resolve, reject) => {
      this.queue.push({ item: { ...item, roomId }, key: keyOf(item.senderId, item.clientMsgId), resolve, reject });
      this.pump();
    });
  }

  /** Start statements while there is room for one and queued messages of rooms not being written. */
  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length) {
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      for (const p of this.queue) {
        if (batch.length < MAX_BATCH && !this.busy.has(p.item.roomId)) batch.push(p);
        else rest.push(p);
      }
      if (!batch.length) return;
      this.queue = rest;
      const rooms = new Set(batch.map((p) => p.item.roomId));
      for (const r of rooms) this.busy.add(r);
      this.inFlight++;
      void this.storeBatch(batch)
        // never a hang: whatever failed unexpectedly, every caller still gets an answer
        .catch((err: unknown) => {
          this.logger.error(`storing a batch failed: ${(err as Error)?.message}`);
          const error = storeFailed();
          for (const p of batch) p.reject(error);
        })
        .finally(() => {
          for (const r of rooms) this.busy.delete(r);
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async storeBatch(batch: Pending[]): Promise<void> {
    // the same message twice in one batch (a client retrying fast) is stored once
    const unique = new Map<string, RoomMessage>();
    for (const p of batch) if (!unique.has(p.key)) unique.set(p.key, p.item);
    let rows: BatchRow[] | undefined;
    let failure: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !rows; attempt++) {
      try {
        rows = await this.messages.insert([...unique.values()]);
      } catch (err) {
        failure = err;
        if (!retryable(err)) break;
      }
    }
    if (!rows) {
      if (unique.size > 1 && !retryable(failure)) {
        // one message the database refuses must not fail the others: store each half on its own
        // (in order, so each room keeps its order), down to the message it refuses
        for (const half of this.halves(batch)) await this.storeBatch(half);
        return;
      }
      this.logger.warn(`storing ${batch.length} message(s) failed: ${(failure as Error)?.message}`);
      const error = storeFailed();
      for (const p of batch) p.reject(error);
      return;
    }
    const byKey = new Map<string, StoreResult>();
    for (const row of rows)
      byKey.set(keyOf(row.sender_id, row.client_msg_id), { message: toMessage(row), created: row.created });
    await this.publishAll(
      rows.map((r) => {
        const { message } = byKey.get(keyOf(r.sender_id, r.client_msg_id))!;
        return { type: 'message:new', roomId: message.roomId, message };
      }),
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

  /** The batch in two halves, in order; copies of one message stay together. */
  private halves(batch: Pending[]): [Pending[], Pending[]] {
    const keys = [...new Set(batch.map((p) => p.key))];
    const first = new Set(keys.slice(0, Math.ceil(keys.length / 2)));
    return [batch.filter((p) => first.has(p.key)), batch.filter((p) => !first.has(p.key))];
  }

  private async publishAll(events: RoomEventEnvelope[]): Promise<void> {
    await Promise.all(events.map((e) => this.events.publish(e)));
  }

  /** Tell the room's members that a message changed (edit, delete, reaction). */
  async publishChange(message: Message): Promise<void> {
    await this.events.publish({ type: 'message:updated', roomId: message.roomId, message });
  }
}

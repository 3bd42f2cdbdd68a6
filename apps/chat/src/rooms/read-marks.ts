import { Injectable } from '@nestjs/common';
import { ReadMark, RoomsRepository, RoomViewRow } from '../persistence/rooms.repository';

interface Waiter {
  resolve: (row: RoomViewRow | undefined) => void;
  reject: (err: unknown) => void;
}

/** Most read marks one statement records. */
const MAX_BATCH = 500;

/**
 * Read marks, group-committed: every client of a busy room marks it read about once a second,
 * so marks arrive together; those that arrive while a statement runs are recorded by the next
 * one (RoomsRepository.markReadBatch: one statement for all of them). Two marks of the same
 * reader and room in one batch become one, with the higher seq.
 */
@Injectable()
export class ReadMarks {
  private queue = new Map<string, { mark: ReadMark; waiters: Waiter[] }>();
  private running = false;

  constructor(private readonly rooms: RoomsRepository) {}

  mark(roomId: string, userId: string, seq: number): Promise<RoomViewRow | undefined> {
    return new Promise((resolve, reject) => {
      const key = `${userId}\u0000${roomId}`;
      const entry = this.queue.get(key);
      if (entry) {
        entry.mark.seq = Math.max(entry.mark.seq, seq);
        entry.waiters.push({ resolve, reject });
      } else {
        this.queue.set(key, { mark: { roomId, userId, seq }, waiters: [{ resolve, reject }] });
      }
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.size) {
        const batch = [...this.queue.entries()].slice(0, MAX_BATCH);
        for (const [key] of batch) this.queue.delete(key);
        try {
          const rows = await this.rooms.markReadBatch(batch.map(([, e]) => e.mark));
          const byKey = new Map(rows.map((r) => [`${r.user_id}\u0000${r.id}`, r]));
          for (const [key, e] of batch) for (const w of e.waiters) w.resolve(byKey.get(key));
        } catch (err) {
          for (const [, e] of batch) for (const w of e.waiters) w.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

import { Injectable, Optional } from '@nestjs/common';
import { ChatConfig } from '@hihi/config';
import { ReadMark, RoomsRepository, RoomViewRow } from '../persistence/rooms.repository';

interface Waiter {
  resolve: (row: RoomViewRow | undefined) => void;
  reject: (err: unknown) => void;
}

/** Most read marks one statement records. */
const MAX_BATCH = 500;

/**
 * Read positions off the hot path: marks are kept in memory and written to PostgreSQL together,
 * at most one statement per READ_FLUSH_MS (RoomsRepository.markReadBatch: one statement for all
 * of them, however many readers and rooms) — never a database write per room:read. Two marks of
 * the same reader and room in one batch become one, with the higher seq. A mark is answered (and
 * so acked to the client) only once its statement has committed: a chat process killed with
 * marks in memory has acked none of them, and the gateway sends those again (to another chat
 * process) — unread counts stay exact (docs/operations.md "Read positions").
 */
@Injectable()
export class ReadMarks {
  private queue = new Map<string, { mark: ReadMark; waiters: Waiter[] }>();
  private running = false;
  private timer?: NodeJS.Timeout;
  private readonly flushMs: number;
  private lastFlush = -Infinity;

  constructor(
    private readonly rooms: RoomsRepository,
    @Optional() config?: ChatConfig,
  ) {
    this.flushMs = config?.READ_FLUSH_MS ?? 0;
  }

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
      this.schedule();
    });
  }

  /** The next statement: at once when the last one is READ_FLUSH_MS old, else when it will be. */
  private schedule(): void {
    if (this.running || !this.queue.size) return;
    const wait = this.lastFlush + this.flushMs - performance.now();
    if (wait <= 0 || this.queue.size >= MAX_BATCH) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.drain();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, wait);
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      if (this.queue.size) {
        this.lastFlush = performance.now();
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
      this.schedule();
    }
  }
}

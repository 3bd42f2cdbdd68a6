import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChatConfig } from '@hihi/config';
import { IndexedBatch, SearchRepository } from '../persistence/search.repository';

/** Most queued messages one indexing transaction takes. */
export const SEARCH_INDEX_BATCH = 1000;
/** Most transactions one run makes (a backlog is worked off a run at a time, every SEARCH_INDEX_MS). */
const MAX_BATCHES_PER_RUN = 20;
/** A failing database is reported at most this often. */
const WARN_EVERY_MS = 30_000;

/**
 * Search indexing off the send path (migration 0013, docs/performance.md): every SEARCH_INDEX_MS
 * (and once at start-up) the messages queued in search_queue by the triggers on `messages` are
 * copied into message_search, one transaction per SEARCH_INDEX_BATCH ids (SearchRepository.indexQueued).
 * It writes through the primary's pool (DB) — never the read replica. Several chat processes
 * may run it: the transaction-level advisory lock lets one at a time work, the others skip that
 * run. A database error is logged and the next run tries again; nothing is lost, the queue is
 * durable. Shutdown waits for the transaction in flight (else it is rolled back by the database).
 */
@Injectable()
export class SearchIndexer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SearchIndexer');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private warnedAt = -Infinity;
  private readonly everyMs: number;

  constructor(
    private readonly repo: SearchRepository,
    config: ChatConfig,
  ) {
    this.everyMs = config.SEARCH_INDEX_MS;
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Index everything queued now (up to MAX_BATCHES_PER_RUN transactions). Answers what was done,
   * or undefined when another process holds the lock. Throws on a database error.
   */
  async runOnce(): Promise<IndexedBatch | undefined> {
    let total: IndexedBatch | undefined;
    for (let i = 0; i < MAX_BATCHES_PER_RUN && !this.stopped; i++) {
      const batch = await this.repo.indexQueued(SEARCH_INDEX_BATCH);
      if (!batch) break;
      total = total
        ? {
            taken: total.taken + batch.taken,
            upserted: total.upserted + batch.upserted,
            removed: total.removed + batch.removed,
          }
        : batch;
      if (batch.taken < SEARCH_INDEX_BATCH) break;
    }
    return total;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule(this.everyMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.runOnce();
    } catch (err) {
      const now = performance.now();
      if (now - this.warnedAt >= WARN_EVERY_MS) {
        this.warnedAt = now;
        this.logger.warn(`search indexing failed (trying again in ${this.everyMs} ms): ${(err as Error).message}`);
      }
    }
  }
}

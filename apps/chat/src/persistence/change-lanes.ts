import { Semaphore } from '@hihi/common/concurrency';

/**
 * Changes to existing messages (edit, delete, reaction) as this process runs them: one at a time
 * per message, in the order asked, and at most `max` at once in all.
 *
 * Each change is a transaction that locks its message's row (and, briefly, its room's). Run side
 * by side, changes to one hot message — a flood of reaction toggles, or a crowd reacting to an
 * announcement — would each hold a pool connection while waiting on that row lock, and the
 * sends queued behind them for a connection would wait too (issue 24, docs/performance.md
 * "Reactions and the pool"). Here they wait in memory instead, holding nothing: one connection per
 * hot message, and never more than `max` of the pool for changes, so sends and reads always find
 * one. Several chat processes still meet on the row lock in PostgreSQL, one transaction each.
 */
export class ChangeLanes {
  /** the last change queued per message: the next one runs after it */
  private readonly tails = new Map<string, Promise<void>>();
  /** at most `max` changes at once, whatever their messages */
  private readonly slots: Semaphore;

  constructor(max: number) {
    this.slots = new Semaphore(max);
  }

  /** Run `fn` after the changes to `key` asked before it, within the global bound. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(() => this.slots.run(fn));
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Messages with changes queued or running (tests, metrics). */
  get size(): number {
    return this.tails.size;
  }
}

/**
 * At most `max` tasks at once; the others wait in order. A slot is handed straight from the task
 * that ends to the next waiter (`running` stays as it is), so a task arriving meanwhile cannot
 * take it too and the bound is never passed.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Every slot taken: the next task waits. */
  get full(): boolean {
    return this.active >= this.max;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.full) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

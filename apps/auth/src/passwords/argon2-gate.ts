import { BusError } from '@hihi/common';

/** Retry-After of a sign-in refused because argon2 is saturated, seconds. */
export const BUSY_RETRY_AFTER_SEC = 2;
export const BUSY_MESSAGE = 'sign-in is busy; try again in a moment';

/**
 * Bounds argon2 work in one process: at most `maxConcurrent` computations run at once, at most
 * `maxQueue` wait; anything beyond is refused at once (BusError `unavailable` → 503 with
 * Retry-After) instead of piling up behind a storm until every caller's deadline has passed.
 * Each computation takes ~19 MiB and tens of milliseconds of a libuv thread, so an unbounded
 * queue turns 200 concurrent sign-ins into seconds of backlog during which nobody signs in.
 */
export class Argon2Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueue: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxConcurrent) {
      if (this.waiting.length >= this.maxQueue) {
        throw new BusError('unavailable', BUSY_MESSAGE, { retryAfterSec: BUSY_RETRY_AFTER_SEC });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // hand the slot straight to the next waiter (active stays the same), or free it
      if (next) next();
      else this.active--;
    }
  }
}

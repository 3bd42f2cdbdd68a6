import { BusError } from '@hihi/common';
import { Semaphore } from '@hihi/common/concurrency';

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
  private readonly slots: Semaphore;

  constructor(
    maxConcurrent: number,
    private readonly maxQueue: number,
  ) {
    this.slots = new Semaphore(maxConcurrent);
  }

  get running(): number {
    return this.slots.running;
  }

  get queued(): number {
    return this.slots.queued;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.slots.full && this.slots.queued >= this.maxQueue) {
      return Promise.reject(new BusError('unavailable', BUSY_MESSAGE, { retryAfterSec: BUSY_RETRY_AFTER_SEC }));
    }
    return this.slots.run(fn);
  }
}

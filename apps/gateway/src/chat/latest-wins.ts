/** What a flush answers every submit it carried. */
export type FlushResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface LatestWinsOptions<V> {
  /** at most one flush per key per this many ms */
  intervalMs: number;
  /** the value a pending one and a newer one become (latest wins; room:read keeps the higher seq) */
  merge(pending: V, next: V): V;
  /** when the owner goes away with nothing pending: what to send after the last flushed value, if anything (typing → its end) */
  onForget?(last: V): V | undefined;
  /** tries of a value whose flush failed (the first one included); default 1 */
  attempts?: number;
  /** a flush failed (its submits have been answered with the error) */
  onError?(key: string, error: unknown): void;
  /**
   * each wait between two flushes of a key is intervalMs × (1 + jitter × a random number in
   * [0, 1)); default 0. Owners that got the same event at the same moment (a room's members,
   * one message) would otherwise flush in step for ever, and their answers leave in one burst.
   */
  jitter?: number;
}

interface Entry<V, R> {
  pending?: V;
  /** tries left of the pending value (after a failure) */
  triesLeft: number;
  waiters: ((r: FlushResult<R>) => void)[];
  send?: (v: V) => Promise<R>;
  /** the last value sent */
  last?: V;
  lastFlush: number;
  /** the wait after lastFlush before the next flush (intervalMs with its jitter) */
  waitMs?: number;
  timer?: NodeJS.Timeout;
  inFlight: boolean;
  /** the owner went away: forget() drains it */
  forgotten?: boolean;
}

/**
 * Coalescing, latest wins, per owner (a socket) and key (a room): a value submitted while the
 * key was flushed less than `intervalMs` ago waits, and only the latest (merged) value is sent
 * when the interval is over; every submit is answered with the result of the flush that carried
 * it. The first value after a quiet interval goes at once. forget(owner) (the socket
 * disconnected) sends what is pending at once — nothing submitted is lost — and, through
 * onForget, what must follow the last value sent (a typing end).
 */
export class LatestWins<V, R> {
  private readonly owners = new WeakMap<object, Map<string, Entry<V, R>>>();

  constructor(
    private readonly opts: LatestWinsOptions<V>,
    private readonly now: () => number = () => performance.now(),
    private readonly random: () => number = Math.random,
  ) {}

  /** Submit a value; `send` carries the merged value out (the latest submit's `send` is used). */
  submit(owner: object, key: string, value: V, send: (v: V) => Promise<R>): Promise<FlushResult<R>> {
    return new Promise((resolve) => this.submitThen(owner, key, value, send, resolve));
  }

  /**
   * submit(), answered through `done` (called once, with the result of the flush that carried
   * the value): a waiter then holds nothing but `done` until its flush.
   */
  submitThen(
    owner: object,
    key: string,
    value: V,
    send: (v: V) => Promise<R>,
    done: (r: FlushResult<R>) => void,
  ): void {
    let entries = this.owners.get(owner);
    if (!entries) this.owners.set(owner, (entries = new Map()));
    let e = entries.get(key);
    if (!e) {
      e = { waiters: [], lastFlush: -Infinity, inFlight: false, triesLeft: 0 };
      entries.set(key, e);
    }
    e.pending = e.pending === undefined ? value : this.opts.merge(e.pending, value);
    e.triesLeft = this.opts.attempts ?? 1;
    e.send = send;
    e.waiters.push(done);
    this.arm(entries, key, e);
  }

  /** The owner is gone: flush what is pending now, and what onForget says must follow. */
  forget(owner: object): Promise<void> {
    const entries = this.owners.get(owner);
    if (!entries) return Promise.resolve();
    this.owners.delete(owner);
    const done: Promise<void>[] = [];
    for (const [key, e] of entries) {
      clearTimeout(e.timer);
      e.timer = undefined;
      e.forgotten = true;
      done.push(this.drainForever(key, e));
    }
    return Promise.all(done).then(() => undefined);
  }

  /** Keys an owner has state for (tests). */
  keysOf(owner: object): number {
    return this.owners.get(owner)?.size ?? 0;
  }

  /** Pending values of an owner (tests, metrics). */
  pendingOf(owner: object): number {
    let n = 0;
    for (const e of this.owners.get(owner)?.values() ?? []) if (e.pending !== undefined) n++;
    return n;
  }

  private async drainForever(key: string, e: Entry<V, R>): Promise<void> {
    // wait for a flush in flight; then send what is pending (retrying as configured), then the end
    while (e.inFlight) await new Promise((r) => setTimeout(r, 5));
    await this.drain(key, e);
    if (e.last !== undefined && e.send && this.opts.onForget) {
      const end = this.opts.onForget(e.last);
      if (end !== undefined) {
        e.pending = end;
        e.triesLeft = this.opts.attempts ?? 1;
        await this.drain(key, e);
      }
    }
  }

  private async drain(key: string, e: Entry<V, R>): Promise<void> {
    while (e.pending !== undefined) {
      if (!(await this.flush(undefined, key, e)) && e.pending !== undefined) {
        await new Promise((r) => setTimeout(r, this.opts.intervalMs));
      }
    }
  }

  private arm(entries: Map<string, Entry<V, R>>, key: string, e: Entry<V, R>): void {
    if (e.timer || e.inFlight || e.forgotten) return;
    const delay = e.lastFlush + this.interval(e) - this.now();
    if (e.pending !== undefined && delay <= 0) {
      void this.flush(entries, key, e);
      return;
    }
    // a flush later, or (nothing pending) forgetting the key once its interval is over
    e.timer = setTimeout(
      () => {
        e.timer = undefined;
        if (e.forgotten) return;
        if (e.pending !== undefined) void this.flush(entries, key, e);
        else if (!e.inFlight && entries.get(key) === e && !this.endOwed(e)) entries.delete(key);
      },
      Math.max(0, delay),
    );
    e.timer.unref?.();
  }

  /** The wait after the key's last flush (drawn once per flush, so re-arming keeps it). */
  private interval(e: Entry<V, R>): number {
    if (e.lastFlush === -Infinity) return 0;
    if (e.waitMs === undefined) e.waitMs = this.opts.intervalMs * (1 + (this.opts.jitter ?? 0) * this.random());
    return e.waitMs;
  }

  /** Something must follow the last value sent when the owner goes (typing: an end). */
  private endOwed(e: Entry<V, R>): boolean {
    return !!this.opts.onForget && e.last !== undefined && this.opts.onForget(e.last) !== undefined;
  }

  /** Send the pending value; true when it went out. */
  private async flush(entries: Map<string, Entry<V, R>> | undefined, key: string, e: Entry<V, R>): Promise<boolean> {
    const value = e.pending as V;
    const waiters = e.waiters;
    const send = e.send!;
    const tries = e.triesLeft;
    e.pending = undefined;
    e.waiters = [];
    e.triesLeft = this.opts.attempts ?? 1;
    e.inFlight = true;
    e.lastFlush = this.now();
    e.waitMs = undefined;
    let result: FlushResult<R>;
    try {
      result = { ok: true, value: await send(value) };
      e.last = value;
    } catch (error) {
      result = { ok: false, error };
      this.opts.onError?.(key, error);
      // kept for another try, merged with anything newer
      if (tries - 1 > 0) {
        if (e.pending === undefined) {
          e.pending = value;
          e.triesLeft = tries - 1;
        } else {
          e.pending = this.opts.merge(value, e.pending);
        }
      }
    }
    e.inFlight = false;
    for (const w of waiters) w(result);
    if (entries) this.arm(entries, key, e);
    return result.ok;
  }
}

import type { AckError } from '@hihi/contracts';

/** Which budget a socket command is charged to. */
export type CommandClass = 'coalesced' | 'other';

export interface SocketCommandLimits {
  /** refill per second of the budget of commands other than room:read and typing */
  ratePerSec: number;
  /** its bucket size */
  burst: number;
  /** refill per second of room:read and typing (coalesced, cheap) */
  coalescedRatePerSec: number;
  /** their bucket size */
  coalescedBurst: number;
  /** refusals after the first `rate_limited` within `strikeWindowMs` that get the socket cut off */
  strikes: number;
  /** window of those strikes, ms (default 10 s) */
  strikeWindowMs?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

interface SocketBudget {
  buckets: Record<CommandClass, Bucket>;
  /** refusals counted in the current strike window (0: the socket was never told, or behaved since) */
  strikes: number;
  strikeWindowStart: number;
  cut: boolean;
}

/** What admit() decided. */
export type Admission = { ok: true } | { ok: false; error: AckError; cutOff?: string };

/**
 * Per-socket token buckets for socket commands (SPEC §6 "Chatty clients"): one for room:read and
 * typing (which the gateway coalesces, so they only cost a frame to parse), one for every other
 * command. They live in the gateway's memory — a socket lives on one gateway — and cost no I/O,
 * so a flood is refused before it reaches validation, Redis or the bus. A command over budget is
 * answered `rate_limited` with `retryAfterMs`; a socket that keeps sending after being told
 * (`strikes` refusals within the strike window) is cut off: admit() says so with the reason and
 * the caller disconnects it.
 */
export class SocketCommandLimiter {
  private readonly budgets = new WeakMap<object, SocketBudget>();
  private readonly strikeWindowMs: number;

  constructor(
    private readonly limits: SocketCommandLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.strikeWindowMs = limits.strikeWindowMs ?? 10_000;
  }

  /**
   * Charge one command `cost` tokens (a history read costs more than a send); `busy`: refuse it
   * whatever the bucket holds (too many in flight), as a strike.
   */
  admit(socket: object, cls: CommandClass, busy = false, cost = 1): Admission {
    const t = this.now();
    let budget = this.budgets.get(socket);
    if (!budget) {
      budget = {
        buckets: {
          coalesced: { tokens: this.capacity('coalesced'), at: t },
          other: { tokens: this.capacity('other'), at: t },
        },
        strikes: 0,
        strikeWindowStart: t,
        cut: false,
      };
      this.budgets.set(socket, budget);
    }
    if (budget.cut) return { ok: false, error: this.refusal(1000) };
    const bucket = budget.buckets[cls];
    const rate = this.rate(cls);
    bucket.tokens = Math.min(this.capacity(cls), bucket.tokens + ((t - bucket.at) / 1000) * rate);
    bucket.at = t;
    // a cost above the bucket's size is charged as the whole bucket (it could never pass otherwise)
    const need = Math.min(cost, this.capacity(cls));
    if (bucket.tokens >= need && !busy) {
      bucket.tokens -= need;
      return { ok: true };
    }
    const retryAfterMs = busy ? 100 : Math.max(1, Math.ceil(((need - bucket.tokens) / rate) * 1000));
    if (t - budget.strikeWindowStart > this.strikeWindowMs) {
      budget.strikeWindowStart = t;
      budget.strikes = 0;
    }
    budget.strikes++;
    if (budget.strikes > this.limits.strikes) {
      budget.cut = true;
      return {
        ok: false,
        error: this.refusal(retryAfterMs),
        cutOff: `flooding: more than ${this.limits.strikes} commands refused as rate_limited within ${this.strikeWindowMs / 1000} s`,
      };
    }
    return { ok: false, error: this.refusal(retryAfterMs) };
  }

  private refusal(retryAfterMs: number): AckError {
    return { code: 'rate_limited', message: `too many commands; retry in ${retryAfterMs} ms`, retryAfterMs };
  }

  private rate(cls: CommandClass): number {
    return cls === 'coalesced' ? this.limits.coalescedRatePerSec : this.limits.ratePerSec;
  }

  private capacity(cls: CommandClass): number {
    return cls === 'coalesced' ? this.limits.coalescedBurst : this.limits.burst;
  }
}

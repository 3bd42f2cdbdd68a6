/**
 * Reference-counted channel subscriptions (room events by interest, SPEC §11).
 *
 * `acquire(ch)` / `release(ch)` count users of a channel; the connection is subscribed while the
 * count is above zero. Subscribing and unsubscribing of one channel run one after another (a
 * release racing a new acquire never leaves the channel unsubscribed), and `ready(ch)` resolves
 * once the channel is subscribed — SSUBSCRIBE/SUBSCRIBE acknowledged by Redis, so every event
 * published from then on is delivered — retrying a failed subscribe. Channels are never
 * unsubscribed in bulk (no SUNSUBSCRIBE without names, redis/ioredis#2133).
 */
export interface ChannelSubscriber {
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
}

interface Entry {
  refs: number;
  subscribed: boolean;
  /** the last subscribe/unsubscribe step (never rejects) */
  tail: Promise<void>;
  /** the error of the last failed step, until a step succeeds */
  error?: Error;
}

export class Interest {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly sub: ChannelSubscriber) {}

  acquire(channel: string): void {
    const e = this.entry(channel);
    e.refs++;
    if (e.refs === 1) void this.step(channel, e);
  }

  release(channel: string): void {
    const e = this.entries.get(channel);
    if (!e || e.refs === 0) return;
    e.refs--;
    if (e.refs === 0) void this.step(channel, e);
  }

  /** Resolves once the channel is subscribed (rejects when Redis refused or is unreachable). */
  async ready(channel: string): Promise<void> {
    const e = this.entries.get(channel);
    if (!e || e.refs === 0) throw new Error(`${channel} is not wanted`);
    // after every step queued so far (an unsubscribe in flight must not count as subscribed)
    await this.step(channel, e);
    if (!e.subscribed) throw e.error ?? new Error(`${channel} could not be subscribed`);
  }

  /** Channels subscribed now (metrics, tests). */
  get channels(): string[] {
    return [...this.entries].filter(([, e]) => e.subscribed).map(([ch]) => ch);
  }

  /** How many users a channel has. */
  refs(channel: string): number {
    return this.entries.get(channel)?.refs ?? 0;
  }

  private entry(channel: string): Entry {
    let e = this.entries.get(channel);
    if (!e) this.entries.set(channel, (e = { refs: 0, subscribed: false, tail: Promise.resolve() }));
    return e;
  }

  /** Bring the subscription in line with the count, after the steps already queued. */
  private step(channel: string, e: Entry): Promise<void> {
    e.tail = e.tail.then(async () => {
      const want = e.refs > 0;
      if (want === e.subscribed) return;
      try {
        if (want) await this.sub.subscribe(channel);
        else await this.sub.unsubscribe(channel);
        e.subscribed = want;
        e.error = undefined;
      } catch (err) {
        e.error = err as Error;
      }
      if (!e.refs && !e.subscribed && this.entries.get(channel) === e) this.entries.delete(channel);
    });
    return e.tail;
  }
}

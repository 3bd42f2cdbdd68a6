import { ChannelSubscriber, Interest } from './interest';

/** A subscriber whose calls wait until released, recording the order of calls. */
class FakeSubscriber implements ChannelSubscriber {
  readonly calls: string[] = [];
  failures = 0;
  private gates: (() => void)[] = [];
  held = false;

  private async call(what: string): Promise<void> {
    this.calls.push(what);
    if (this.held) await new Promise<void>((r) => this.gates.push(r));
    if (this.failures > 0) {
      this.failures--;
      throw new Error('redis down');
    }
  }
  subscribe(ch: string) {
    return this.call(`sub ${ch}`);
  }
  unsubscribe(ch: string) {
    return this.call(`unsub ${ch}`);
  }
  release() {
    this.held = false;
    for (const g of this.gates.splice(0)) g();
  }
}

const flush = () => new Promise((r) => setImmediate(r));

describe('Interest (reference-counted subscriptions)', () => {
  it('subscribes on the first user, unsubscribes after the last', async () => {
    const sub = new FakeSubscriber();
    const i = new Interest(sub);
    i.acquire('a');
    i.acquire('a');
    await i.ready('a');
    expect(i.channels).toEqual(['a']);
    i.release('a');
    await flush();
    expect(sub.calls).toEqual(['sub a']);
    i.release('a');
    await flush();
    expect(sub.calls).toEqual(['sub a', 'unsub a']);
    expect(i.channels).toEqual([]);
  });

  it('a release racing a new acquire leaves the channel subscribed', async () => {
    const sub = new FakeSubscriber();
    const i = new Interest(sub);
    i.acquire('a');
    await i.ready('a');
    sub.held = true;
    i.release('a');
    await flush(); // the unsubscribe is in flight
    i.acquire('a');
    const ready = i.ready('a');
    sub.release();
    await ready;
    expect(sub.calls).toEqual(['sub a', 'unsub a', 'sub a']);
    expect(i.channels).toEqual(['a']);
  });

  it('ready retries a failed subscribe and rejects when it fails again', async () => {
    const sub = new FakeSubscriber();
    const i = new Interest(sub);
    sub.failures = 2;
    i.acquire('a'); // fails
    await expect(i.ready('a')).rejects.toThrow('redis down'); // tries again, fails again
    await i.ready('a'); // tries again
    expect(sub.calls).toEqual(['sub a', 'sub a', 'sub a']);
    expect(i.channels).toEqual(['a']);
  });

  it('ready of a channel nobody wants rejects', async () => {
    await expect(new Interest(new FakeSubscriber()).ready('x')).rejects.toThrow(/not wanted/);
  });
});

import { LatestWins } from './latest-wins';

interface Mark {
  seq: number;
}

describe('LatestWins', () => {
  let clock = 0;
  const now = (): number => clock;
  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
  });
  afterEach(() => jest.useRealTimers());
  const advance = async (ms: number): Promise<void> => {
    clock += ms;
    await jest.advanceTimersByTimeAsync(ms);
  };

  it('sends the first value at once, then at most one merged value per interval (latest wins)', async () => {
    const sent: number[] = [];
    const lw = new LatestWins<Mark, number>({ intervalMs: 500, merge: (a, b) => (b.seq >= a.seq ? b : a) }, now);
    const send = (m: Mark): Promise<number> => {
      sent.push(m.seq);
      return Promise.resolve(m.seq);
    };
    const owner = {};
    const first = lw.submit(owner, 'r1', { seq: 1 }, send);
    await Promise.resolve();
    expect(sent).toEqual([1]);
    const later = [5, 3, 9, 7].map((seq) => lw.submit(owner, 'r1', { seq }, send));
    await advance(100);
    expect(sent).toEqual([1]);
    await advance(400);
    expect(sent).toEqual([1, 9]);
    expect(await first).toEqual({ ok: true, value: 1 });
    // every submit is answered by the flush that carried it
    for (const p of later) expect(await p).toEqual({ ok: true, value: 9 });
    // other keys and owners are independent
    void lw.submit(owner, 'r2', { seq: 4 }, send);
    void lw.submit({}, 'r1', { seq: 2 }, send);
    await Promise.resolve();
    expect(sent).toEqual([1, 9, 4, 2]);
  });

  it('with jitter, owners flushed together drift apart, and no wait is shorter than the interval', async () => {
    const sent: string[] = [];
    const draws = [0, 0.99];
    const lw = new LatestWins<Mark, number>(
      { intervalMs: 400, jitter: 0.25, merge: (a, b) => (b.seq >= a.seq ? b : a) },
      now,
      () => draws.shift() ?? 0,
    );
    const a = {};
    const b = {};
    const send = (who: string) => (m: Mark) => {
      sent.push(`${who}${m.seq}`);
      return Promise.resolve(m.seq);
    };
    // both first marks go at once; the next ones wait 400 × (1 + 0.25 × draw)
    void lw.submit(a, 'r', { seq: 1 }, send('a'));
    void lw.submit(b, 'r', { seq: 1 }, send('b'));
    await Promise.resolve();
    const answered: number[] = [];
    lw.submitThen(a, 'r', { seq: 2 }, send('a'), (r) => r.ok && answered.push(r.value));
    void lw.submit(b, 'r', { seq: 2 }, send('b'));
    await advance(399);
    expect(sent).toEqual(['a1', 'b1']);
    await advance(1);
    expect(sent).toEqual(['a1', 'b1', 'a2']);
    expect(answered).toEqual([2]);
    await advance(98);
    expect(sent).toEqual(['a1', 'b1', 'a2']);
    await advance(1);
    expect(sent).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  it('on forget sends what is pending at once, and the end a last value asks for', async () => {
    const sent: string[] = [];
    const lw = new LatestWins<{ typing: boolean }, void>(
      { intervalMs: 500, merge: (_a, b) => b, onForget: (last) => (last.typing ? { typing: false } : undefined) },
      now,
    );
    const send = (v: { typing: boolean }): Promise<void> => {
      sent.push(String(v.typing));
      return Promise.resolve();
    };
    const a = {};
    void lw.submit(a, 'r', { typing: true }, send);
    void lw.submit(a, 'r', { typing: false }, send);
    await Promise.resolve();
    expect(sent).toEqual(['true']);
    await lw.forget(a); // the pending end goes now, not after the interval
    expect(sent).toEqual(['true', 'false']);
    // typing still on when the socket goes: an end follows
    const b = {};
    void lw.submit(b, 'r', { typing: true }, send);
    await Promise.resolve();
    await lw.forget(b);
    expect(sent).toEqual(['true', 'false', 'true', 'false']);
    await advance(1000);
    expect(sent).toHaveLength(4);
  });

  it('keeps a value whose flush failed for another try (merged with newer ones), up to the attempts', async () => {
    let fail = 2;
    const sent: number[] = [];
    const lw = new LatestWins<Mark, number>(
      { intervalMs: 500, merge: (a, b) => (b.seq >= a.seq ? b : a), attempts: 3 },
      now,
    );
    const send = (m: Mark): Promise<number> => {
      sent.push(m.seq);
      return fail-- > 0 ? Promise.reject(new Error('chat gone')) : Promise.resolve(m.seq);
    };
    const owner = {};
    const first = await lw.submit(owner, 'r', { seq: 4 }, send);
    expect(first.ok).toBe(false);
    await advance(500);
    expect(sent).toEqual([4, 4]);
    await advance(500);
    expect(sent).toEqual([4, 4, 4]);
    await advance(2000);
    expect(sent).toEqual([4, 4, 4]); // recorded: nothing more
    // a value that fails every try is given up after `attempts`
    fail = 100;
    void lw.submit(owner, 'r', { seq: 8 }, send);
    await advance(5000);
    expect(sent.filter((s) => s === 8)).toHaveLength(3);
  });

  it('forgets idle keys (memory stays bounded by what is recent)', async () => {
    const lw = new LatestWins<Mark, number>({ intervalMs: 500, merge: (_a, b) => b }, now);
    const owner = {};
    for (let i = 0; i < 100; i++) void lw.submit(owner, `r${i}`, { seq: i }, (m) => Promise.resolve(m.seq));
    await advance(0);
    expect(lw.keysOf(owner)).toBe(100);
    await advance(600);
    expect(lw.keysOf(owner)).toBe(0);
  });
});

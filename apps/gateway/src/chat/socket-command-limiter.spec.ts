import { SocketCommandLimiter } from './socket-command-limiter';

describe('SocketCommandLimiter', () => {
  let clock = 0;
  const limiter = (): SocketCommandLimiter =>
    new SocketCommandLimiter(
      { ratePerSec: 10, burst: 20, coalescedRatePerSec: 100, coalescedBurst: 50, strikes: 5 },
      () => clock,
    );
  beforeEach(() => (clock = 0));

  it('allows the burst, then refuses with retryAfterMs until tokens refill', () => {
    const l = limiter();
    const s = {};
    for (let i = 0; i < 20; i++) expect(l.admit(s, 'other').ok).toBe(true);
    const refused = l.admit(s, 'other');
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    const retry = refused.ok ? 0 : refused.error.retryAfterMs!;
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(100);
    clock += retry;
    expect(l.admit(s, 'other').ok).toBe(true);
    // coalesced commands have their own, larger bucket; other sockets their own
    expect(l.admit(s, 'coalesced').ok).toBe(true);
    expect(l.admit({}, 'other').ok).toBe(true);
  });

  it('cuts off a socket that keeps sending after being refused; a polite one is never cut off', () => {
    const l = limiter();
    const flooder = {};
    for (let i = 0; i < 20; i++) l.admit(flooder, 'other');
    const verdicts = Array.from({ length: 6 }, () => l.admit(flooder, 'other'));
    expect(verdicts.slice(0, 5).every((v) => !v.ok && !v.cutOff)).toBe(true);
    expect(verdicts[5]).toMatchObject({ ok: false, cutOff: expect.stringContaining('flooding') });
    // once cut off, nothing more is admitted, even after a pause
    clock += 60_000;
    expect(l.admit(flooder, 'other').ok).toBe(false);

    const polite = {};
    for (let round = 0; round < 50; round++) {
      let v = l.admit(polite, 'other');
      while (v.ok) v = l.admit(polite, 'other');
      expect(v.cutOff).toBeUndefined();
      clock += 11_000; // waits well past retryAfterMs (and the strike window) before trying again
    }
  });

  it('charges a command its cost: a history read takes several tokens, and waits for them', () => {
    const l = limiter();
    const s = {};
    for (let i = 0; i < 4; i++) expect(l.admit(s, 'other', false, 5).ok).toBe(true);
    const refused = l.admit(s, 'other', false, 5);
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterMs: 500 } });
    clock += 500;
    expect(l.admit(s, 'other', false, 5).ok).toBe(true);
    // a cost above the bucket is charged as the whole bucket, so it can still pass
    clock += 10_000;
    expect(l.admit(s, 'other', false, 1000).ok).toBe(true);
    expect(l.admit(s, 'other').ok).toBe(false);
  });

  it('bounds a burst of coalesced events by its own bucket size', () => {
    const l = limiter();
    const s = {};
    let admitted = 0;
    for (let i = 0; i < 500; i++) if (l.admit(s, 'coalesced').ok) admitted++;
    expect(admitted).toBe(50);
  });

  it('refuses a busy socket (too many commands unanswered) whatever its bucket holds, as a strike', () => {
    const l = limiter();
    const s = {};
    const v = l.admit(s, 'other', true);
    expect(v).toMatchObject({ ok: false, error: { code: 'rate_limited', retryAfterMs: 100 } });
    for (let i = 0; i < 4; i++) l.admit(s, 'other', true);
    expect(l.admit(s, 'other', true)).toMatchObject({ ok: false, cutOff: expect.stringContaining('flooding') });
  });
});

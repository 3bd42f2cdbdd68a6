import fc from 'fast-check';
import { takeToken, BucketState } from './token-bucket';

describe('send rate limit: token bucket math', () => {
  const rate = 10;
  const burst = 20;

  it('allows a burst of `burst`, then refuses with the time to the next token', () => {
    let state: BucketState | undefined;
    const now = 1_000_000;
    for (let i = 0; i < burst; i++) {
      const r = takeToken(state, now, rate, burst);
      expect(r.allowed).toBe(true);
      state = r.state;
    }
    const refused = takeToken(state, now, rate, burst);
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 100 });
  });

  it('refills at `rate` per second, up to `burst`', () => {
    let state: BucketState = { tokens: 0, ts: 0 };
    expect(takeToken(state, 50, rate, burst).allowed).toBe(false);
    const r = takeToken(state, 100, rate, burst);
    expect(r.allowed).toBe(true);
    state = { tokens: 0, ts: 0 };
    expect(takeToken(state, 3_600_000, rate, burst).state.tokens).toBe(burst - 1);
  });

  it('never lets more than burst + rate·t through in any window t (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 300 }), (gaps) => {
        let state: BucketState | undefined;
        let now = 0;
        let allowed = 0;
        for (const g of gaps) {
          now += g;
          const r = takeToken(state, now, rate, burst);
          state = r.state;
          if (r.allowed) allowed++;
          expect(r.state.tokens).toBeGreaterThanOrEqual(0);
          expect(r.state.tokens).toBeLessThanOrEqual(burst);
        }
        expect(allowed).toBeLessThanOrEqual(burst + Math.floor((now * rate) / 1000) + 1);
      }),
    );
  });

  it('treats a clock going backwards as no time passing', () => {
    const r = takeToken({ tokens: 0.5, ts: 1000 }, 500, rate, burst);
    expect(r.allowed).toBe(false);
    expect(r.state.tokens).toBe(0.5);
  });
});

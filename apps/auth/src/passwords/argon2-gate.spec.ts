import { BusError } from '@hihi/common';
import { Argon2Gate } from './argon2-gate';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Argon2Gate', () => {
  it('runs at most maxConcurrent at once, queues up to maxQueue, refuses the rest at once', async () => {
    const gate = new Argon2Gate(2, 1);
    const blockers = [deferred(), deferred(), deferred()];
    let peak = 0;
    let now = 0;
    const work = (i: number) =>
      gate.run(async () => {
        now++;
        peak = Math.max(peak, now);
        await blockers[i].promise;
        now--;
        return i;
      });
    const a = work(0);
    const b = work(1);
    const c = work(2); // queued
    await expect(work(0)).rejects.toBeInstanceOf(BusError);
    await expect(gate.run(async () => 1)).rejects.toMatchObject({ code: 'unavailable', extra: { retryAfterSec: 2 } });
    expect(gate.running).toBe(2);
    expect(gate.queued).toBe(1);
    blockers.forEach((d) => d.resolve());
    expect(await Promise.all([a, b, c])).toEqual([0, 1, 2]);
    expect(peak).toBe(2);
    expect(gate.running).toBe(0);
    expect(gate.queued).toBe(0);
  });

  it('frees its slot when the work fails', async () => {
    const gate = new Argon2Gate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'ok')).toBe('ok');
  });
});

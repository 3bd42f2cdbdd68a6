import { Semaphore } from './semaphore';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('runs at most `max` at once, the rest in the order they came', async () => {
    const slots = new Semaphore(2);
    const blockers = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let now = 0;
    let peak = 0;
    const done = blockers.map((b, i) =>
      slots.run(async () => {
        started.push(i);
        peak = Math.max(peak, ++now);
        await b.promise;
        now--;
        return i;
      }),
    );
    await turn();
    expect([slots.running, slots.queued, slots.full]).toEqual([2, 3, true]);
    blockers[1].resolve();
    await turn();
    expect(started).toEqual([0, 1, 2]);
    for (const b of blockers) b.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect([slots.running, slots.queued, slots.full]).toEqual([0, 0, false]);
  });

  it('hands a freed slot to the waiter: a task arriving at that moment waits its turn', async () => {
    const slots = new Semaphore(1);
    const first = deferred();
    let now = 0;
    let peak = 0;
    const task = (wait?: Promise<void>) =>
      slots.run(async () => {
        peak = Math.max(peak, ++now);
        await wait;
        now--;
      });
    const a = task(first.promise);
    const b = task();
    first.resolve();
    await Promise.resolve();
    const c = task(); // arrives while the slot passes from a to b
    await Promise.all([a, b, c]);
    expect(peak).toBe(1);
  });

  it('frees the slot when a task fails', async () => {
    const slots = new Semaphore(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(async () => 'ok')).toBe('ok');
    expect(slots.running).toBe(0);
  });
});

import { ChangeLanes } from './change-lanes';

/** A change that ends when told to, recording when it ran. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ChangeLanes: changes to existing messages', () => {
  it('runs the changes of one message one at a time, in the order asked', async () => {
    const lanes = new ChangeLanes(4);
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const gates = [gate(), gate(), gate()];
    const done = gates.map((g, i) =>
      lanes.run('room:m1', async () => {
        running++;
        most = Math.max(most, running);
        log.push(`start ${i}`);
        await g.opened;
        log.push(`end ${i}`);
        running--;
        return i;
      }),
    );
    await turn();
    expect(log).toEqual(['start 0']);
    gates[2].open();
    gates[1].open();
    await turn();
    expect(log).toEqual(['start 0']);
    gates[0].open();
    expect(await Promise.all(done)).toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(most).toBe(1);
    expect(lanes.size).toBe(0);
  });

  it('runs changes of different messages side by side, never more than `max` at once', async () => {
    const lanes = new ChangeLanes(3);
    let running = 0;
    let most = 0;
    const gates = Array.from({ length: 10 }, gate);
    const done = gates.map((g, i) =>
      lanes.run(`room:m${i}`, async () => {
        running++;
        most = Math.max(most, running);
        await g.opened;
        running--;
        return i;
      }),
    );
    await turn();
    expect(running).toBe(3);
    // ending one lets exactly one more start, whichever ends
    gates[1].open();
    await turn();
    expect(running).toBe(3);
    for (const g of gates) g.open();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
  });

  it('a change that fails answers its caller with the error, and the next one of that message still runs', async () => {
    const lanes = new ChangeLanes(1);
    const failed = lanes.run('room:m1', () => Promise.reject(new Error('deadlock')));
    const next = lanes.run('room:m1', () => Promise.resolve('ok'));
    const other = lanes.run('room:m2', () => Promise.resolve('other'));
    await expect(failed).rejects.toThrow('deadlock');
    await expect(next).resolves.toBe('ok');
    await expect(other).resolves.toBe('other');
    expect(lanes.size).toBe(0);
  });
});

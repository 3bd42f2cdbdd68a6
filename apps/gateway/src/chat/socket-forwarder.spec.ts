import { CLIENT_EVENTS, PROTOCOL, PublicUser } from '@hihi/contracts';
import { COMMAND_DTOS } from '@hihi/dto';
import { CommandSocket, ForwarderBus, SocketForwarder } from './socket-forwarder';

const user: PublicUser = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false, role: 'member' };

/** A socket whose events the test fires by hand, answering through an ack. */
function fakeSocket(): CommandSocket & { fire(event: string, payload: unknown): Promise<unknown> } {
  const handlers = new Map<string, (...args: unknown[]) => void>();
  return {
    data: { user },
    on: (event: string, fn: (...args: unknown[]) => void) => void handlers.set(event, fn),
    fire: (event: string, payload: unknown) => new Promise((resolve) => handlers.get(event)!(payload, resolve)),
  } as never;
}

describe('SocketForwarder', () => {
  it('sheds load: past maxInFlight waiting bus calls, answers unavailable at once; recovers after', async () => {
    const pending: (() => void)[] = [];
    const bus: ForwarderBus = {
      callRaw: jest.fn(
        () =>
          new Promise((resolve) => pending.push(() => resolve({ ok: true, data: { room: { id: 'lobby' } } } as never))),
      ),
    } as never;
    const forwarder = new SocketForwarder({
      table: PROTOCOL,
      dtos: COMMAND_DTOS,
      bus,
      hooks: {} as never,
      maxInFlight: 3,
    });
    const socket = fakeSocket();
    forwarder.attach(socket);
    const read = () => socket.fire(CLIENT_EVENTS.roomRead, { roomId: 'lobby', seq: 1 });
    const first = [read(), read(), read()];
    await new Promise((r) => setImmediate(r));
    const t0 = Date.now();
    expect(await read()).toEqual({
      ok: false,
      error: { code: 'unavailable', message: expect.any(String), retryAfterMs: 250 },
    });
    expect(Date.now() - t0).toBeLessThan(100);
    expect(bus.callRaw).toHaveBeenCalledTimes(3);
    for (const release of pending.splice(0)) release();
    expect(await Promise.all(first)).toEqual([0, 1, 2].map(() => ({ ok: true, room: { id: 'lobby' } })));
    const again = read();
    await new Promise((r) => setImmediate(r));
    pending.shift()!();
    expect(await again).toMatchObject({ ok: true });
  });
});

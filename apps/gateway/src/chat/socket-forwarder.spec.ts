import { BusResult, CLIENT_EVENTS, PROTOCOL, PublicUser, RoomReadPayload } from '@hihi/contracts';
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

  it('an `around` command is answered through its callback, and counts as in flight until then', async () => {
    const bus: ForwarderBus = {
      callRaw: jest.fn(async () => ({ ok: true, data: { room: { id: 'lobby', unread: 0 } } }) as never),
    } as never;
    const inFlight: number[] = [];
    let n = 0;
    const settled = jest.fn();
    const held: (() => void)[] = [];
    const forwarder = new SocketForwarder({
      table: PROTOCOL,
      dtos: COMMAND_DTOS,
      bus,
      onInFlight: (d) => inFlight.push((n += d)),
      settled,
      hooks: {
        roomRead: {
          // hold every read until the test lets the last one go; all get its answer
          around: (
            _call: unknown,
            forward: (p: RoomReadPayload) => Promise<BusResult<unknown>>,
            answer: (r: BusResult<unknown>) => void,
          ) => void held.push(() => void forward({ roomId: 'lobby', seq: 9 }).then(answer)),
        },
      } as never,
    });
    const socket = fakeSocket();
    forwarder.attach(socket);
    const acks = [1, 2, 3].map((seq) => socket.fire(CLIENT_EVENTS.roomRead, { roomId: 'lobby', seq }));
    await new Promise((r) => setImmediate(r));
    expect(n).toBe(3);
    expect(settled).not.toHaveBeenCalled();
    for (const go of held.splice(0)) go();
    expect(await Promise.all(acks)).toEqual([0, 1, 2].map(() => ({ ok: true, room: { id: 'lobby', unread: 0 } })));
    await new Promise((r) => setImmediate(r));
    expect(n).toBe(0);
    expect(settled).toHaveBeenCalledTimes(3);
    expect(bus.callRaw).toHaveBeenCalledWith(PROTOCOL.roomRead.pattern, { roomId: 'lobby', seq: 9 }, expect.anything());
  });

  it('an `around` hook that throws is answered unavailable and settled once', async () => {
    const settled = jest.fn();
    let n = 0;
    const forwarder = new SocketForwarder({
      table: PROTOCOL,
      dtos: COMMAND_DTOS,
      bus: { callRaw: jest.fn() } as never,
      onInFlight: (d) => void (n += d),
      settled,
      hooks: {
        roomRead: {
          around: () => {
            throw new Error('boom');
          },
        },
      } as never,
    });
    const socket = fakeSocket();
    forwarder.attach(socket);
    expect(await socket.fire(CLIENT_EVENTS.roomRead, { roomId: 'lobby', seq: 1 })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: expect.any(String) },
    });
    expect(n).toBe(0);
    expect(settled).toHaveBeenCalledTimes(1);
  });
});

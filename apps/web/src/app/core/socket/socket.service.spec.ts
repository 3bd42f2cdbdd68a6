import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { CLIENT_EVENTS, SERVER_EVENTS, SOCKET_PATH } from '@hihi/contracts';
import { fakeIoFactory } from '../../../testing/fake-socket';
import { AuthService } from '../auth/auth.service';
import { IO_FACTORY, SocketService } from './socket.service';

function setup() {
  const io = fakeIoFactory();
  const auth = {
    validAccessToken: vi.fn().mockResolvedValue('token-1'),
    accessToken: vi.fn().mockReturnValue('token-1'),
    refresh: vi.fn().mockResolvedValue('token-2'),
    canRefresh: vi.fn().mockReturnValue(true),
    isSignedIn: vi.fn().mockReturnValue(true),
    expire: vi.fn(),
  };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: IO_FACTORY, useValue: io.factory },
      { provide: AuthService, useValue: auth },
    ],
  });
  const service = TestBed.inject(SocketService);
  return { service, io, auth };
}

describe('SocketService', () => {
  afterEach(() => vi.useRealTimers());

  it('connects to the shared path with a token function', async () => {
    const { service, io, auth } = setup();
    service.connect();
    const socket = io.sockets[0];
    expect(socket.uri).toBe(location.origin);
    expect(socket.opts.path).toBe(SOCKET_PATH);
    expect(typeof socket.opts.auth).toBe('function');
    expect(await socket.authPayload()).toEqual({ token: 'token-1' });
    auth.validAccessToken.mockResolvedValue('token-9');
    expect(await socket.authPayload()).toEqual({ token: 'token-9' });
  });

  it('cut off for flooding (server:disconnect): says so, reconnects only after retryAfterMs, not at once on "reconnect now"', () => {
    vi.useFakeTimers();
    const { service, io } = setup();
    service.connect();
    const socket = io.sockets[0];
    socket.simulateConnect();
    socket.fire(SERVER_EVENTS.serverDisconnect, {
      reason: 'flooding: kept sending after rate_limited',
      retryAfterMs: 10_000,
    });
    socket.simulateDisconnect('io server disconnect');
    expect(service.state()).toBe('reconnecting');
    expect(service.cutOff()?.reason).toMatch(/flooding/);
    const before = socket.connectCalls;
    service.reconnectNow();
    vi.advanceTimersByTime(9_000);
    expect(socket.connectCalls).toBe(before);
    vi.advanceTimersByTime(1_500);
    expect(socket.connectCalls).toBe(before + 1);
    socket.simulateConnect();
    expect(service.cutOff()).toBeNull();
  });

  it('a hostile retryAfterMs cannot park the client for more than five minutes', () => {
    vi.useFakeTimers();
    const { service, io } = setup();
    service.connect();
    const socket = io.sockets[0];
    socket.simulateConnect();
    socket.fire(SERVER_EVENTS.serverDisconnect, { reason: 'x', retryAfterMs: 1e12 });
    socket.simulateDisconnect('io server disconnect');
    const before = socket.connectCalls;
    vi.advanceTimersByTime(5 * 60_000 + 1);
    expect(socket.connectCalls).toBe(before + 1);
  });

  it('reports connection state and marks reconnections', () => {
    const { service, io } = setup();
    const seen: boolean[] = [];
    service.connected$.subscribe((e) => seen.push(e.reconnect));
    service.connect();
    expect(service.state()).toBe('connecting');
    const socket = io.sockets[0];
    socket.simulateConnect();
    expect(service.state()).toBe('connected');
    socket.simulateDisconnect();
    expect(service.state()).toBe('reconnecting');
    socket.simulateConnect();
    expect(seen).toEqual([false, true]);
  });

  it('refreshes the token and reconnects after an unauthorized handshake', async () => {
    vi.useFakeTimers();
    const { service, io, auth } = setup();
    service.connect();
    const socket = io.sockets[0];
    socket.fire('connect_error', new Error('unauthorized'));
    expect(auth.refresh).toHaveBeenCalledTimes(1);
    await vi.runAllTimersAsync();
    expect(socket.connectCalls).toBe(1);
  });

  it('gives up and signs out after repeated unauthorized handshakes', async () => {
    const { service, io, auth } = setup();
    service.connect();
    const socket = io.sockets[0];
    for (let i = 0; i < 3; i++) socket.fire('connect_error', new Error('unauthorized'));
    expect(auth.expire).toHaveBeenCalled();
    expect(service.state()).toBe('idle');
  });

  it('turns acknowledgements, timeouts and offline into Ack values', async () => {
    const { service, io } = setup();
    expect(await service.request(CLIENT_EVENTS.roomJoin, { roomId: 'lobby' })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'not connected' },
    });
    service.connect();
    const socket = io.sockets[0];
    socket.simulateConnect();
    socket.ackHandler = () => ({ ok: true, room: { id: 'lobby' } });
    expect(await service.request(CLIENT_EVENTS.roomJoin, { roomId: 'lobby' })).toMatchObject({ ok: true });
    expect(socket.lastTimeout).toBeGreaterThan(0);
    socket.ackHandler = () => {
      throw new Error('operation has timed out');
    };
    expect(await service.request(CLIENT_EVENTS.roomJoin, { roomId: 'lobby' })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });

  it('forwards server events', () => {
    const { service, io } = setup();
    const got: string[] = [];
    service.messageNew$.subscribe((m) => got.push(m.id));
    service.messageUpdated$.subscribe((m) => got.push(`updated:${m.id}`));
    service.roomMember$.subscribe((e) => got.push(`member:${e.roomId}:${e.change}`));
    service.roomRemoved$.subscribe((e) => got.push(`removed:${e.roomId}:${e.reason}`));
    service.connect();
    io.sockets[0].fire(SERVER_EVENTS.messageNew, { id: 'm1' });
    io.sockets[0].fire(SERVER_EVENTS.messageUpdated, { id: 'm1', editedAt: '2026-01-01T00:00:00Z' });
    io.sockets[0].fire(SERVER_EVENTS.roomMember, { roomId: 'r1', change: 'joined', role: 'member', user: {} });
    io.sockets[0].fire(SERVER_EVENTS.roomRemoved, { roomId: 'r1', reason: 'removed' });
    expect(got).toEqual(['m1', 'updated:m1', 'member:r1:joined', 'removed:r1:removed']);
  });

  it('types each request from the protocol table and sends only its commands', async () => {
    const { service, io } = setup();
    service.connect();
    const socket = io.sockets[0];
    socket.simulateConnect();
    socket.ackHandler = () => ({ ok: true, message: { id: 'm1' } });
    const ack = await service.request(CLIENT_EVENTS.messageEdit, { roomId: 'lobby', messageId: 'm1', text: 'fixed' });
    // the ack type follows from the event: message:edit answers { message }
    if (ack.ok) expect(ack.message.id).toBe('m1');
    expect(socket.emitted.at(-1)).toEqual({
      event: CLIENT_EVENTS.messageEdit,
      payload: { roomId: 'lobby', messageId: 'm1', text: 'fixed' },
    });
    // @ts-expect-error a payload of the wrong command does not compile
    await service.request(CLIENT_EVENTS.messageReact, { roomId: 'lobby', text: 'x' });
    const unknown = 'no:such' as typeof CLIENT_EVENTS.typing;
    expect(await service.request(unknown, { roomId: 'lobby', typing: true })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
  });
});

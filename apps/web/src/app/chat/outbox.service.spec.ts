import { TestBed } from '@angular/core/testing';
import { CLIENT_EVENTS, type Message } from '@hihi/contracts';
import { Subject } from 'rxjs';
import { SocketService } from '../core/socket/socket.service';
import { OutboxService } from './outbox.service';

const stored = (clientMsgId: string, text: string): Message => ({
  id: `id-${clientMsgId}`,
  roomId: 'lobby',
  seq: 1,
  clientMsgId,
  sender: { id: 'u1', username: 'alice', displayName: 'Alice', bot: false },
  text,
  createdAt: new Date().toISOString(),
});

function setup(connected = true) {
  const socket = {
    connected,
    connected$: new Subject<{ reconnect: boolean }>(),
    request: vi.fn(async (_event: string, payload: { clientMsgId: string; text: string }) => ({
      ok: true,
      message: stored(payload.clientMsgId, payload.text),
    })),
  };
  TestBed.configureTestingModule({ providers: [{ provide: SocketService, useValue: socket }] });
  const outbox = TestBed.inject(OutboxService);
  const delivered: Message[] = [];
  outbox.delivered$.subscribe((m) => delivered.push(m));
  return { outbox, socket, delivered };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('OutboxService', () => {
  it('sends with a clientMsgId and forgets the message once acknowledged', async () => {
    const { outbox, socket, delivered } = setup();
    const item = outbox.send('lobby', 'hello');
    expect(outbox.items()).toHaveLength(1);
    expect(outbox.items()[0].status).toBe('pending');
    await settle();
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.messageSend, {
      roomId: 'lobby',
      text: 'hello',
      clientMsgId: item.clientMsgId,
    });
    expect(outbox.items()).toHaveLength(0);
    expect(delivered.map((m) => m.clientMsgId)).toEqual([item.clientMsgId]);
  });

  it('sends the id of the message it replies to', async () => {
    const { outbox, socket } = setup();
    const replyTo = { id: 'm7', seq: 7, sender: stored('x', 'y').sender, text: 'original' };
    const item = outbox.send('lobby', 'answer', replyTo);
    expect(outbox.items()[0].replyTo).toEqual(replyTo);
    await settle();
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.messageSend, {
      roomId: 'lobby',
      text: 'answer',
      clientMsgId: item.clientMsgId,
      replyTo: 'm7',
    });
  });

  it('marks a failed send and retries it with the same clientMsgId', async () => {
    const { outbox, socket } = setup();
    socket.request.mockResolvedValueOnce({
      ok: false,
      error: { code: 'unavailable', message: 'timeout' },
    } as never);
    const item = outbox.send('lobby', 'hello');
    await settle();
    expect(outbox.items()[0]).toMatchObject({ status: 'failed', errorCode: 'unavailable' });

    await outbox.retry(item.clientMsgId);
    expect(socket.request).toHaveBeenCalledTimes(2);
    const ids = socket.request.mock.calls.map((c) => (c[1] as { clientMsgId: string }).clientMsgId);
    expect(ids).toEqual([item.clientMsgId, item.clientMsgId]);
    expect(outbox.items()).toHaveLength(0);
  });

  it('keeps messages written while offline and sends them, in order, on (re)connect', async () => {
    const { outbox, socket } = setup(false);
    const a = outbox.send('lobby', 'one');
    const b = outbox.send('lobby', 'two');
    await settle();
    expect(socket.request).not.toHaveBeenCalled();
    expect(outbox.items().map((i) => i.status)).toEqual(['pending', 'pending']);

    socket.connected = true;
    socket.connected$.next({ reconnect: true });
    await settle();
    await settle();
    const sent = socket.request.mock.calls.map((c) => (c[1] as { clientMsgId: string }).clientMsgId);
    expect(sent).toEqual([a.clientMsgId, b.clientMsgId]);
    expect(outbox.items()).toHaveLength(0);
  });

  it('resends retryable failures after a reconnect but not validation errors', async () => {
    const { outbox, socket } = setup();
    socket.request
      .mockResolvedValueOnce({ ok: false, error: { code: 'unavailable', message: 'down' } } as never)
      .mockResolvedValueOnce({ ok: false, error: { code: 'validation', message: 'too long' } } as never);
    const retryable = outbox.send('lobby', 'a');
    await settle();
    outbox.send('lobby', 'b');
    await settle();
    expect(outbox.items().map((i) => i.errorCode)).toEqual(['unavailable', 'validation']);

    socket.connected$.next({ reconnect: true });
    await settle();
    expect(socket.request).toHaveBeenCalledTimes(3);
    expect((socket.request.mock.calls[2][1] as { clientMsgId: string }).clientMsgId).toBe(retryable.clientMsgId);
    expect(outbox.items().map((i) => i.text)).toEqual(['b']);
  });

  it('never sends the same message twice at once', async () => {
    const { outbox, socket } = setup();
    let release!: () => void;
    socket.request.mockImplementationOnce(
      (_e, payload) =>
        new Promise((resolve) => {
          release = () => resolve({ ok: true, message: stored(payload.clientMsgId, payload.text) });
        }),
    );
    const item = outbox.send('lobby', 'slow');
    void outbox.retry(item.clientMsgId);
    socket.connected$.next({ reconnect: true });
    await settle();
    expect(socket.request).toHaveBeenCalledTimes(1);
    release();
    await settle();
    expect(outbox.items()).toHaveLength(0);
  });

  it('drops an entry confirmed through message:new', () => {
    const { outbox } = setup(false);
    const item = outbox.send('lobby', 'x');
    outbox.confirm(item.clientMsgId);
    expect(outbox.items()).toHaveLength(0);
  });
});

import { TestBed } from '@angular/core/testing';
import { CLIENT_EVENTS, type Message, type Room } from '@hihi/contracts';
import { Subject } from 'rxjs';
import { signal } from '@angular/core';
import { ChatApiService } from '../core/api/chat-api.service';
import { AuthService } from '../core/auth/auth.service';
import { SocketService } from '../core/socket/socket.service';
import { ChatStore } from './chat-store.service';
import { OutboxService } from './outbox.service';

const alice = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false };
const bob = { id: 'u2', username: 'bob', displayName: 'Bob', bot: false };
const msg = (roomId: string, seq: number, sender = bob, clientMsgId?: string): Message => ({
  id: `${roomId}-${seq}`,
  roomId,
  seq,
  sender,
  text: `#${seq}`,
  createdAt: new Date(seq * 60_000).toISOString(),
  ...(clientMsgId ? { clientMsgId } : {}),
});
const room = (id: string, kind: Room['kind'] = 'public', unread = 0): Room => ({
  id,
  name: id,
  kind,
  unread,
  lastSeq: 0,
});
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

function setup(opts: { guest?: boolean; rooms?: Room[] } = {}) {
  const joinAnswers = new Map<string, Message[]>();
  const socket = {
    connected: true,
    state: signal('connected'),
    connected$: new Subject<{ reconnect: boolean }>(),
    messageNew$: new Subject<Message>(),
    presence$: new Subject<{ roomId: string; online: unknown[] }>(),
    typing$: new Subject<{ roomId: string; user: typeof alice; typing: boolean }>(),
    roomUpdated$: new Subject<Room>(),
    connect: vi.fn(),
    disconnect: vi.fn(),
    typing: vi.fn(),
    request: vi.fn(async (event: string, payload: { roomId: string; sinceSeq?: number }) => {
      if (event === CLIENT_EVENTS.roomJoin) {
        const all = joinAnswers.get(payload.roomId) ?? [];
        const messages = payload.sinceSeq === undefined ? all : all.filter((m) => m.seq > payload.sinceSeq!);
        return { ok: true, room: undefined, messages, online: [alice] };
      }
      return { ok: true };
    }),
  };
  const api = {
    rooms: vi.fn(async () => opts.rooms ?? [room('lobby'), room('duck-u1', 'bot'), room('r2', 'public', 2)]),
    history: vi.fn(),
    createRoom: vi.fn(),
    openDm: vi.fn(),
  };
  const user = { ...alice, guest: !!opts.guest };
  const auth = {
    user: signal(user),
    isGuest: signal(!!opts.guest),
  };
  TestBed.configureTestingModule({
    providers: [
      ChatStore,
      { provide: SocketService, useValue: socket },
      { provide: ChatApiService, useValue: api },
      { provide: AuthService, useValue: auth },
    ],
  });
  const outbox = TestBed.inject(OutboxService);
  return { store: TestBed.inject(ChatStore), socket, api, joinAnswers, outbox };
}

describe('ChatStore', () => {
  it('opens the lobby first and joins it', async () => {
    const { store, socket, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 1), msg('lobby', 2)]);
    await store.start();
    await settle();
    expect(store.activeRoomId()).toBe('lobby');
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.roomJoin, { roomId: 'lobby' });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2]);
    expect(store.activeView().hasMore).toBe(false); // seq 1 is the very beginning
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.roomRead, { roomId: 'lobby', seq: 2 });
  });

  it('shows a guest only the duck room', async () => {
    const { store } = setup({ guest: true });
    await store.start();
    await settle();
    expect(store.rooms().map((r) => r.kind)).toEqual(['bot']);
    expect(store.activeRoomId()).toBe('duck-u1');
  });

  it('catches up after a reconnect with sinceSeq and merges without duplicates', async () => {
    const { store, socket, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 5), msg('lobby', 6)]);
    await store.start();
    await settle();

    // while away, 7 and 8 were written; the server replays them (and 6 once more)
    joinAnswers.set('lobby', [msg('lobby', 6), msg('lobby', 7), msg('lobby', 8)]);
    socket.request.mockClear();
    socket.connected$.next({ reconnect: true });
    await settle();
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.roomJoin, { roomId: 'lobby', sinceSeq: 6 });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([5, 6, 7, 8]);

    // a live duplicate of 8 changes nothing
    socket.messageNew$.next(msg('lobby', 8));
    expect(store.activeMessages().map((m) => m.seq)).toEqual([5, 6, 7, 8]);
  });

  it('counts unread messages of other joined rooms and clears them on opening', async () => {
    const { store, socket } = setup();
    await store.start();
    await settle();
    socket.messageNew$.next(msg('r2', 3));
    expect(store.rooms().find((r) => r.id === 'r2')?.unread).toBe(3);
    expect(store.totalUnread()).toBe(3);
    await store.selectRoom('r2');
    expect(store.rooms().find((r) => r.id === 'r2')?.unread).toBe(0);
  });

  it('confirms the outbox entry when its own message arrives', async () => {
    const { store, socket, outbox } = setup();
    await store.start();
    await settle();
    socket.connected = false; // keep it queued
    store.send('  hi  ');
    const [item] = outbox.items();
    expect(item.text).toBe('hi');
    expect(store.activeOutbox()).toHaveLength(1);
    socket.messageNew$.next(msg('lobby', 1, { ...alice, bot: false }, item.clientMsgId));
    expect(outbox.items()).toHaveLength(0);
    expect(store.activeOutbox()).toHaveLength(0);
    expect(store.activeMessages()).toHaveLength(1);
  });

  it('loads older history before the first seq', async () => {
    const { store, api, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 51), msg('lobby', 52)]);
    await store.start();
    await settle();
    api.history.mockResolvedValue({ messages: [msg('lobby', 49), msg('lobby', 50)], hasMore: false });
    await store.loadOlder();
    expect(api.history).toHaveBeenCalledWith('lobby', { beforeSeq: 51, limit: 50 });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([49, 50, 51, 52]);
    expect(store.activeView().hasMore).toBe(false);
  });

  it('fetches the messages a live delivery skipped (a hole in the seqs)', async () => {
    const { store, api, socket, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 1), msg('lobby', 2)]);
    await store.start();
    await settle();
    api.history.mockResolvedValue({ messages: [msg('lobby', 3), msg('lobby', 4)], hasMore: false });
    socket.messageNew$.next(msg('lobby', 5));
    await settle();
    expect(api.history).toHaveBeenCalledWith('lobby', { afterSeq: 2, beforeSeq: 5, limit: 100 });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    socket.messageNew$.next(msg('lobby', 6));
    await settle();
    expect(api.history).toHaveBeenCalledTimes(1); // no hole, no fetch
  });

  it('tracks typing per room, ignoring myself, and forgets it when the message arrives', async () => {
    const { store, socket } = setup();
    await store.start();
    await settle();
    const bobUser = { id: 'u2', username: 'bob', displayName: 'Bob', guest: false };
    socket.typing$.next({ roomId: 'lobby', user: bobUser as never, typing: true });
    socket.typing$.next({ roomId: 'lobby', user: alice, typing: true });
    expect(store.activeTyping().map((u) => u.username)).toEqual(['bob']);
    socket.messageNew$.next(msg('lobby', 1));
    expect(store.activeTyping()).toEqual([]);
  });
});

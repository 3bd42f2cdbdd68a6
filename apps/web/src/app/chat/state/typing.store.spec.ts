import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { SocketService } from '../../core/socket/socket.service';
import { RoomsStore } from './rooms.store';
import { TYPING_TTL_MS, TypingStore } from './typing.store';

const alice = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false };
const bob = { id: 'u2', username: 'bob', displayName: 'Bob', guest: false };

function setup() {
  const socket = { state: signal('connected'), typing: vi.fn() };
  TestBed.configureTestingModule({
    providers: [
      RoomsStore,
      TypingStore,
      { provide: SocketService, useValue: socket },
      { provide: ChatApiService, useValue: {} },
      { provide: AuthService, useValue: { isGuest: signal(false), user: signal(alice) } },
    ],
  });
  const rooms = TestBed.inject(RoomsStore);
  rooms.activeId.set('lobby');
  return { store: TestBed.inject(TypingStore), rooms, socket };
}

describe('TypingStore', () => {
  it('shows others typing in the open room, not me, and ends a typing that is not renewed', () => {
    vi.useFakeTimers();
    try {
      const { store } = setup();
      store.receive({ roomId: 'lobby', user: bob, typing: true });
      store.receive({ roomId: 'lobby', user: alice, typing: true });
      store.receive({ roomId: 'r2', user: bob, typing: true });
      expect(store.activeTyping().map((u) => u.id)).toEqual(['u2']);
      vi.advanceTimersByTime(TYPING_TTL_MS - 1);
      expect(store.activeTyping()).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(store.activeTyping()).toEqual([]);
      store.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('clears on typing:false, on clear() and when the connection drops; forgets a room', () => {
    const { store, socket } = setup();
    store.receive({ roomId: 'lobby', user: bob, typing: true });
    store.receive({ roomId: 'lobby', user: bob, typing: false });
    expect(store.activeTyping()).toEqual([]);
    store.receive({ roomId: 'lobby', user: bob, typing: true });
    store.clear('lobby', bob.id);
    expect(store.activeTyping()).toEqual([]);
    store.receive({ roomId: 'lobby', user: bob, typing: true });
    socket.state.set('reconnecting');
    TestBed.tick();
    expect(store.typing()).toEqual({});
    store.receive({ roomId: 'lobby', user: bob, typing: true });
    store.forget('lobby');
    expect(store.typing()['lobby']).toBeUndefined();
    store.stop();
  });

  it('sends my typing to the room it started in, and its end there too', () => {
    const { store, rooms, socket } = setup();
    store.setMine(true);
    rooms.activeId.set('r2');
    store.setMine(true);
    store.setMine(false);
    store.setMine(false); // nothing more to end
    expect(socket.typing.mock.calls.map((c) => c[0])).toEqual([
      { roomId: 'lobby', typing: true },
      { roomId: 'lobby', typing: false },
      { roomId: 'r2', typing: true },
      { roomId: 'r2', typing: false },
    ]);
  });
});

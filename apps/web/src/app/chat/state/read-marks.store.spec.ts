import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { CLIENT_EVENTS, type Message, REALTIME } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { SocketService } from '../../core/socket/socket.service';
import { ReadMarksStore } from './read-marks.store';
import { RoomsStore } from './rooms.store';
import { ChatStatus } from './status.store';
import { TimelineStore } from './timeline.store';

const msg = (seq: number): Message => ({
  id: `m${seq}`,
  roomId: 'lobby',
  seq,
  sender: { id: 'u2', username: 'bob', displayName: 'Bob', bot: false },
  text: 'x',
  createdAt: new Date(seq * 1000).toISOString(),
});
const setHidden = (hidden: boolean) => {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
};

function setup() {
  const socket = { request: vi.fn(async () => ({ ok: true })) };
  TestBed.configureTestingModule({
    providers: [
      RoomsStore,
      ChatStatus,
      TimelineStore,
      ReadMarksStore,
      { provide: SocketService, useValue: socket },
      { provide: ChatApiService, useValue: {} },
      { provide: AuthService, useValue: { isGuest: signal(false), user: signal(null) } },
    ],
  });
  const rooms = TestBed.inject(RoomsStore);
  rooms.activeId.set('lobby');
  const timeline = TestBed.inject(TimelineStore);
  const reads = () => socket.request.mock.calls.filter((c) => (c as unknown[])[0] === CLIENT_EVENTS.roomRead);
  return { store: TestBed.inject(ReadMarksStore), timeline, socket, reads };
}

describe('ReadMarksStore', () => {
  afterEach(() => setHidden(false));

  it('sends one mark per interval with the latest seq, and none for a room with nothing loaded', () => {
    vi.useFakeTimers();
    try {
      const { store, timeline, reads } = setup();
      store.markRead('lobby');
      expect(reads()).toHaveLength(0);
      timeline.applyJoin('lobby', [msg(1)], true);
      store.markRead('lobby');
      for (let seq = 2; seq <= 9; seq++) {
        timeline.add(msg(seq));
        store.markRead('lobby');
      }
      expect(reads().map((c) => (c as unknown[])[1])).toEqual([{ roomId: 'lobby', seq: 1 }]);
      vi.advanceTimersByTime(REALTIME.readMarkIntervalMs);
      expect(reads().map((c) => (c as unknown[])[1])).toEqual([
        { roomId: 'lobby', seq: 1 },
        { roomId: 'lobby', seq: 9 },
      ]);
      store.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('holds marks while hidden, counts what came meanwhile, and marks on return', () => {
    const { store, timeline, reads } = setup();
    timeline.applyJoin('lobby', [msg(1)], true);
    setHidden(true);
    store.markRead('lobby');
    store.arrivedAway('lobby', 1);
    expect(reads()).toHaveLength(0);
    expect(store.awayUnread()).toBe(1);
    expect(store.activeUnreadFrom()).toBe(1);
    setHidden(false);
    expect(store.awayUnread()).toBe(0);
    expect(reads()).toHaveLength(1);
  });

  it('puts the divider at the first unread message of an opened room, and forgets a room', () => {
    const { store } = setup();
    store.opening('lobby', { id: 'lobby', name: 'lobby', kind: 'public', unread: 3, lastSeq: 10, memberCount: 1 });
    expect(store.activeUnreadFrom()).toBe(8);
    store.opening('lobby', { id: 'lobby', name: 'lobby', kind: 'public', unread: 0, lastSeq: 10, memberCount: 1 });
    expect(store.activeUnreadFrom()).toBeNull();
    store.arrivedAway('lobby', 11);
    store.forget('lobby');
    expect(store.activeUnreadFrom()).toBeNull();
  });
});

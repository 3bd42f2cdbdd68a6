import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { CLIENT_EVENTS, type Message, type Room } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { SocketService } from '../../core/socket/socket.service';
import { OutboxService } from '../outbox.service';
import { PresenceStore } from './presence.store';
import { ReadMarksStore } from './read-marks.store';
import { JOIN_BACKOFF_CAP_MS, RoomSync, joinBackoffMs } from './room-sync';
import { RoomsStore } from './rooms.store';
import { ChatStatus } from './status.store';
import { TimelineStore } from './timeline.store';

const room = (id: string, kind: Room['kind'] = 'public'): Room => ({
  id,
  name: id,
  kind,
  unread: 2,
  lastSeq: 2,
  memberCount: 2,
});
const msg = (roomId: string, seq: number): Message => ({
  id: `${roomId}-${seq}`,
  roomId,
  seq,
  sender: { id: 'u2', username: 'bob', displayName: 'Bob', bot: false },
  text: 'x',
  createdAt: new Date(seq * 1000).toISOString(),
});

function setup() {
  const errors: string[] = [];
  const socket = {
    connected: true,
    request: vi.fn(async (event: string, p: { roomId: string; sinceSeq?: number }) => {
      if (event !== CLIENT_EVENTS.roomJoin) return { ok: true };
      const code = errors.shift();
      if (code)
        return { ok: false, error: { code, message: code, ...(code === 'rate_limited' ? { retryAfterMs: 300 } : {}) } };
      return { ok: true, messages: [msg(p.roomId, (p.sinceSeq ?? 0) + 1)], online: [], onlineCount: 3 };
    }),
  };
  const api = { rooms: vi.fn(async () => [room('lobby'), room('d1', 'dm')]) };
  TestBed.configureTestingModule({
    providers: [
      RoomsStore,
      ChatStatus,
      TimelineStore,
      PresenceStore,
      ReadMarksStore,
      RoomSync,
      { provide: SocketService, useValue: socket },
      { provide: OutboxService, useValue: { confirm: vi.fn() } },
      { provide: ChatApiService, useValue: api },
      { provide: AuthService, useValue: { isGuest: signal(false), user: signal(null) } },
    ],
  });
  const rooms = TestBed.inject(RoomsStore);
  const joins = () =>
    socket.request.mock.calls.filter(([e]) => e === CLIENT_EVENTS.roomJoin).map(([, p]) => p as { roomId: string });
  return {
    sync: TestBed.inject(RoomSync),
    rooms,
    timeline: TestBed.inject(TimelineStore),
    presence: TestBed.inject(PresenceStore),
    socket,
    errors,
    joins,
  };
}

describe('RoomSync', () => {
  it('joins once per room at a time and fills timeline and presence', async () => {
    const { sync, timeline, presence, joins, rooms } = setup();
    rooms.activeId.set('lobby');
    await Promise.all([sync.join('lobby'), sync.join('lobby')]);
    expect(joins()).toEqual([{ roomId: 'lobby' }]);
    expect(timeline.isJoined('lobby')).toBe(true);
    expect(presence.activeOnlineCount()).toBe(3);
  });

  it('catches up every joined room after a reconnect, the open one first, then the DMs', async () => {
    const { sync, rooms, joins } = setup();
    rooms.setAll([room('lobby'), room('r2'), room('d1', 'dm')]);
    await sync.join('r2');
    await sync.join('lobby');
    rooms.activeId.set('lobby');
    await sync.onConnected(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(joins().slice(2)).toEqual([
      { roomId: 'lobby', sinceSeq: 1 },
      { roomId: 'r2', sinceSeq: 1 },
      { roomId: 'd1' },
    ]);
  });

  it('retries unavailable, not refused; a stopped sync joins nothing', async () => {
    const { sync, errors, joins, timeline } = setup();
    vi.useFakeTimers();
    try {
      errors.push('unavailable');
      const joined = sync.join('lobby');
      await vi.advanceTimersByTimeAsync(0);
      expect(timeline.rejoining().has('lobby')).toBe(true);
      await vi.advanceTimersByTimeAsync(JOIN_BACKOFF_CAP_MS);
      expect(await joined).toBe(true);
      expect(timeline.rejoining().size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    errors.push('not_found');
    expect(await sync.join('r9')).toBe(false);
    expect(joins()).toHaveLength(3);
    sync.stop();
    expect(await sync.join('r3')).toBe(false);
    expect(joins()).toHaveLength(3);
  });
});

describe('RoomSync rate limits', () => {
  it('waits as long as a rate_limited join is told, then joins; no error is shown', async () => {
    const { sync, errors, joins } = setup();
    const status = TestBed.inject(ChatStatus);
    vi.useFakeTimers();
    try {
      errors.push('rate_limited');
      const joined = sync.join('lobby');
      await vi.advanceTimersByTimeAsync(250);
      expect(joins()).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(100);
      expect(joins()).toHaveLength(2);
      expect(await joined).toBe(true);
      expect(status.error()).toBeFalsy();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('joinBackoffMs', () => {
  it('doubles from 250 ms with ±50 % jitter and never exceeds 5 s', () => {
    expect(joinBackoffMs(0, () => 0)).toBe(125);
    expect(joinBackoffMs(1, () => 0.5)).toBe(500);
    expect(joinBackoffMs(30, () => 1)).toBe(JOIN_BACKOFF_CAP_MS);
  });
});

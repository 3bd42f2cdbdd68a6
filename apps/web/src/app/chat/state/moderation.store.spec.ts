import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Room } from '@hihi/contracts';
import { SESSION_STORAGE_KEY } from '../../core/auth/auth.service';
import { ModerationStore } from './moderation.store';
import { RoomsStore } from './rooms.store';

const room = (id: string, slowModeSec?: number): Room => ({
  id,
  name: id,
  kind: 'public',
  unread: 0,
  lastSeq: 0,
  memberCount: 2,
  role: 'member',
  ...(slowModeSec ? { slowModeSec } : {}),
});
const me = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false };

describe('ModerationStore', () => {
  function setup() {
    sessionStorage.setItem(
      SESSION_STORAGE_KEY,
      JSON.stringify({
        user: me,
        accessToken: 'a',
        refreshToken: 'r',
        expiresAt: Date.now() + 60_000,
        remember: false,
      }),
    );
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), RoomsStore, ModerationStore],
    });
    const rooms = TestBed.inject(RoomsStore);
    rooms.rooms.set([room('r1', 20), room('r2')]);
    rooms.activeId.set('r1');
    return { store: TestBed.inject(ModerationStore), rooms };
  }

  afterEach(() => vi.useRealTimers());

  it('a slow room: after a send the wait counts down by the second, then ends; exempt senders never wait', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { store } = setup();
    store.sent('r1', false);
    expect(store.activeSlowWait()).toBe(0);
    store.sent('r1', true);
    expect(store.activeSlowWait()).toBe(20);
    vi.advanceTimersByTime(5_000);
    expect(store.activeSlowWait()).toBe(15);
    vi.advanceTimersByTime(16_000);
    expect(store.activeSlowWait()).toBe(0);
    store.stopClock();
  });

  it('mutes are per room and only the viewer’s own; a refusal without until is no mute', () => {
    const { store, rooms } = setup();
    store.applyMember({ roomId: 'r2', user: me, change: 'muted', role: 'member', mutedUntil: null });
    expect(store.activeMute()).toBeNull();
    rooms.activeId.set('r2');
    expect(store.activeMute()).toEqual({ until: null });
    store.refused('r1', { code: 'forbidden' });
    rooms.activeId.set('r1');
    expect(store.activeMute()).toBeNull();
    store.refused('r1', { code: 'rate_limited', retryAfterMs: 3_000 });
    expect(store.activeSlowWait()).toBe(3);
    store.seenOwn('r2', undefined);
    rooms.activeId.set('r2');
    expect(store.activeMute()).toBeNull();
    store.stopClock();
  });
});

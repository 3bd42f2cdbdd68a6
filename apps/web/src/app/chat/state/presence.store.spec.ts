import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { PresenceStore } from './presence.store';
import { RoomsStore } from './rooms.store';

const user = (id: string) => ({ id, username: id, displayName: id.toUpperCase(), guest: false });

function setup() {
  TestBed.configureTestingModule({
    providers: [
      RoomsStore,
      PresenceStore,
      { provide: ChatApiService, useValue: {} },
      { provide: AuthService, useValue: { isGuest: signal(false), user: signal(null) } },
    ],
  });
  const rooms = TestBed.inject(RoomsStore);
  rooms.activeId.set('lobby');
  return { store: TestBed.inject(PresenceStore), rooms };
}

describe('PresenceStore', () => {
  it('starts from the join list and applies deltas, sorted and without duplicates', () => {
    const { store } = setup();
    store.set('lobby', [user('carol')], 120);
    store.apply({ roomId: 'lobby', joined: [user('bob'), user('carol')], left: [], onlineCount: 121 });
    expect(store.activeOnline().map((u) => u.id)).toEqual(['bob', 'carol']);
    expect(store.activeOnlineCount()).toBe(121);
    store.apply({ roomId: 'lobby', joined: [], left: ['carol'], onlineCount: 120 });
    expect(store.activeOnline().map((u) => u.id)).toEqual(['bob']);
    expect(store.activeOnlineCount()).toBe(120);
  });

  it('counts at least the listed users, keeps rooms apart and forgets a room', () => {
    const { store, rooms } = setup();
    store.set('lobby', [user('a'), user('b')], 0);
    store.set('r2', [user('c')], 1);
    expect(store.activeOnlineCount()).toBe(2);
    rooms.activeId.set('r2');
    expect(store.activeOnline().map((u) => u.id)).toEqual(['c']);
    store.forget('r2');
    expect(store.activeOnline()).toEqual([]);
    expect(store.activeOnlineCount()).toBe(0);
    expect(store.online()['lobby']).toHaveLength(2);
  });
});

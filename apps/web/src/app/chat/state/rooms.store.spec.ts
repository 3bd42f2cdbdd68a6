import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import type { Room } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { RoomsStore } from './rooms.store';

const room = (id: string, kind: Room['kind'] = 'public', unread = 0): Room => ({
  id,
  name: id,
  kind,
  unread,
  lastSeq: 5,
  memberCount: 1,
});

function setup(guest = false) {
  const api = { rooms: vi.fn(async () => [room('lobby'), room('duck', 'bot'), room('r2', 'public', 3)]) };
  TestBed.configureTestingModule({
    providers: [
      RoomsStore,
      { provide: ChatApiService, useValue: api },
      { provide: AuthService, useValue: { isGuest: signal(guest), user: signal(null) } },
    ],
  });
  return { store: TestBed.inject(RoomsStore), api };
}

describe('RoomsStore', () => {
  it('fetches the rooms; a guest keeps only the duck room', async () => {
    expect((await setup().store.fetch()).map((r) => r.id)).toEqual(['lobby', 'duck', 'r2']);
    TestBed.resetTestingModule();
    expect((await setup(true).store.fetch()).map((r) => r.id)).toEqual(['duck']);
  });

  it('keeps the open room without unread counts when the list is replaced or a room upserted', () => {
    const { store } = setup();
    store.activeId.set('r2');
    store.setAll([room('lobby', 'public', 1), room('r2', 'public', 4)]);
    expect(store.rooms().map((r) => r.unread)).toEqual([1, 0]);
    store.upsert({ ...room('r2', 'public', 9), name: 'renamed' });
    expect(store.active()).toMatchObject({ name: 'renamed', unread: 0 });
    store.upsert(room('r3'));
    expect(store.rooms().map((r) => r.id)).toEqual(['lobby', 'r2', 'r3']);
  });

  it('patches one room and removes one, closing it when it was open', () => {
    const { store } = setup();
    store.setAll([room('lobby'), room('r2')]);
    store.activeId.set('r2');
    store.patch('lobby', { unread: 7 });
    expect(store.find('lobby')?.unread).toBe(7);
    store.remove('r2');
    expect(store.rooms().map((r) => r.id)).toEqual(['lobby']);
    expect(store.activeId()).toBeNull();
    store.remove('nope'); // unknown: nothing happens
    expect(store.rooms()).toHaveLength(1);
  });

  it('keeps the viewer’s unread count and role when a room-wide update lacks them', () => {
    const { store } = setup();
    store.setAll([{ ...room('r2', 'private', 4), role: 'moderator', mentions: 1 }]);
    const wide = { id: 'r2', name: 'renamed', kind: 'private', memberCount: 3, topic: 't' } as Room;
    store.upsert(wide);
    expect(store.find('r2')).toMatchObject({ name: 'renamed', topic: 't', unread: 4, mentions: 1, role: 'moderator' });
    store.upsert({ ...room('r2', 'private', 0), role: 'member' });
    expect(store.find('r2')).toMatchObject({ unread: 0, role: 'member' });
  });

  it('takes no other room for a guest', () => {
    const { store } = setup(true);
    store.upsert(room('lobby'));
    store.upsert(room('duck', 'bot'));
    expect(store.rooms().map((r) => r.id)).toEqual(['duck']);
  });
});

import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import type { Room, RoomMember } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { MembersStore } from './members.store';
import { RoomsStore } from './rooms.store';

const user = (id: string, name = id) => ({ id, username: id, displayName: name, guest: false });
const member = (id: string, role: RoomMember['role'] = 'member', name = id): RoomMember => ({
  user: user(id, name),
  role,
});
const room: Room = { id: 'r1', name: 'tea', kind: 'private', unread: 0, lastSeq: 0, memberCount: 3, role: 'member' };

function setup() {
  const api = {
    members: vi.fn(),
    addMember: vi.fn(),
    removeMember: vi.fn(async () => undefined),
    setMemberRole: vi.fn(),
  };
  TestBed.configureTestingModule({
    providers: [
      RoomsStore,
      MembersStore,
      { provide: ChatApiService, useValue: api },
      { provide: AuthService, useValue: { isGuest: signal(false), user: signal(user('me')) } },
    ],
  });
  const rooms = TestBed.inject(RoomsStore);
  rooms.setAll([room]);
  rooms.activeId.set('r1');
  return { store: TestBed.inject(MembersStore), api, rooms };
}

describe('MembersStore', () => {
  it('loads pages, owners first, and the next page on demand', async () => {
    const { store, api } = setup();
    api.members.mockResolvedValueOnce({ members: [member('zed'), member('amy', 'owner')], nextCursor: 'c2' });
    await store.load('r1');
    expect(api.members).toHaveBeenCalledWith('r1', { limit: 50 });
    expect(store.activeList().members.map((m) => m.user.id)).toEqual(['amy', 'zed']);
    api.members.mockResolvedValueOnce({ members: [member('bob', 'moderator'), member('zed')] });
    await store.load('r1', true);
    expect(api.members).toHaveBeenLastCalledWith('r1', { limit: 50, cursor: 'c2' });
    expect(store.activeList()).toMatchObject({ loaded: true, nextCursor: undefined });
    expect(store.activeList().members.map((m) => m.user.id)).toEqual(['amy', 'bob', 'zed']);
    await store.load('r1', true); // nothing more: no call
    expect(api.members).toHaveBeenCalledTimes(2);
  });

  it('follows room:member events live, and the viewer’s own role reaches the room', async () => {
    const { store, api, rooms } = setup();
    api.members.mockResolvedValueOnce({ members: [member('me'), member('amy', 'owner')] });
    await store.load('r1');
    store.apply({ roomId: 'r1', user: user('bob'), change: 'joined', role: 'member' });
    store.apply({ roomId: 'r1', user: user('bob'), change: 'joined', role: 'member' }); // once only
    expect(store.activeList().members.map((m) => m.user.id)).toEqual(['amy', 'bob', 'me']);
    store.apply({ roomId: 'r1', user: user('me'), change: 'role', role: 'moderator' });
    expect(rooms.find('r1')?.role).toBe('moderator');
    expect(store.activeList().members.map((m) => [m.user.id, m.role])).toEqual([
      ['amy', 'owner'],
      ['me', 'moderator'],
      ['bob', 'member'],
    ]);
    store.apply({ roomId: 'r1', user: user('bob'), change: 'removed', role: 'member' });
    expect(store.activeList().members.map((m) => m.user.id)).toEqual(['amy', 'me']);
    store.apply({ roomId: 'r9', user: user('x'), change: 'joined', role: 'member' }); // not loaded: ignored
    expect(store.lists()['r9']).toBeUndefined();
  });

  it('invites, changes a role and removes through the API, updating the list at once', async () => {
    const { store, api } = setup();
    api.members.mockResolvedValueOnce({ members: [member('amy', 'owner')] });
    await store.load('r1');
    api.addMember.mockResolvedValueOnce(member('bob'));
    await store.invite('r1', 'bob');
    expect(api.addMember).toHaveBeenCalledWith('r1', 'bob');
    api.setMemberRole.mockResolvedValueOnce(member('bob', 'moderator'));
    await store.setRole('r1', 'bob', 'moderator');
    expect(store.activeList().members.find((m) => m.user.id === 'bob')?.role).toBe('moderator');
    await store.remove('r1', 'bob');
    expect(api.removeMember).toHaveBeenCalledWith('r1', 'bob');
    expect(store.activeList().members.map((m) => m.user.id)).toEqual(['amy']);
    store.forget('r1');
    expect(store.activeList().loaded).toBe(false);
  });

  it('hands a failed load to the caller and stays usable', async () => {
    const { store, api } = setup();
    api.members.mockRejectedValueOnce(new Error('down'));
    await expect(store.load('r1')).rejects.toThrow('down');
    expect(store.activeList().loading).toBe(false);
  });
});

import { BusError } from '@hihi/common';
import { DUCK, PublicUser } from '@hihi/contracts';
import { canAccess, dmRoomId, duckRoomId, RoomsService } from './rooms.service';
import { NewRoom, RoomAccess, RoomViewRow } from '../persistence/rooms.repository';
import { NewMessage } from '../persistence/messages.repository';
import { EchoDuckBot } from '../bots/echo-duck.bot';

const alice: PublicUser = { id: 'a', username: 'alice', displayName: 'Alice', guest: false, role: 'member' };
const bob: PublicUser = { id: 'b', username: 'bob', displayName: 'Bob', guest: false, role: 'member' };
const guest: PublicUser = { id: 'g', username: 'guest1', displayName: 'Guest', guest: true, role: 'guest' };

/** RoomsService with an in-memory repository (the real one is covered in test/medium). */
function setup() {
  const rooms = new Map<string, NewRoom & { first?: NewMessage }>();
  const view = (id: string, userId: string): RoomViewRow | undefined => {
    const r = rooms.get(id);
    if (!r) return undefined;
    const peer = r.kind === 'dm' ? r.members.find((m) => m !== userId) : undefined;
    return {
      id,
      kind: r.kind,
      name: r.name,
      last_seq: r.first ? 1 : 0,
      read_seq: 0,
      mentions: 0,
      peer_name: peer === 'b' ? 'Bob' : peer === 'a' ? 'Alice' : null,
      member: r.members.includes(userId),
    };
  };
  const roomsRepo = {
    create: jest.fn(async (r: NewRoom, first?: NewMessage) => {
      if (rooms.has(r.id)) return false;
      if ([...rooms.values()].some((x) => x.nameKey === r.nameKey))
        throw Object.assign(new Error('dup'), { code: '23505', constraint: 'rooms_name_key' });
      rooms.set(r.id, { ...r, first });
      return true;
    }),
    access: jest.fn(async (id: string): Promise<RoomAccess | undefined> => {
      const r = rooms.get(id);
      return r && { id, kind: r.kind, members: r.members };
    }),
    view: jest.fn(async (id: string, userId: string) => view(id, userId)),
    visible: jest.fn(async (userId: string, includePublic: boolean) =>
      [...rooms.keys()]
        .filter((id) => (includePublic && rooms.get(id)!.kind === 'public') || rooms.get(id)!.members.includes(userId))
        .map((id) => view(id, userId)!),
    ),
  };
  const users = {
    upsert: jest.fn(),
    findByUsername: jest.fn(async (u: string) =>
      u.toLowerCase() === 'bob' ? { id: 'b', username: 'bob', display_name: 'Bob' } : undefined,
    ),
  };
  const events = { publish: jest.fn() };
  const service = new RoomsService(roomsRepo as never, users as never, events as never, {} as never, new EchoDuckBot());
  return { service, rooms, roomsRepo, users, events };
}

describe('RoomsService', () => {
  it('derives one DM id per pair, whoever opens it', () => {
    expect(dmRoomId('a', 'b')).toBe(dmRoomId('b', 'a'));
    expect(dmRoomId('a', 'b')).not.toBe(dmRoomId('a', 'c'));
    expect(dmRoomId('a', 'b')).toMatch(/^dm-[0-9a-f]{32}$/);
    expect(duckRoomId('a')).toMatch(/^duck-[0-9a-f]{32}$/);
  });

  it('lets users into public rooms and their own DMs; guests only into their duck room', () => {
    expect(canAccess(alice, { kind: 'public', members: [] })).toBe(true);
    expect(canAccess(alice, { kind: 'dm', members: ['a', 'b'] })).toBe(true);
    expect(canAccess(alice, { kind: 'dm', members: ['b', 'c'] })).toBe(false);
    expect(canAccess(guest, { kind: 'public', members: [] })).toBe(false);
    expect(canAccess(guest, { kind: 'bot', members: ['g'] })).toBe(true);
    expect(canAccess(guest, { kind: 'bot', members: ['a'] })).toBe(false);
  });

  it('provisions the duck room once, with the greeting as its first message, and records users (not guests)', async () => {
    const { service, rooms, users } = setup();
    await service.provision(guest);
    await service.provision(guest);
    const duck = rooms.get(duckRoomId('g'))!;
    expect(duck).toMatchObject({ kind: 'bot', members: ['g'] });
    expect(duck.first).toMatchObject({
      senderBot: true,
      text: DUCK.greetingGuest,
      clientMsgId: `greeting:${duckRoomId('g')}`,
    });
    expect(users.upsert).not.toHaveBeenCalled();
    await service.provision(alice);
    expect(rooms.get(duckRoomId('a'))!.first?.text).toBe(DUCK.greetingUser);
    expect(users.upsert).toHaveBeenCalledWith(alice);
    expect((await service.list(guest)).map((r) => r.kind)).toEqual(['bot']);
  });

  it('refuses guests creating rooms or DMs, and maps duplicate names to conflict', async () => {
    const { service } = setup();
    await expect(service.create(guest, 'x')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(service.openDm(guest, 'bob')).rejects.toMatchObject({ code: 'forbidden' });
    await service.create(alice, 'Fun');
    await expect(service.create(bob, 'FUN')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('opens a DM: created the first time, the same room after, named after the peer; 404 for unknown users', async () => {
    const { service } = setup();
    const first = await service.openDm(alice, 'BOB');
    expect(first).toMatchObject({ created: true, room: { id: dmRoomId('a', 'b'), kind: 'dm', name: 'Bob' } });
    const again = await service.openDm(alice, 'bob');
    expect(again.created).toBe(false);
    await expect(service.openDm(alice, 'nobody')).rejects.toBeInstanceOf(BusError);
    await expect(service.openDm(alice, 'nobody')).rejects.toMatchObject({ code: 'not_found' });
  });

  it("answers not_found for unknown rooms and forbidden for others' rooms, and never creates one there", async () => {
    const { service, roomsRepo } = setup();
    await expect(service.accessible(alice, 'nope')).rejects.toMatchObject({ code: 'not_found' });
    await service.provision(bob);
    await expect(service.accessible(alice, duckRoomId('b'))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(service.accessible(alice, duckRoomId('a'))).rejects.toMatchObject({ code: 'not_found' });
    expect(roomsRepo.create).toHaveBeenCalledTimes(1);
  });

  it('remembers access facts of a room (they never change) instead of reading them per request', async () => {
    const { service, roomsRepo } = setup();
    await service.provision(alice);
    for (let i = 0; i < 5; i++) await service.accessible(alice, duckRoomId('a'));
    expect(roomsRepo.access).toHaveBeenCalledTimes(1);
  });
});

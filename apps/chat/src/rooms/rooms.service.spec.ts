import { BusError } from '@hihi/common';
import { DUCK, PublicUser } from '@hihi/contracts';
import { canAccess, dmRoomId, duckRoomId, RoomsService } from './rooms.service';
import { RoomDoc } from '../persistence/schemas';
import { EchoDuckBot } from '../bots/echo-duck.bot';

const alice: PublicUser = { id: 'a', username: 'alice', displayName: 'Alice', guest: false };
const bob: PublicUser = { id: 'b', username: 'bob', displayName: 'Bob', guest: false };
const guest: PublicUser = { id: 'g', username: 'guest1', displayName: 'Guest', guest: true };

function setup() {
  const rooms = new Map<string, RoomDoc>();
  const roomsRepo = {
    findById: jest.fn(async (id: string) => rooms.get(id) ?? null),
    findVisible: jest.fn(async (userId: string) =>
      [...rooms.values()].filter((r) => r.kind === 'public' || r.members.includes(userId)),
    ),
    insertIfAbsent: jest.fn(async (r: Omit<RoomDoc, 'createdAt'>) => {
      if (rooms.has(r._id)) return false;
      if ([...rooms.values()].some((x) => x.nameKey === r.nameKey))
        throw Object.assign(new Error('dup'), { code: 11000 });
      rooms.set(r._id, { ...r, createdAt: new Date() });
      return true;
    }),
    markGreeted: jest.fn(async (id: string) => void (rooms.get(id)!.greeted = true)),
  };
  const reads = { position: jest.fn(async () => 0), positions: jest.fn(async () => new Map()), advance: jest.fn() };
  const users = {
    upsert: jest.fn(),
    findByUsername: jest.fn(async (u: string) =>
      u.toLowerCase() === 'bob' ? { _id: 'b', username: 'bob', displayName: 'Bob' } : null,
    ),
  };
  const store = { deliver: jest.fn(async () => ({})), lastSeq: jest.fn(async () => 0) };
  const events = { publish: jest.fn() };
  const service = new RoomsService(
    roomsRepo as never,
    reads as never,
    users as never,
    store as never,
    events as never,
    new EchoDuckBot(),
  );
  return { service, rooms, roomsRepo, users, store, events };
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

  it('creates the duck room once with the greeting as its first message', async () => {
    const { service, store } = setup();
    await service.ensureDuckRoom(guest);
    await service.ensureDuckRoom(guest);
    expect(store.deliver).toHaveBeenCalledTimes(1);
    expect(store.deliver).toHaveBeenCalledWith(
      duckRoomId('g'),
      expect.objectContaining({ id: 'bot:duck', bot: true }),
      DUCK.greetingGuest,
      `greeting:${duckRoomId('g')}`,
    );
    const rooms = await service.list(guest);
    expect(rooms.map((r) => r.kind)).toEqual(['bot']);
  });

  it('refuses guests creating rooms or DMs, and maps duplicate names to conflict', async () => {
    const { service } = setup();
    await expect(service.create(guest, 'x')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(service.openDm(guest, 'bob')).rejects.toMatchObject({ code: 'forbidden' });
    await service.create(alice, 'Fun');
    await expect(service.create(bob, 'FUN')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('opens a DM: created the first time, the same room after; 404 for unknown users', async () => {
    const { service } = setup();
    const first = await service.openDm(alice, 'BOB');
    expect(first).toMatchObject({ created: true, room: { id: dmRoomId('a', 'b'), kind: 'dm', name: 'Bob' } });
    const again = await service.openDm(alice, 'bob');
    expect(again.created).toBe(false);
    await expect(service.openDm(alice, 'nobody')).rejects.toBeInstanceOf(BusError);
    await expect(service.openDm(alice, 'nobody')).rejects.toMatchObject({ code: 'not_found' });
  });

  it("answers not_found for unknown rooms and forbidden for others' rooms", async () => {
    const { service } = setup();
    await expect(service.accessible(alice, 'nope')).rejects.toMatchObject({ code: 'not_found' });
    await service.ensureDuckRoom(bob);
    await expect(service.accessible(alice, duckRoomId('b'))).rejects.toMatchObject({ code: 'forbidden' });
    // one's own duck room is made on first use
    expect((await service.accessible(alice, duckRoomId('a')))._id).toBe(duckRoomId('a'));
  });

  it('writes the users projection once per user and change', async () => {
    const { service, users } = setup();
    await service.touch(alice);
    await service.touch(alice);
    await service.touch({ ...alice, displayName: 'Alice 2' });
    await service.touch(guest);
    expect(users.upsert).toHaveBeenCalledTimes(2);
  });
});

import { Kysely, sql } from 'kysely';
import { PublicUser, RoomRole, ServerRole } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { migrateToLatest, Db } from '../../apps/chat/src/database/database';
import { RoomsRepository } from '../../apps/chat/src/persistence/rooms.repository';
import { UsersRepository } from '../../apps/chat/src/persistence/users.repository';
import { AccessService } from '../../apps/chat/src/access/access.service';
import { LocalAccessInvalidation } from '../../apps/chat/src/access/access-invalidation';
import { PairedInvalidation } from './paired-invalidation';
import { Actor, actorOf, botActor, integrationActor } from '../../apps/chat/src/access/actor';
import { RoomAction } from '../../apps/chat/src/access/policy';
import { DomainEvents } from '../../apps/chat/src/events/domain-events';
import { RoomsService, groupRoomId } from '../../apps/chat/src/rooms/rooms.service';
import { MembersService } from '../../apps/chat/src/rooms/members.service';
import { ReadMarks } from '../../apps/chat/src/rooms/read-marks';
import { RoomEventsPublisher } from '../../apps/chat/src/events/room-events.publisher';
import { RoomEventsFanout } from '../../apps/chat/src/events/room-events.fanout';
import { EchoDuckBot } from '../../apps/chat/src/bots/echo-duck.bot';
import { TestDatabase } from './pg';

/*
 * The access policy (apps/chat/src/access) on a real PostgreSQL: a table of
 * actor × room kind × role × action → allowed, 403 (forbidden), 404 (not_found), and the
 * membership rules that need the database (a room always keeps an owner, group identity).
 */

const quiet = () => undefined;
const person = (id: string, role?: ServerRole, guest = false): PublicUser => ({
  id,
  username: id,
  displayName: `${id} name`,
  guest,
  ...(role ? { role } : {}),
});

type Outcome = 'ok' | 'forbidden' | 'not_found' | 'conflict';

describe('the access policy on PostgreSQL (medium)', () => {
  const pg = new TestDatabase();
  let db: Db;
  let rooms: RoomsRepository;
  let access: AccessService;
  let roomsService: RoomsService;
  let members: MembersService;
  const published: unknown[] = [];

  const A: Record<string, Actor> = {
    owner: actorOf(person('owner')),
    mod: actorOf(person('mod')),
    member: actorOf(person('member')),
    outsider: actorOf(person('outsider')),
    admin: actorOf(person('admin', 'admin')),
    servermod: actorOf(person('servermod', 'moderator')),
    guest: actorOf(person('guest-1', undefined, true)),
    bot: botActor(),
    hook: integrationActor('00000000-0000-4000-8000-000000000001', 'priv', 'CI'),
    archHook: integrationActor('00000000-0000-4000-8000-000000000002', 'arch', 'CI'),
  };

  beforeAll(async () => {
    await pg.start();
    db = pg.db();
    await migrateToLatest(db as Kysely<unknown>, quiet);
    rooms = new RoomsRepository(db);
    const users = new UsersRepository(db);
    for (const a of Object.values(A)) if (a.kind === 'user') await users.upsert(a.user);
    access = new AccessService(rooms, new LocalAccessInvalidation());
    const events = {
      publish: (e: unknown) => {
        published.push(e);
        return Promise.resolve();
      },
    } as unknown as RoomEventsPublisher;
    const domain = new DomainEvents();
    new RoomEventsFanout(domain, events, rooms).onModuleInit();
    roomsService = new RoomsService(rooms, users, events, new ReadMarks(rooms), access, domain, new EchoDuckBot());
    members = new MembersService(rooms, users, access, domain, roomsService);
    const staff = (extra: Array<{ userId: string; role: RoomRole }> = []) => [
      { userId: 'owner', role: 'owner' as const },
      { userId: 'mod', role: 'moderator' as const },
      { userId: 'member', role: 'member' as const },
      ...extra,
    ];
    await rooms.create({ id: 'pub', kind: 'public', name: 'pub', nameKey: 'public:pub', members: staff() });
    await rooms.create({ id: 'priv', kind: 'private', name: 'priv', nameKey: 'private:priv', members: staff() });
    await rooms.create({ id: 'arch', kind: 'public', name: 'arch', nameKey: 'public:arch', members: staff() });
    await rooms.updateSettings('arch', { archived: true });
    await rooms.create({ id: 'dm', kind: 'dm', name: 'dm', nameKey: 'dm:dm', members: ['owner', 'member'] });
    await rooms.create({
      id: 'grp',
      kind: 'group',
      name: 'grp',
      nameKey: 'group:grp',
      members: ['owner', 'mod', 'member'],
    });
    await rooms.create({ id: 'duck', kind: 'bot', name: 'duck', nameKey: 'bot:duck', members: ['guest-1'] });
    await rooms.create({ id: 'lobby', kind: 'public', name: 'lobby', nameKey: 'public:lobby', members: ['member'] });
  }, 120_000);
  afterAll(() => pg.stop());

  const outcome = async (
    actor: Actor,
    roomId: string,
    action: RoomAction,
    opts: { targetId?: string; newRole?: RoomRole } = {},
  ): Promise<Outcome> => {
    try {
      await access.require(actor, roomId, action, opts);
      return 'ok';
    } catch (err) {
      if (err instanceof BusError) return err.code as Outcome;
      throw err;
    }
  };

  // [actor, room, action, expected] — the table of docs/security.md "Who may do what"
  const TABLE: Array<[keyof typeof A, string, RoomAction, Outcome]> = [
    // public rooms: no secret to signed-in people, but read and write as a member
    ['member', 'pub', 'view', 'ok'],
    ['member', 'pub', 'post', 'ok'],
    ['outsider', 'pub', 'view', 'forbidden'],
    ['outsider', 'pub', 'post', 'forbidden'],
    ['outsider', 'pub', 'join', 'ok'],
    ['outsider', 'pub', 'invite', 'forbidden'],
    ['member', 'pub', 'invite', 'ok'],
    ['member', 'pub', 'update', 'forbidden'],
    ['mod', 'pub', 'update', 'ok'],
    ['mod', 'pub', 'archive', 'forbidden'],
    ['owner', 'pub', 'archive', 'ok'],
    ['guest', 'pub', 'view', 'forbidden'],
    ['guest', 'pub', 'join', 'forbidden'],
    ['admin', 'pub', 'view', 'ok'],
    ['admin', 'pub', 'archive', 'ok'],
    ['servermod', 'pub', 'update', 'ok'],
    ['servermod', 'pub', 'archive', 'forbidden'],
    // private rooms: 404 to outsiders for everything
    ['outsider', 'priv', 'view', 'not_found'],
    ['outsider', 'priv', 'post', 'not_found'],
    ['outsider', 'priv', 'join', 'not_found'],
    ['outsider', 'priv', 'leave', 'not_found'],
    ['outsider', 'priv', 'invite', 'not_found'],
    ['outsider', 'priv', 'update', 'not_found'],
    ['guest', 'priv', 'view', 'not_found'],
    ['member', 'priv', 'view', 'ok'],
    ['member', 'priv', 'post', 'ok'],
    ['member', 'priv', 'invite', 'forbidden'],
    ['mod', 'priv', 'invite', 'ok'],
    ['owner', 'priv', 'invite', 'ok'],
    ['admin', 'priv', 'view', 'ok'],
    ['admin', 'priv', 'join', 'ok'],
    ['servermod', 'priv', 'view', 'ok'],
    // DMs and groups: only their people, server admins included
    ['member', 'dm', 'view', 'ok'],
    ['outsider', 'dm', 'view', 'not_found'],
    ['admin', 'dm', 'view', 'not_found'],
    ['admin', 'dm', 'post', 'not_found'],
    ['servermod', 'grp', 'view', 'not_found'],
    ['admin', 'grp', 'view', 'not_found'],
    ['member', 'dm', 'leave', 'forbidden'],
    ['member', 'dm', 'invite', 'forbidden'],
    ['member', 'grp', 'leave', 'ok'],
    ['member', 'grp', 'update', 'ok'],
    ['member', 'grp', 'invite', 'forbidden'],
    ['member', 'dm', 'update', 'forbidden'],
    // duck rooms: their one person (a guest too)
    ['guest', 'duck', 'view', 'ok'],
    ['guest', 'duck', 'post', 'ok'],
    ['admin', 'duck', 'view', 'not_found'],
    ['guest', 'duck', 'leave', 'forbidden'],
    // archived: read-only for everyone, still readable
    ['member', 'arch', 'view', 'ok'],
    ['member', 'arch', 'post', 'forbidden'],
    ['member', 'arch', 'react', 'forbidden'],
    ['member', 'arch', 'editOwn', 'forbidden'],
    ['owner', 'arch', 'post', 'forbidden'],
    ['admin', 'arch', 'post', 'forbidden'],
    ['bot', 'arch', 'post', 'forbidden'],
    ['owner', 'arch', 'archive', 'ok'],
    // the lobby keeps everyone
    ['member', 'lobby', 'leave', 'forbidden'],
    ['member', 'lobby', 'invite', 'forbidden'],
    ['outsider', 'lobby', 'join', 'ok'],
    // bots write where they are triggered, manage nothing
    ['bot', 'pub', 'post', 'ok'],
    ['bot', 'pub', 'invite', 'forbidden'],
    ['bot', 'pub', 'update', 'forbidden'],
    // an integration (a webhook) sees and posts in its own room only, and does nothing else (SPEC §9)
    ['hook', 'priv', 'view', 'ok'],
    ['hook', 'priv', 'post', 'ok'],
    ['hook', 'priv', 'react', 'forbidden'],
    ['hook', 'priv', 'invite', 'forbidden'],
    ['hook', 'priv', 'update', 'forbidden'],
    ['hook', 'pub', 'view', 'not_found'],
    ['hook', 'pub', 'post', 'not_found'],
    ['hook', 'dm', 'post', 'not_found'],
    ['archHook', 'arch', 'post', 'forbidden'],
    // unknown rooms
    ['member', 'nope', 'view', 'not_found'],
    ['admin', 'nope', 'join', 'not_found'],
  ];

  it.each(TABLE)('%s × %s × %s → %s', async (actor, roomId, action, expected) => {
    expect(await outcome(A[actor], roomId, action)).toBe(expected);
  });

  // [actor, room, target, action, newRole?, expected]: nobody above them, nobody grants above their own
  const MANAGE: Array<[keyof typeof A, string, string, 'remove' | 'setRole', RoomRole | undefined, Outcome]> = [
    ['owner', 'priv', 'mod', 'remove', undefined, 'ok'],
    ['mod', 'priv', 'member', 'remove', undefined, 'ok'],
    ['mod', 'priv', 'owner', 'remove', undefined, 'forbidden'],
    ['mod', 'priv', 'mod', 'remove', undefined, 'forbidden'],
    ['member', 'priv', 'member', 'remove', undefined, 'forbidden'],
    ['member', 'pub', 'mod', 'remove', undefined, 'forbidden'],
    ['outsider', 'priv', 'member', 'remove', undefined, 'not_found'],
    ['owner', 'priv', 'outsider', 'remove', undefined, 'not_found'],
    ['admin', 'priv', 'owner', 'remove', undefined, 'ok'],
    ['servermod', 'pub', 'member', 'remove', undefined, 'ok'],
    ['servermod', 'pub', 'owner', 'remove', undefined, 'forbidden'],
    ['owner', 'priv', 'member', 'setRole', 'moderator', 'ok'],
    ['owner', 'priv', 'member', 'setRole', 'owner', 'ok'],
    ['mod', 'priv', 'member', 'setRole', 'moderator', 'ok'],
    ['mod', 'priv', 'member', 'setRole', 'owner', 'forbidden'],
    ['mod', 'priv', 'owner', 'setRole', 'member', 'forbidden'],
    ['member', 'priv', 'member', 'setRole', 'moderator', 'forbidden'],
    ['admin', 'priv', 'member', 'setRole', 'owner', 'ok'],
    ['owner', 'grp', 'member', 'setRole', 'moderator', 'forbidden'],
    ['owner', 'dm', 'member', 'remove', undefined, 'forbidden'],
  ];

  it.each(MANAGE)('%s × %s × %s: %s %s → %s', async (actor, roomId, target, action, newRole, expected) => {
    expect(await outcome(A[actor], roomId, action, { targetId: target, newRole })).toBe(expected);
  });

  it('a room always keeps an owner: the last owner can neither leave nor be demoted; with two, one may go', async () => {
    const room = await roomsService.create(A.owner, 'keepers', 'private');
    expect(room).toMatchObject({ kind: 'private', role: 'owner', memberCount: 1 });
    await expect(members.leave(A.owner, room.id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(members.setRole(A.owner, room.id, 'owner', 'member')).rejects.toMatchObject({ code: 'conflict' });
    await members.add(A.owner, room.id, 'mod');
    await members.setRole(A.owner, room.id, 'mod', 'owner');
    await members.leave(A.owner, room.id);
    expect(await rooms.memberRole(room.id, 'owner')).toBeNull();
    expect(await roomsService.viewOf('mod', room.id)).toMatchObject({ role: 'owner', memberCount: 1 });
  });

  it('two owners leaving (or stepping down) at the same moment: exactly one goes, the room keeps an owner', async () => {
    for (let round = 0; round < 5; round++) {
      const room = await roomsService.create(A.owner, `race-${round}`, 'private');
      await members.add(A.owner, room.id, 'mod');
      await members.setRole(A.owner, room.id, 'mod', 'owner');
      const outcomes = await Promise.allSettled(
        round % 2 === 0
          ? [members.leave(A.owner, room.id), members.leave(A.mod, room.id)]
          : [members.setRole(A.owner, room.id, 'owner', 'member'), members.setRole(A.mod, room.id, 'mod', 'member')],
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: 'conflict' });
      const owners = await Promise.all(['owner', 'mod'].map((id) => rooms.memberRole(room.id, id)));
      expect(owners.filter((r) => r === 'owner')).toHaveLength(1);
    }
  });

  it('membership changes take effect on the next request (the cache is dropped), member counts follow', async () => {
    const room = await roomsService.create(A.owner, 'secret-club', 'private');
    expect(await outcome(A.member, room.id, 'view')).toBe('not_found'); // cached as not a member
    await members.add(A.owner, room.id, 'member');
    expect(await outcome(A.member, room.id, 'view')).toBe('ok');
    expect((await roomsService.viewOf('owner', room.id)).memberCount).toBe(2);
    await members.remove(A.owner, room.id, 'member');
    expect(await outcome(A.member, room.id, 'view')).toBe('not_found');
    expect((await roomsService.viewOf('owner', room.id)).memberCount).toBe(1);
    const removed = published.filter(
      (e) =>
        (e as { type: string; roomId: string }).type === 'room:removed' && (e as { roomId: string }).roomId === room.id,
    );
    expect(removed).toEqual([{ type: 'room:removed', roomId: room.id, userId: 'member', reason: 'removed' }]);
  });

  it('another chat process drops its cached membership when told; without notices it reads the database', async () => {
    const mine = new PairedInvalidation();
    const theirs = new PairedInvalidation();
    mine.peer = theirs;
    const here = new AccessService(rooms, mine);
    const there = new AccessService(rooms, theirs);
    await rooms.create({ id: 'two', kind: 'private', name: 'two', nameKey: 'private:two', members: ['owner'] });
    await expect(there.require(A.member, 'two', 'view')).rejects.toMatchObject({ code: 'not_found' });
    await rooms.addMember('two', 'member');
    await here.changed('two'); // what MembersService does after the commit
    await expect(there.require(A.member, 'two', 'view')).resolves.toMatchObject({ membership: 'member' });
    // a lost subscription: no cache at all until it is back
    theirs.up = false;
    await rooms.removeMember('two', 'member');
    await expect(there.require(A.member, 'two', 'view')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('the same people → the same group, whoever opens it and in any order; 3–9 people', async () => {
    const first = await roomsService.openDm(A.owner, ['mod', 'member']);
    const again = await roomsService.openDm(A.member, ['MOD', 'owner']);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, room: { id: first.room.id, kind: 'group', memberCount: 3 } });
    expect(first.room.id).toBe(groupRoomId(['member', 'mod', 'owner']));
    await expect(roomsService.openDm(A.owner, ['mod', 'owner'])).rejects.toMatchObject({ code: 'validation' });
    await expect(roomsService.openDm(A.owner, ['mod', 'nobody'])).rejects.toMatchObject({ code: 'not_found' });
    await expect(roomsService.openDm(A.guest, ['mod', 'member'])).rejects.toMatchObject({ code: 'forbidden' });
    expect(await outcome(A.outsider, first.room.id, 'view')).toBe('not_found');
  });

  it('the directory lists public rooms by name with member counts and whether one joined, paged; never private ones', async () => {
    for (const n of ['alpha-talk', 'beta-talk', 'gamma-talk']) await roomsService.create(A.owner, n);
    await roomsService.create(A.owner, 'delta-talk', 'private');
    const page1 = await roomsService.directory(A.member, { q: 'TALK', limit: 2 });
    expect(page1.rooms.map((r) => r.name)).toEqual(['alpha-talk', 'beta-talk']);
    expect(page1.rooms[0]).toMatchObject({ kind: 'public', memberCount: 1, joined: false });
    const page2 = await roomsService.directory(A.member, { q: 'talk', limit: 2, cursor: page1.nextCursor });
    expect(page2.rooms.map((r) => r.name)).toEqual(['gamma-talk']);
    expect(page2.nextCursor).toBeUndefined();
    const joined = await members.join(A.member, page1.rooms[0].id);
    expect(joined).toMatchObject({ role: 'member', memberCount: 2 });
    expect((await roomsService.directory(A.member, { q: 'alpha' })).rooms[0].joined).toBe(true);
    await expect(roomsService.directory(A.guest, {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(roomsService.directory(A.member, { cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'validation' });
  });

  it('the members list: owners first, paged; 404 to outsiders of a private room', async () => {
    const page = await members.list(A.member, 'priv', { limit: 2 });
    expect(page.members.map((m) => [m.user.id, m.role])).toEqual([
      ['owner', 'owner'],
      ['mod', 'moderator'],
    ]);
    const rest = await members.list(A.member, 'priv', { limit: 2, cursor: page.nextCursor });
    expect(rest.members.map((m) => m.user.id)).toEqual(['member']);
    await expect(members.list(A.outsider, 'priv', {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('archive and settings: moderators rename, owners archive, the room answers its new settings', async () => {
    const room = await roomsService.create(A.owner, 'settings-room', 'public', 'first topic');
    expect(room.topic).toBe('first topic');
    await members.join(A.mod, room.id);
    await members.setRole(A.owner, room.id, 'mod', 'moderator');
    const renamed = await roomsService.update(A.mod, room.id, { name: 'renamed-room', topic: '' });
    expect(renamed).toMatchObject({ name: 'renamed-room', role: 'moderator' });
    expect(renamed.topic).toBeUndefined();
    await expect(roomsService.update(A.mod, room.id, { archived: true })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await roomsService.update(A.owner, room.id, { archived: true })).toMatchObject({ archived: true });
    expect(await outcome(A.mod, room.id, 'post')).toBe('forbidden');
    expect(await outcome(A.mod, room.id, 'view')).toBe('ok');
    await expect(roomsService.update(A.owner, room.id, { name: 'pub' })).rejects.toMatchObject({ code: 'conflict' });
  });

  describe('the directory at scale (30,000 public rooms): its indexes serve it (EXPLAIN)', () => {
    beforeAll(async () => {
      await sql`insert into rooms (id, kind, name, name_key, member_count)
        select 'many-' || g, 'public', (array['design','music','摄影','读书'])[1 + g % 4] || ' ' || md5(g::text),
               'public:many-' || g, 1
        from generate_series(1, 30000) g`.execute(db);
      // statistics, and the GIN pending lists merged (as autovacuum would)
      await sql`vacuum analyze rooms`.execute(db);
    }, 60_000);

    const plan = async (q: ReturnType<typeof sql>) =>
      (await sql<{ 'QUERY PLAN': string }>`explain ${q}`.execute(db)).rows.map((r) => r['QUERY PLAN']).join('\n');

    it('a page without a query walks rooms_directory_name', async () => {
      expect(
        await plan(sql`select r.id from rooms r where r.kind = 'public' order by lower(r.name), r.id limit 21`),
      ).toMatch(/rooms_directory_name/);
    });

    it('a substring of 3+ characters takes rooms_directory_trgm', async () => {
      expect(
        await plan(
          sql`select r.id from rooms r where r.kind = 'public' and lower(r.name) like '%c4ca42%' order by lower(r.name), r.id limit 21`,
        ),
      ).toMatch(/rooms_directory_trgm/);
    });

    it('a two-character Chinese word takes rooms_directory_bigrams', async () => {
      expect(
        await plan(
          sql`select r.id from rooms r where r.kind = 'public' and hihi_cjk_bigrams(r.name) @> array['摄影']
              and lower(r.name) like '%摄影%' order by lower(r.name), r.id limit 21`,
        ),
      ).toMatch(/rooms_directory_bigrams/);
      const page = await roomsService.directory(A.member, { q: '摄影', limit: 5 });
      expect(page.rooms).toHaveLength(5);
      expect(page.rooms.every((r) => r.name.startsWith('摄影'))).toBe(true);
    });
  });
});

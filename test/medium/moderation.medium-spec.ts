import { Kysely, sql } from 'kysely';
import { ChatConfig } from '@hihi/config';
import { PublicUser, ServerRole } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { migrateToLatest, Db } from '../../apps/chat/src/database/database';
import { RoomsRepository } from '../../apps/chat/src/persistence/rooms.repository';
import { UsersRepository } from '../../apps/chat/src/persistence/users.repository';
import { MessagesRepository } from '../../apps/chat/src/persistence/messages.repository';
import { ModerationRepository } from '../../apps/chat/src/persistence/moderation.repository';
import { AccessService } from '../../apps/chat/src/access/access.service';
import { PairedInvalidation } from './paired-invalidation';
import { Actor, actorOf } from '../../apps/chat/src/access/actor';
import { DomainEvents } from '../../apps/chat/src/events/domain-events';
import { RoomEventsPublisher } from '../../apps/chat/src/events/room-events.publisher';
import { RoomEventsFanout } from '../../apps/chat/src/events/room-events.fanout';
import { RoomsService } from '../../apps/chat/src/rooms/rooms.service';
import { MembersService } from '../../apps/chat/src/rooms/members.service';
import { ReadMarks } from '../../apps/chat/src/rooms/read-marks';
import { MessageStore } from '../../apps/chat/src/messages/message-store';
import { MessagesService } from '../../apps/chat/src/messages/messages.service';
import { EchoDuckBot } from '../../apps/chat/src/bots/echo-duck.bot';
import { FixedServerRoles } from '../../apps/chat/src/moderation/server-roles';
import { MemoryAuditTrail } from '../../apps/chat/src/moderation/audit-trail';
import { MemoryModerationNotices } from '../../apps/chat/src/moderation/moderation-notices';
import { ModerationService } from '../../apps/chat/src/moderation/moderation.service';
import { ReportsService } from '../../apps/chat/src/moderation/reports.service';
import { TestDatabase } from './pg';

/*
 * Moderation on a real PostgreSQL (SPEC §8): mutes and bans through the access cache (and a
 * second chat process told), slow mode's turn under concurrency from two pools, reports'
 * scopes and one-time resolution, one audit entry per action, and the indexes of the hot queries.
 */

const quiet = () => undefined;
const person = (id: string, role?: ServerRole): PublicUser => ({
  id,
  username: id,
  displayName: `${id} name`,
  guest: false,
  ...(role ? { role } : {}),
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof BusError) return err.code;
    throw err;
  }
}

async function explain(db: Db, query: ReturnType<typeof sql>): Promise<string> {
  return db.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn);
    try {
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(conn);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await sql`set enable_seqscan = on`.execute(conn);
    }
  });
}

describe('moderation on PostgreSQL (medium)', () => {
  const pg = new TestDatabase();
  let db: Db;
  let rooms: RoomsRepository;
  let repo: ModerationRepository;
  let access: AccessService;
  let moderation: ModerationService;
  let reports: ReportsService;
  let messages: MessagesService;
  let mine: PairedInvalidation;
  let theirs: PairedInvalidation;
  let there: AccessService;
  const audit = new MemoryAuditTrail();
  const notices = new MemoryModerationNotices();

  const A: Record<string, Actor> = {
    owner: actorOf(person('owner')),
    mod: actorOf(person('mod')),
    member: actorOf(person('member')),
    eve: actorOf(person('eve')),
    staff: actorOf(person('staff', 'moderator')),
    admin: actorOf(person('admin', 'admin')),
  };

  beforeAll(async () => {
    await pg.start();
    db = pg.db();
    await migrateToLatest(db as Kysely<unknown>, quiet);
    rooms = new RoomsRepository(db);
    repo = new ModerationRepository(db);
    const users = new UsersRepository(db);
    for (const a of Object.values(A)) if (a.kind === 'user') await users.upsert(a.user);
    mine = new PairedInvalidation();
    theirs = new PairedInvalidation();
    mine.peer = theirs;
    access = new AccessService(rooms, mine);
    there = new AccessService(rooms, theirs);
    const events = { publish: () => Promise.resolve() } as unknown as RoomEventsPublisher;
    const domain = new DomainEvents();
    new RoomEventsFanout(domain, events, rooms).onModuleInit();
    const roomsService = new RoomsService(
      rooms,
      users,
      events,
      new ReadMarks(rooms),
      access,
      domain,
      new EchoDuckBot(),
    );
    const members = new MembersService(rooms, users, access, domain, roomsService, audit);
    const roles = new FixedServerRoles({ staff: 'moderator', admin: 'admin' });
    const msgRepo = new MessagesRepository(db);
    messages = new MessagesService(
      new MessageStore(msgRepo, events),
      msgRepo,
      roomsService,
      rooms,
      users,
      { EDIT_WINDOW_SEC: 0 } as ChatConfig,
      access,
      domain,
      undefined,
      undefined,
      repo,
      roles,
      audit,
    );
    moderation = new ModerationService(repo, rooms, users, access, members, domain, roles, audit);
    reports = new ReportsService(repo, access, messages, moderation, roles, audit, notices);
    const staff = [
      { userId: 'owner', role: 'owner' as const },
      { userId: 'mod', role: 'moderator' as const },
      { userId: 'member', role: 'member' as const },
      { userId: 'eve', role: 'member' as const },
    ];
    await rooms.create({ id: 'pub', kind: 'public', name: 'pub', nameKey: 'public:pub', members: staff });
    await rooms.create({
      id: 'other',
      kind: 'public',
      name: 'other',
      nameKey: 'public:other',
      members: staff.slice(2),
    });
  }, 120_000);
  afterAll(() => pg.stop());

  it('a mute refuses sends (with until) here and in the other chat process, ends by the clock, and is audited once', async () => {
    expect(await code(there.require(A.eve, 'pub', 'post'))).toBe('ok'); // cached as free to post
    const muted = await moderation.mute(A.mod, 'pub', 'eve', 1, 'calm down');
    expect(muted.userId).toBe('eve');
    const err = await there.require(A.eve, 'pub', 'post').catch((e: BusError) => e);
    expect(err).toMatchObject({ code: 'forbidden', extra: { until: muted.mutedUntil } });
    expect(await code(access.require(A.eve, 'pub', 'view'))).toBe('ok');
    expect(await code(access.require(A.eve, 'other', 'post'))).toBe('ok');
    await new Promise((r) => setTimeout(r, Date.parse(muted.mutedUntil!) - Date.now() + 20));
    expect(await code(there.require(A.eve, 'pub', 'post'))).toBe('ok'); // nothing touched the cache
    expect(audit.entries.filter((e) => e.action === 'room.mute')).toHaveLength(1);
    expect(audit.entries.find((e) => e.action === 'room.mute')).toMatchObject({
      actor: { id: 'mod', role: 'member' },
      target: { type: 'user', id: 'eve' },
      reason: 'calm down',
      details: { roomId: 'pub', durationSec: 1 },
    });
    // ranks: not the owner, not an admin; a server moderator mutes in a room they are not in
    expect(await code(moderation.mute(A.mod, 'pub', 'owner', undefined, undefined))).toBe('forbidden');
    expect(await code(moderation.mute(A.staff, 'pub', 'admin', undefined, undefined))).toBe('forbidden');
    expect(await code(moderation.mute(A.mod, 'other', 'eve', undefined, undefined))).toBe('forbidden');
    const open = await moderation.mute(A.staff, 'other', 'eve', undefined, undefined);
    expect(open.mutedUntil).toBeNull();
    expect(await code(access.require(A.eve, 'other', 'post'))).toBe('forbidden');
    const page = await new MembersService(
      rooms,
      new UsersRepository(db),
      access,
      new DomainEvents(),
      {} as RoomsService,
    ).list(A.member, 'other', {});
    expect(page.members.find((m) => m.user.id === 'eve')).toMatchObject({ mutedUntil: null });
    await moderation.unmute(A.staff, 'other', 'eve');
    expect(await code(there.require(A.eve, 'other', 'post'))).toBe('ok');
    expect(await code(moderation.unmute(A.staff, 'other', 'eve'))).toBe('not_found');
  });

  it('a ban removes and keeps out (join, invite) until lifted; the last owner is never banned', async () => {
    await rooms.addMember('pub', 'member');
    await moderation.ban(A.mod, 'pub', 'member', 'spam');
    expect(await rooms.memberRole('pub', 'member')).toBeNull();
    expect(await code(there.require(A.member, 'pub', 'join'))).toBe('forbidden');
    expect(await code(access.require(A.owner, 'pub', 'invite', { targetId: 'member' }))).toBe('forbidden');
    expect((await moderation.bans(A.owner, 'pub', {})).bans.map((b) => [b.userId, b.reason])).toEqual([
      ['member', 'spam'],
    ]);
    expect(await code(moderation.ban(A.admin, 'pub', 'owner', undefined))).toBe('conflict');
    await moderation.unban(A.owner, 'pub', 'member');
    expect(await code(there.require(A.member, 'pub', 'join'))).toBe('ok');
    await rooms.addMember('pub', 'member');
    await access.changed('pub');
  });

  it('slow mode: of 20 sends at once from two pools (two chat processes), exactly one takes the turn; the others learn the wait', async () => {
    const other = new ModerationRepository(pg.db());
    const turns = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? repo : other).slowModeTurn('pub', 'racer', 3)),
    );
    expect(turns.filter((t) => t === 0)).toHaveLength(1);
    for (const t of turns.filter((x) => x > 0)) {
      expect(t).toBeGreaterThan(2500);
      expect(t).toBeLessThanOrEqual(3000);
    }
    await repo.slowModeRelease('pub', 'racer');
    expect(await repo.slowModeTurn('pub', 'racer', 3)).toBe(0);
  });

  it('reports: once per person; scopes; resolved once; a moderator never sees reports about themselves', async () => {
    const { message } = await new MessageStore(new MessagesRepository(db), {
      publish: () => Promise.resolve(),
    } as unknown as RoomEventsPublisher).send('pub', {
      senderId: 'eve',
      senderUsername: 'eve',
      senderDisplayName: 'eve',
      senderBot: false,
      clientMsgId: 'bad-1',
      text: 'rude words',
    });
    const r = await reports.create(A.member, message.id, 'rude');
    expect(await code(reports.create(A.member, message.id, 'again'))).toBe('conflict');
    expect(await code(reports.create(A.eve, message.id, 'me'))).toBe('validation');
    expect(notices.notices.at(-1)).toMatchObject({ roomId: 'pub', staffOpenCount: 1 });
    expect(notices.notices.at(-1)!.roomStaff).toEqual(
      expect.arrayContaining([
        { userId: 'owner', openCount: 1 },
        { userId: 'mod', openCount: 1 },
      ]),
    );
    expect((await reports.list(A.mod, {})).reports.map((x) => x.id)).toEqual([r.id]);
    expect((await reports.list(A.staff, {})).openCount).toBe(1);
    expect((await reports.list(A.member, {})).reports).toEqual([]);
    expect(await code(reports.resolve(A.member, r.id, { action: 'dismiss' }))).toBe('forbidden');
    const before = audit.entries.length;
    const done = await reports.resolve(A.mod, r.id, { action: 'delete', note: 'gone' });
    expect(done).toMatchObject({ status: 'resolved', message: { deleted: true, deletedBy: 'moderator' } });
    expect(audit.entries.slice(before).map((e) => e.action)).toEqual(['report.resolve']);
    expect(await code(reports.resolve(A.owner, r.id, { action: 'dismiss' }))).toBe('conflict');
    expect((await reports.list(A.mod, { status: 'resolved' })).reports.map((x) => x.id)).toEqual([r.id]);
  });

  describe('the hot queries use their indexes (EXPLAIN)', () => {
    beforeAll(async () => {
      // enough reports that a sequential scan would be the planner's choice without the indexes
      await sql`
        insert into rooms (id, kind, name, name_key)
        select 'many-' || i, 'public', 'many ' || i, 'public:many ' || i from generate_series(1, 100) as i`.execute(db);
      await sql`
        insert into reports (room_id, message_id, message_sender_id, reported_text, reporter_id, reason, status)
        select 'many-' || (i % 100 + 1), gen_random_uuid(), 'eve', 'x', 'r' || i, 'why',
          case when i % 10 = 0 then 'open' else 'resolved' end
        from generate_series(1, 5000) as i`.execute(db);
      await sql`analyze`.execute(db);
    });

    it('member facts (the access cache fills): room_members, room_mutes, room_bans by primary key', async () => {
      const plan = await explain(
        db,
        sql`select u.user_id, m.role, mu.muted_until, b.user_id from unnest(${['a', 'b']}::text[]) as u(user_id)
          left join room_members m on m.room_id = 'pub' and m.user_id = u.user_id
          left join room_mutes mu on mu.room_id = 'pub' and mu.user_id = u.user_id
          left join room_bans b on b.room_id = 'pub' and b.user_id = u.user_id`,
      );
      expect(plan).toMatch(/room_members_pkey/);
      expect(plan).toMatch(/room_mutes_pkey/);
      expect(plan).toMatch(/room_bans_pkey/);
    });

    it('slow mode turn: room_slow_mode_pkey', async () => {
      const plan = await explain(db, sql`select posted_at from room_slow_mode where room_id = 'pub' and user_id = 'x'`);
      expect(plan).toMatch(/room_slow_mode_pkey/);
    });

    it('the queue: reports_queue (every room) and reports_room_queue (one room); reports_message_reporter', async () => {
      expect(
        await explain(db, sql`select id from reports where status = 'open' order by created_at, id limit 51`),
      ).toMatch(/reports_queue/);
      expect(
        await explain(
          db,
          sql`select id from reports where room_id = 'pub' and status = 'open' order by created_at, id limit 51`,
        ),
      ).toMatch(/reports_room_queue/);
      expect(
        await explain(
          db,
          sql`select id from reports where message_id = '00000000-0000-4000-8000-000000000000'::uuid and status = 'open'`,
        ),
      ).toMatch(/reports_message_reporter/);
    });
  });
});

import { Kysely, sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { ChatConfig } from '@hihi/config';
import { DIGEST, Message, PublicUser, RoomKind } from '@hihi/contracts';
import { migrateToLatest, Db } from '../../apps/chat/src/database/database';
import { RoomsRepository } from '../../apps/chat/src/persistence/rooms.repository';
import { UsersRepository } from '../../apps/chat/src/persistence/users.repository';
import { MessagesRepository } from '../../apps/chat/src/persistence/messages.repository';
import { DigestRepository } from '../../apps/chat/src/persistence/digest.repository';
import { AccessService } from '../../apps/chat/src/access/access.service';
import { LocalAccessInvalidation } from '../../apps/chat/src/access/access-invalidation';
import { Actor, actorOf } from '../../apps/chat/src/access/actor';
import { DomainEvents } from '../../apps/chat/src/events/domain-events';
import { RoomEventsPublisher } from '../../apps/chat/src/events/room-events.publisher';
import { RoomsService } from '../../apps/chat/src/rooms/rooms.service';
import { ReadMarks } from '../../apps/chat/src/rooms/read-marks';
import { MessageStore } from '../../apps/chat/src/messages/message-store';
import { MessagesService } from '../../apps/chat/src/messages/messages.service';
import { EchoDuckBot } from '../../apps/chat/src/bots/echo-duck.bot';
import { FixedServerRoles } from '../../apps/chat/src/moderation/server-roles';
import { MemoryAuditTrail } from '../../apps/chat/src/moderation/audit-trail';
import { ModerationRepository } from '../../apps/chat/src/persistence/moderation.repository';
import { DigestService } from '../../apps/chat/src/push/digest.service';
import { DigestMailError, MemoryDigestMailer } from '../../apps/chat/src/push/digest-mailer';
import { TestDatabase } from './pg';

/*
 * The email digest's collection on a real PostgreSQL (SPEC §10), messages sent through
 * MessagesService (mentions recorded as in production), auth's side a recording fake: what is
 * unread in DMs and groups and the mentions elsewhere go in; read, deleted, own, bots' and `none`
 * rooms' messages do not; nothing is offered twice; caps and `more`; one mail per window; a skip
 * advances the window, a bus failure does not.
 */

const quiet = () => undefined;
const WINDOW_SEC = 1800;

describe('email digest collection on PostgreSQL (medium)', () => {
  const pg = new TestDatabase();
  let db: Db;
  let rooms: RoomsRepository;
  let users: UsersRepository;
  let messages: MessagesService;
  let repo: DigestRepository;
  let digests: DigestService;
  const mailer = new MemoryDigestMailer();
  const config = { DIGEST_DELAY_SEC: WINDOW_SEC, NOTIFY_DELAY_SEC: 0 } as ChatConfig;

  beforeAll(async () => {
    await pg.start();
    db = pg.db();
    await migrateToLatest(db as Kysely<unknown>, quiet);
    rooms = new RoomsRepository(db);
    users = new UsersRepository(db);
    const access = new AccessService(rooms, new LocalAccessInvalidation());
    const events = { publish: () => Promise.resolve() } as unknown as RoomEventsPublisher;
    const domain = new DomainEvents();
    const roomsService = new RoomsService(
      rooms,
      users,
      events,
      new ReadMarks(rooms),
      access,
      domain,
      new EchoDuckBot(),
    );
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
      new ModerationRepository(db),
      new FixedServerRoles({}),
      new MemoryAuditTrail(),
    );
    repo = new DigestRepository(db);
    digests = new DigestService(repo, mailer, config);
  }, 120_000);
  afterAll(() => pg.stop());

  beforeEach(() => {
    mailer.calls.length = 0;
    mailer.reply = { sent: true };
  });

  /** Fresh people per test: their digest state is their own. */
  async function people(...names: string[]): Promise<Record<string, Actor>> {
    const out: Record<string, Actor> = {};
    for (const n of names) {
      const id = `${n}${randomUUID().slice(0, 8)}`;
      const user: PublicUser = { id, username: id, displayName: `${n} name`, guest: false };
      await users.upsert(user);
      out[n] = actorOf(user);
    }
    return out;
  }

  async function room(kind: RoomKind, members: Actor[]): Promise<string> {
    const id = `${kind}-${randomUUID().slice(0, 8)}`;
    await rooms.create({ id, kind, name: id, nameKey: `${kind}:${id}`, members: members.map((m) => m.id) });
    return id;
  }

  const send = (a: Actor, roomId: string, text: string): Promise<Message> =>
    messages.send(a, roomId, text, randomUUID());
  const read = (a: Actor, roomId: string, seq: number) => rooms.markReadBatch([{ userId: a.id, roomId, seq }]);
  const excerpts = () => mailer.calls.flatMap((c) => c.entries.map((e) => e.excerpt));
  const longAgo = new Date(Date.now() - 3600_000);

  it('mails the unread DMs, group messages and mentions; not what was read, deleted, own, a bot’s, or in a room at none', async () => {
    const { alice, bob, carol } = await people('alice', 'bob', 'carol');
    const dm = await room('dm', [alice, bob]);
    const group = await room('group', [alice, bob, carol]);
    const quiet = await room('group', [alice, bob, carol]);
    const pub = await room('public', [alice, bob, carol]);
    const off = await room('public', [alice, bob, carol]);
    expect(await rooms.setNotifyLevel(quiet, bob.id, 'none')).toBe(true);
    expect(await rooms.setNotifyLevel(off, bob.id, 'none')).toBe(true);

    const seen = await send(alice, dm, 'seen already');
    await read(bob, dm, seen.seq);
    const dmUnread = await send(alice, dm, 'are you there?');
    await send(alice, group, 'group hello');
    await send(bob, group, 'my own words');
    const oops = await send(carol, group, 'oops');
    await messages.remove(carol, group, oops.id);
    const beep = await send(alice, group, 'beep from a bot');
    await sql`update messages set sender_bot = true where id = ${beep.id}::uuid`.execute(db);
    await send(carol, quiet, 'nobody hears this');
    const mention = await send(carol, pub, `@${bob.id} look at this`);
    expect(mention.mentions).toEqual([bob.id]);
    await send(carol, pub, 'not for bob');
    await send(carol, off, `@${bob.id} in a room at none`);

    const run = await digests.run(bob.id, longAgo, 'c1');
    expect(run).toMatchObject({ outcome: 'sent', entries: 3, more: 0, later: false });
    expect(mailer.calls).toHaveLength(1);
    const [body] = mailer.calls;
    expect(body.userId).toBe(bob.id);
    expect(body.more).toBe(0);
    expect(body.entries.map((e) => [e.excerpt, e.reason, e.roomId])).toEqual([
      ['are you there?', 'dm', dm],
      ['group hello', 'group', group],
      [`@${bob.id} look at this`, 'mention', pub],
    ]);
    expect(body.entries[0]).toMatchObject({ messageId: dmUnread.id, seq: dmUnread.seq, sender: 'alice name' });
    expect(body.entries[0].at).toBe(dmUnread.createdAt);

    // the other members' digests: carol has alice's group message and bob's, not her own
    await digests.run(carol.id, longAgo, 'c2');
    expect(mailer.calls[1].entries.map((e) => e.excerpt)).toEqual(['group hello', 'my own words']);
  });

  it('never offers the same message twice, and at most one mail per DIGEST_DELAY_SEC', async () => {
    const { alice, bob } = await people('alice', 'bob');
    const dm = await room('dm', [alice, bob]);
    await send(alice, dm, 'one');
    expect((await digests.run(bob.id, longAgo, 'c')).outcome).toBe('sent');
    expect((await digests.run(bob.id, longAgo, 'c')).outcome).toBe('wait');
    await send(alice, dm, 'two');
    const wait = await digests.run(bob.id, longAgo, 'c');
    expect(wait.outcome).toBe('wait');
    expect(wait.outcome === 'wait' && wait.waitMs).toBeGreaterThan((WINDOW_SEC - 60) * 1000);
    expect(excerpts()).toEqual(['one']);

    // a window later: only what came since the last digest
    const later = new Date((await repo.now()).getTime() + (WINDOW_SEC + 5) * 1000);
    expect((await digests.run(bob.id, longAgo, 'c', later)).outcome).toBe('sent');
    expect(excerpts()).toEqual(['one', 'two']);
    const state = await repo.state(bob.id);
    expect(state?.digested_until.getTime()).toBe(later.getTime());
  });

  it('lists at most DIGEST.entriesMax entries, oldest first, cuts excerpts, and counts the rest in more', async () => {
    const { alice, bob } = await people('alice', 'bob');
    const dm = await room('dm', [alice, bob]);
    const extra = 5;
    for (let i = 0; i < DIGEST.entriesMax + extra; i++) await send(alice, dm, `n${i} ${'x'.repeat(DIGEST.excerptMax)}`);
    const run = await digests.run(bob.id, longAgo, 'c');
    expect(run).toMatchObject({ outcome: 'sent', entries: DIGEST.entriesMax, more: extra });
    const [body] = mailer.calls;
    expect(body.entries).toHaveLength(DIGEST.entriesMax);
    expect(body.more).toBe(extra);
    expect(body.entries.map((e) => e.excerpt.split(' ')[0])).toEqual(
      Array.from({ length: DIGEST.entriesMax }, (_, i) => `n${i}`),
    );
    for (const e of body.entries) expect(e.excerpt.length).toBeLessThanOrEqual(DIGEST.excerptMax);
  });

  it("a skip (auth would not mail) still moves the window; a bus failure moves nothing and is thrown for BullMQ's retry", async () => {
    const { alice, bob } = await people('alice', 'bob');
    const dm = await room('dm', [alice, bob]);
    await send(alice, dm, 'first');
    mailer.reply = new DigestMailError('auth: unavailable');
    await expect(digests.run(bob.id, longAgo, 'c')).rejects.toThrow('unavailable');
    expect(await repo.state(bob.id)).toBeUndefined();

    mailer.reply = { sent: false, skipped: 'not-opted-in' };
    expect(await digests.run(bob.id, longAgo, 'c')).toMatchObject({ outcome: 'skipped', entries: 1 });
    expect(mailer.calls.map((c) => c.entries.map((e) => e.excerpt))).toEqual([['first'], ['first']]);
    const state = await repo.state(bob.id);
    expect(state?.sent_at).toBeNull(); // not mailed: no window to wait for

    mailer.reply = { sent: true };
    await send(alice, dm, 'second');
    expect(await digests.run(bob.id, longAgo, 'c')).toMatchObject({ outcome: 'sent', entries: 1 });
    expect(mailer.calls[2].entries.map((e) => e.excerpt)).toEqual(['second']);
  });

  it('leaves messages younger than NOTIFY_DELAY_SEC for a later run (they may still be seen), and says so', async () => {
    const { alice, bob } = await people('alice', 'bob');
    const dm = await room('dm', [alice, bob]);
    const settling = new DigestService(repo, mailer, { ...config, NOTIFY_DELAY_SEC: 600 } as ChatConfig);
    await send(alice, dm, 'just now');
    const run = await settling.run(bob.id, longAgo, 'c');
    expect(run).toMatchObject({ outcome: 'empty', later: true });
    expect(mailer.calls).toHaveLength(0);
    // read meanwhile: nothing later either
    const last = await send(alice, dm, 'and this');
    await read(bob, dm, last.seq);
    expect(await settling.run(bob.id, longAgo, 'c')).toMatchObject({ outcome: 'empty', later: false });
  });

  it('starts a first digest at the message that queued it, not at older unread messages', async () => {
    const { alice, bob } = await people('alice', 'bob');
    const dm = await room('dm', [alice, bob]);
    await send(alice, dm, 'old');
    await new Promise((r) => setTimeout(r, 20));
    const fresh = await send(alice, dm, 'new');
    // as the notifier queues it: from just before the message that reached bob
    await digests.run(bob.id, new Date(Date.parse(fresh.createdAt) - 1), 'c');
    expect(excerpts()).toEqual(['new']);
  });

  it("serves a room's read positions (the push recipients) from read_positions_room, one's own from the key", async () => {
    const plan = (q: ReturnType<typeof sql>) =>
      db.connection().execute(async (conn) => {
        await sql`set enable_seqscan = off`.execute(conn);
        try {
          const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${q}`.execute(conn);
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        } finally {
          await sql`set enable_seqscan = on`.execute(conn);
        }
      });
    expect(await plan(sql`select user_id, seq from read_positions where room_id = 'r'`)).toMatch(/read_positions_room/);
    expect(await plan(sql`select seq from read_positions where user_id = 'u' and room_id = 'r'`)).toMatch(
      /read_positions_pkey/,
    );
  });
});

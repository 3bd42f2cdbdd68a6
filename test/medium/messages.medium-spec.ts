import { Kysely, Migrator, sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { migrateToLatest } from '../../apps/chat/src/database/database';
import { migrationProvider, MIGRATIONS } from '../../apps/chat/src/database/migrations';
import { insertStatement, MessagesRepository, NewMessage } from '../../apps/chat/src/persistence/messages.repository';
import { RoomsRepository } from '../../apps/chat/src/persistence/rooms.repository';
import { createDb, createPool, Db } from '../../apps/chat/src/database/database';
import { TestDatabase } from './pg';

const quiet = () => undefined;

function msg(senderId: string, clientMsgId: string, text = `text ${clientMsgId}`): NewMessage {
  return {
    senderId,
    senderUsername: senderId,
    senderDisplayName: senderId,
    senderBot: false,
    clientMsgId,
    text,
  };
}

/**
 * The plan of a query. `smallTable`: the table holds a handful of rows here, where a sequential
 * scan is cheapest: sequential scans are priced out so the plan shows the index a big table uses.
 */
async function explain(db: Db, query: ReturnType<typeof sql>, smallTable = false): Promise<string> {
  return db.connection().execute(async (conn) => {
    if (smallTable) await sql`set enable_seqscan = off`.execute(conn);
    try {
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(conn);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      if (smallTable) await sql`set enable_seqscan = on`.execute(conn);
    }
  });
}

describe('chat storage on PostgreSQL (medium: repositories against a real database)', () => {
  const pg = new TestDatabase();
  let db: Db;
  let rooms: RoomsRepository;
  let messages: MessagesRepository;

  beforeAll(async () => {
    await pg.start();
    db = pg.db();
    // two "processes" migrate an empty database at the same moment: the advisory lock lets one
    // apply each migration, the other finds them applied; both succeed
    await Promise.all([
      migrateToLatest(db as Kysely<unknown>, quiet),
      migrateToLatest(pg.db() as Kysely<unknown>, quiet),
    ]);
    rooms = new RoomsRepository(db);
    messages = new MessagesRepository(db);
  }, 60_000);
  afterAll(() => pg.stop());

  async function newRoom(): Promise<string> {
    const id = `room-${randomUUID()}`;
    await rooms.create({ id, kind: 'public', name: id, nameKey: `public:${id}`, members: [] });
    return id;
  }

  it('applied every migration once', async () => {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it('gives seqs 1, 2, 3 … with no gap to concurrent writers on separate pools, each message once', async () => {
    const roomId = await newRoom();
    const writers = [new MessagesRepository(pg.db()), new MessagesRepository(pg.db()), messages];
    const batches = Array.from({ length: 60 }, (_, i) =>
      Array.from({ length: 1 + (i % 4) }, (_, j) => msg(`s${i % 5}`, `c-${i}-${j}`)),
    );
    const results = await Promise.all(
      batches.map(async (b, i) => {
        for (;;) {
          try {
            return await writers[i % writers.length].insertBatch(roomId, b);
          } catch (err) {
            if ((err as { code?: string }).code !== '23505') throw err;
          }
        }
      }),
    );
    const total = batches.reduce((n, b) => n + b.length, 0);
    const seqs = results.flat().map((r) => r.seq);
    expect(new Set(seqs).size).toBe(total);
    const stored = await messages.range(roomId, 0, undefined, 1000, true);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const { rows } = await sql<{ last_seq: number }>`select last_seq from rooms where id = ${roomId}`.execute(db);
    expect(rows[0].last_seq).toBe(total);
  });

  it('answers the stored message for a repeated (sender, clientMsgId) and stores nothing new', async () => {
    const roomId = await newRoom();
    const [first] = await messages.insertBatch(roomId, [msg('alice', 'same')]);
    expect(first.created).toBe(true);
    const again = await messages.insertBatch(roomId, [msg('alice', 'same', 'different text'), msg('bob', 'other')]);
    expect(again.map((r) => [r.created, r.seq, r.text])).toEqual([
      [false, 1, 'text same'],
      [true, 2, 'text other'],
    ]);
    // five concurrent replays: one message
    const replays = await Promise.allSettled(
      Array.from({ length: 5 }, () => new MessagesRepository(pg.db(1)).insertBatch(roomId, [msg('carol', 'x')])),
    );
    const ok = replays.filter((r) => r.status === 'fulfilled');
    expect(ok.length).toBeGreaterThan(0);
    const all = await messages.range(roomId, 0, undefined, 100, true);
    expect(all.filter((m) => m.client_msg_id === 'x')).toHaveLength(1);
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('stores one batch of many rooms: each room gap-free in arrival order, concurrent mixed batches never deadlock', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => newRoom()));
    const writers = [new MessagesRepository(pg.db()), new MessagesRepository(pg.db()), messages];
    // every batch touches several rooms, in an order that differs from batch to batch
    const batches = Array.from({ length: 45 }, (_, i) =>
      Array.from({ length: 2 + (i % 5) }, (_, j) => ({
        ...msg(`m${i % 7}`, `x-${i}-${j}`),
        roomId: ids[(i * 5 + j * (i % 2 ? 1 : 5)) % ids.length],
      })),
    );
    const codes: string[] = [];
    const results = await Promise.all(
      batches.map(async (b, i) => {
        for (;;) {
          try {
            return await writers[i % writers.length].insert(b);
          } catch (err) {
            const code = (err as { code?: string }).code ?? 'none';
            codes.push(code);
            if (code !== '23505') throw err;
          }
        }
      }),
    );
    expect(codes.filter((c) => c !== '23505')).toEqual([]);
    for (const [i, b] of batches.entries()) {
      const rows = results[i];
      expect(rows).toHaveLength(b.length);
      // within one batch a room's messages take increasing seqs in batch order
      for (const roomId of ids) {
        const mine = b.filter((m) => m.roomId === roomId).map((m) => m.clientMsgId);
        const seqs = mine.map((c) => rows.find((r) => r.client_msg_id === c)!.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      }
    }
    for (const roomId of ids) {
      const expected = batches.flat().filter((m) => m.roomId === roomId).length;
      const stored = await messages.range(roomId, 0, undefined, 1000, true);
      expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
      const { rows } = await sql<{ last_seq: number }>`select last_seq from rooms where id = ${roomId}`.execute(db);
      expect(rows[0].last_seq).toBe(expected);
    }
  });

  it('runs the insert as a named prepared statement, planned once per connection, and it stays correct', async () => {
    const roomId = await newRoom();
    const one = pg.db(1);
    const repo = new MessagesRepository(one);
    for (let i = 0; i < 8; i++) await repo.insertBatch(roomId, [msg('np', `np-${i}`)]);
    const { rows } = await sql<{ name: string; generic_plans: number; custom_plans: number }>`
      select name, generic_plans, custom_plans from pg_prepared_statements`.execute(one);
    const stmt = rows.find((r) => r.name === 'messages_insert');
    expect(stmt).toBeDefined();
    expect(stmt!.generic_plans + stmt!.custom_plans).toBe(8);
    const stored = await repo.range(roomId, 0, undefined, 20, true);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await one.destroy();
  });

  it('MessageStore: concurrent sends to many rooms share statements, keep each room in send order, and isolate a refused message', async () => {
    const { MessageStore } = await import('../../apps/chat/src/messages/message-store');
    const ids = await Promise.all(Array.from({ length: 20 }, () => newRoom()));
    const repo = new MessagesRepository(db);
    const statements = jest.spyOn(repo, 'insert');
    const published: string[] = [];
    const store = new MessageStore(repo, {
      publish: (e) => {
        published.push(`${e.roomId}/${e.type === 'message:new' ? e.message.seq : '?'}`);
        return Promise.resolve();
      },
    });
    const sends = Array.from({ length: 400 }, (_, i) => store.send(ids[i % ids.length], msg('ms', `st-${i}`)));
    // a text PostgreSQL refuses (NUL): only that send fails
    const refused = store.send(ids[0], msg('ms', 'st-nul', 'bad \u0000 text'));
    const gone = store.send('no-such-room', msg('ms', 'st-gone'));
    const results = await Promise.all(sends);
    await expect(refused).rejects.toMatchObject({ code: 'unavailable' });
    await expect(gone).rejects.toMatchObject({ code: 'unavailable' });
    expect(statements.mock.calls.length).toBeLessThan(60);
    expect(published).toHaveLength(400);
    for (const [r, roomId] of ids.entries()) {
      const seqs = results.filter((_, i) => i % ids.length === r).map((x) => x.message.seq);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(results[r].message.roomId).toBe(roomId);
    }
    // a replay of a stored message answers the original, not created
    const again = await store.send(ids[3], msg('ms', 'st-3', 'replayed'));
    expect([again.created, again.message.seq, again.message.text]).toEqual([false, 1, 'text st-3']);
  });

  it('deleting a message marks its files deleted and leaves them to the sweep (bytes deleted)', async () => {
    const { AttachmentsRepository } = await import('../../apps/chat/src/persistence/attachments.repository');
    const files = new AttachmentsRepository(db);
    const roomId = await newRoom();
    const id = `att-${randomUUID()}`;
    await files.create('alice', { id, name: 'a.txt', size: 3, contentType: 'text/plain', storageKey: `key-${id}` });
    await files.claim([id], 'alice', roomId, 'with-file');
    const [m] = await messages.insertBatch(roomId, [msg('alice', 'with-file')]);
    await files.attached([id], roomId, m.seq);
    expect(await files.sweep(0)).not.toContain(`key-${id}`);
    await messages.remove(roomId, m.id, m.seq);
    expect((await files.find(id))?.deleted_at).toBeInstanceOf(Date);
    expect(await files.sweep(0)).toContain(`key-${id}`);
  });

  it('records edits, deletions and reactions as room events that a rejoining client catches up on', async () => {
    const roomId = await newRoom();
    const stored = await messages.insertBatch(roomId, [msg('alice', 'a1'), msg('bob', 'b1'), msg('alice', 'a2')]);
    const [m1, m2] = stored;
    // the client saw everything up to seq 3; then:
    await messages.edit(roomId, m1.id, m1.seq, 'edited', []);
    await messages.react(roomId, m2.id, 'carol', '👍', true, 20);
    await messages.react(roomId, m2.id, 'dave', '👍', true, 20);
    const changes = await messages.changedSince(roomId, 3, 100);
    expect(changes.map((r) => [r.seq, r.text, r.reactions?.[0]?.userIds])).toEqual([
      [1, 'edited', undefined],
      [2, 'text b1', ['carol', 'dave']],
    ]);
    // a client that saw up to seq 3 AFTER those changes, then missed a deletion
    const [m4] = await messages.insertBatch(roomId, [msg('bob', 'b2')]);
    await messages.remove(roomId, m1.id, m1.seq);
    const later = await messages.changedSince(roomId, m4.seq, 100);
    expect(later.map((r) => [r.seq, r.deleted, r.text])).toEqual([[1, true, '']]);
    // toggling off, and the cap of distinct reactions
    const off = await messages.react(roomId, m2.id, 'carol', '👍', false, 20);
    expect(off !== 'full' && off?.reactions).toEqual([{ emoji: '👍', userIds: ['dave'] }]);
    expect(await messages.react(roomId, m2.id, 'carol', '🎉', true, 1)).toBe('full');
  });

  it('a crowd reacting to one message holds one pool connection, not the pool', async () => {
    const pool = createPool(pg.url, 5);
    const crowdDb = createDb(pool);
    try {
      const repo = new MessagesRepository(crowdDb);
      const roomId = await newRoom();
      const [hot] = await repo.insertBatch(roomId, [msg('alice', 'announcement')]);
      // the pool's 5 connections open (a connection being opened counts as a waiter)
      for (const c of await Promise.all(Array.from({ length: 5 }, () => pool.connect()))) c.release();
      let mostCheckedOut = 0;
      pool.on('acquire', () => (mostCheckedOut = Math.max(mostCheckedOut, pool.totalCount - pool.idleCount)));
      // 40 people react at once (each a transaction locking the message's row), and someone sends
      const users = Array.from({ length: 40 }, (_, i) => `fan${i}`);
      const reactions = users.map((u) => repo.react(roomId, hot.id, u, '🎉', true, 20));
      const sent = repo.insertBatch(roomId, [msg('bob', 'meanwhile')]);
      const [stored] = await sent;
      await Promise.all(reactions);
      expect(stored.seq).toBe(2);
      // the row lock is waited for in memory: one change transaction at a time for one message
      // (plus the send's): 3 of the pool's 5 stay free for sends and reads
      expect(mostCheckedOut).toBeLessThanOrEqual(2);
      const row = await repo.findById(roomId, hot.id);
      expect(row?.reactions?.[0]?.userIds).toEqual(users);
    } finally {
      await crowdDb.destroy();
    }
  });

  it('moves a read position forward only, never past the last message, in one statement', async () => {
    const roomId = await newRoom();
    await messages.insertBatch(roomId, [msg('a', '1'), msg('a', '2'), msg('a', '3')]);
    expect((await rooms.markRead(roomId, 'reader', 2))?.read_seq).toBe(2);
    expect((await rooms.markRead(roomId, 'reader', 1))?.read_seq).toBe(2);
    expect((await rooms.markRead(roomId, 'reader', 99))?.read_seq).toBe(3);
    expect((await rooms.view(roomId, 'reader'))?.read_seq).toBe(3);
  });

  it('counts unread mentions per room and reader', async () => {
    const roomId = await newRoom();
    await messages.insertBatch(roomId, [
      { ...msg('a', 'm1'), mentions: ['reader'] },
      msg('a', 'm2'),
      { ...msg('a', 'm3'), mentions: ['reader', 'other'] },
    ]);
    expect((await rooms.view(roomId, 'reader'))?.mentions).toBe(2);
    expect((await rooms.markRead(roomId, 'reader', 1))?.mentions).toBe(1);
    expect((await rooms.view(roomId, 'other'))?.mentions).toBe(1);
  });

  describe('every hot query is served by an index (EXPLAIN)', () => {
    let roomId: string;
    beforeAll(async () => {
      roomId = await newRoom();
      // enough rows that a sequential scan would be the planner's choice without the index
      for (let i = 0; i < 20; i++) {
        await messages.insertBatch(
          roomId,
          Array.from({ length: 100 }, (_, j) => msg(`s${j % 7}`, `e-${i}-${j}`)),
        );
      }
      await sql`analyze`.execute(db);
    }, 60_000);

    it('history page and catch-up: messages_pkey (room_id, seq)', async () => {
      const plan = await explain(
        db,
        sql`select * from messages m where m.room_id = ${roomId} and m.seq > 10 and m.seq < 900 order by m.seq desc limit 51`,
      );
      expect(plan).toMatch(/Index Scan Backward using messages_pkey/);
    });

    it('idempotency lookup: messages_idempotency (sender_id, client_msg_id)', async () => {
      const plan = await explain(db, sql`select 1 from messages where sender_id = 's1' and client_msg_id = 'e-1-1'`);
      expect(plan).toMatch(/messages_idempotency/);
    });

    it('reply preview and message by id: messages_id', async () => {
      const plan = await explain(db, sql`select 1 from messages where id = ${randomUUID()}::uuid`);
      expect(plan).toMatch(/messages_id/);
    });

    it('changes since a seq: messages_changes (room_id, changed_event)', async () => {
      const plan = await explain(
        db,
        sql`select 1 from messages where room_id = ${roomId} and changed_event > 5 and seq <= 100`,
      );
      expect(plan).toMatch(/messages_changes/);
    });

    it('the group-commit insert probes messages_idempotency and messages_id per message, never scans messages', async () => {
      // the generic plan: what the named prepared statement keeps for the connection's life, made
      // here on a small table where hashing the batch against a scan looks cheapest
      const { sql: text } = insertStatement('[]').compile(db);
      const plan = await explain(db, sql`(generic_plan, costs off) ${sql.raw(text)}`);
      expect(plan).not.toMatch(/Seq Scan on messages/);
      expect(plan).toMatch(/Index Scan using messages_idempotency on messages/);
      expect(plan).toMatch(/Index Scan using messages_id on messages/);
    });

    it('read position: read_positions_pkey (user_id, room_id)', async () => {
      const plan = await explain(
        db,
        sql`select seq from read_positions where user_id = 'u' and room_id = ${roomId}`,
        true,
      );
      expect(plan).toMatch(/read_positions_pkey/);
    });

    it('rooms of a user: room_members_user (user_id, room_id)', async () => {
      const plan = await explain(db, sql`select room_id from room_members where user_id = 'u'`, true);
      expect(plan).toMatch(/room_members_user/);
    });
  });
});

describe('a database at the previous schema version is migrated', () => {
  const pg = new TestDatabase();
  afterAll(() => pg.stop());

  it('keeps its rooms and messages and gains the new columns', async () => {
    await pg.start();
    const db = pg.db();
    const migrator = new Migrator({ db: db as Kysely<unknown>, provider: migrationProvider });
    const first = Object.keys(MIGRATIONS)[0];
    expect((await migrator.migrateTo(first)).error).toBeUndefined();
    await sql`insert into rooms (id, kind, name, name_key, last_seq) values ('old', 'public', 'old', 'public:old', 2)`.execute(
      db,
    );
    await sql`
      insert into messages (room_id, seq, sender_id, sender_username, sender_display_name, client_msg_id, text)
      values ('old', 1, 'a', 'a', 'A', 'c1', 'one'), ('old', 2, 'a', 'a', 'A', 'c2', 'two')`.execute(db);

    await migrateToLatest(db as Kysely<unknown>, quiet);
    const repo = new MessagesRepository(db);
    const rows = await repo.range('old', 0, undefined, 10, true);
    expect(rows.map((r) => [r.seq, r.text, r.deleted])).toEqual([
      [1, 'one', false],
      [2, 'two', false],
    ]);
    // the room goes on from where it was, and the old messages are part of catch-up
    const [next] = await repo.insertBatch('old', [msg('b', 'c3')]);
    expect(next.seq).toBe(3);
    await repo.edit('old', rows[0].id, 1, 'one, edited', []);
    expect((await repo.changedSince('old', 2, 10)).map((r) => r.seq)).toEqual([1]);
  }, 60_000);
});

describe('read marks of many readers and rooms in one statement', () => {
  const pg = new TestDatabase();
  afterAll(() => pg.stop());

  it('records each (reader, room) once with its seq, answers each its own view, and batches concurrent marks', async () => {
    await pg.start();
    const db = pg.db();
    await migrateToLatest(db as Kysely<unknown>, quiet);
    const rooms = new RoomsRepository(db);
    const messages = new MessagesRepository(db);
    for (const id of ['r1', 'r2']) {
      await rooms.create({ id, kind: 'public', name: id, nameKey: `public:${id}`, members: [] });
      await messages.insertBatch(id, [
        msg('a', `${id}-1`),
        msg('a', `${id}-2`),
        { ...msg('a', `${id}-3`), mentions: ['u2'] },
      ]);
    }
    const rows = await rooms.markReadBatch([
      { userId: 'u1', roomId: 'r1', seq: 2 },
      { userId: 'u2', roomId: 'r1', seq: 1 },
      { userId: 'u1', roomId: 'r2', seq: 99 },
    ]);
    const view = new Map(rows.map((r) => [`${r.user_id}/${r.id}`, [r.read_seq, r.last_seq, r.mentions]]));
    expect(Object.fromEntries(view)).toEqual({ 'u1/r1': [2, 3, 0], 'u2/r1': [1, 3, 1], 'u1/r2': [3, 3, 0] });
    // never back
    const [back] = await rooms.markReadBatch([{ userId: 'u1', roomId: 'r1', seq: 1 }]);
    expect(back.read_seq).toBe(2);
    // the service's batcher: many concurrent marks, each answered, fewer statements than marks
    const { ReadMarks } = await import('../../apps/chat/src/rooms/read-marks');
    const spy = jest.spyOn(rooms, 'markReadBatch');
    const marks = new ReadMarks(rooms);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => marks.mark(i % 2 ? 'r1' : 'r2', `reader${i % 20}`, 1 + (i % 3))),
    );
    expect(answers.every((a) => a && a.read_seq >= 1)).toBe(true);
    expect(spy.mock.calls.length).toBeLessThan(60);
    expect((await rooms.view('r1', 'reader1'))?.read_seq).toBe(3);
  }, 60_000);
});

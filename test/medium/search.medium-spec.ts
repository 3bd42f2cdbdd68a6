import { Kysely, sql } from 'kysely';
import { Client } from 'pg';
import { PublicUser } from '@hihi/contracts';
import { Migrator } from 'kysely';
import { createDb, createPool, migrateToLatest, Db } from '../../apps/chat/src/database/database';
import { migrationProvider } from '../../apps/chat/src/database/migrations';
import * as m0014 from '../../apps/chat/src/database/migrations/0014-linear-bigrams';
import { MessagesRepository, NewMessage } from '../../apps/chat/src/persistence/messages.repository';
import { RoomsRepository } from '../../apps/chat/src/persistence/rooms.repository';
import { UsersRepository } from '../../apps/chat/src/persistence/users.repository';
import { SEARCH_INDEXER_LOCK, SearchFilter, SearchRepository } from '../../apps/chat/src/persistence/search.repository';
import { SearchService } from '../../apps/chat/src/search/search.service';
import { AccessService } from '../../apps/chat/src/access/access.service';
import { LocalAccessInvalidation } from '../../apps/chat/src/access/access-invalidation';
import { Actor, actorOf } from '../../apps/chat/src/access/actor';
import { TestDatabase } from './pg';

const quiet = () => undefined;

function person(id: string, guest = false): PublicUser {
  return { id, username: id, displayName: `${id} name`, guest, role: guest ? 'guest' : 'member' };
}
const user = (id: string, guest = false): Actor => actorOf(person(id, guest));

function msg(sender: string, clientMsgId: string, text: string): NewMessage {
  return {
    senderId: sender,
    senderUsername: sender,
    senderDisplayName: sender,
    senderBot: false,
    clientMsgId,
    text,
  };
}

async function explain(db: Db, query: ReturnType<typeof sql>): Promise<string> {
  const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(db);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe('message search on PostgreSQL (medium)', () => {
  const pg = new TestDatabase();
  let db: Db;
  let rooms: RoomsRepository;
  let messages: MessagesRepository;
  let service: SearchService;
  let repo: SearchRepository;
  /** what the indexer does every SEARCH_INDEX_MS: everything queued, into message_search */
  const index = async () => {
    const all = { taken: 0, upserted: 0, removed: 0 };
    for (;;) {
      const done = await repo.indexQueued(5000);
      if (!done) throw new Error('the indexer lock is held');
      all.taken += done.taken;
      all.upserted += done.upserted;
      all.removed += done.removed;
      if (done.taken < 5000) return all;
    }
  };
  const alice = user('alice');
  const bob = user('bob');
  const carol = user('carol');
  const guest = user('guest:g1', true);

  beforeAll(async () => {
    await pg.start();
    db = pg.db();
    await migrateToLatest(db as Kysely<unknown>, quiet);
    rooms = new RoomsRepository(db);
    messages = new MessagesRepository(db);
    const users = new UsersRepository(db);
    for (const u of ['alice', 'bob', 'carol']) await users.upsert(person(u));
    repo = new SearchRepository(db);
    service = new SearchService(new AccessService(rooms, new LocalAccessInvalidation()), repo);

    await rooms.create({
      id: 'pub',
      kind: 'public',
      name: 'general',
      nameKey: 'public:general',
      members: ['alice', 'bob', 'carol'],
    });
    await rooms.create({ id: 'dm-ab', kind: 'dm', name: 'dm', nameKey: 'dm:dm-ab', members: ['alice', 'bob'] });
    await rooms.create({ id: 'duck-g', kind: 'bot', name: '小黄鸭', nameKey: 'bot:duck-g', members: [guest.id] });
    await messages.insertBatch('pub', [
      msg('alice', 'p1', 'Hello everyone, the quick brown fox'),
      msg('bob', 'p2', '小黄鸭你好'),
      msg('carol', 'p3', 'nothing to see'),
    ]);
    await messages.insertBatch('dm-ab', [msg('alice', 'd1', 'secret quick plan 黄鸭')]);
    await messages.insertBatch('duck-g', [msg(guest.id, 'g1', 'quick guest words')]);
    await index();
  }, 120_000);
  afterAll(() => pg.stop());

  const texts = async (actor: Actor, q: string, roomId?: string) =>
    (await service.search(actor, { q, roomId })).results.map((r) => r.message.text);

  it('finds Chinese substrings and English words, case-insensitively, newest first', async () => {
    expect(await texts(bob, '黄鸭')).toEqual(['secret quick plan 黄鸭', '小黄鸭你好']);
    expect(await texts(carol, 'QUICK')).toEqual(['Hello everyone, the quick brown fox']);
    expect(await texts(carol, 'quick fox')).toEqual(['Hello everyone, the quick brown fox']);
    expect(await texts(carol, 'fox zebra')).toEqual([]);
  });

  it('answers room names as the searcher sees them, an excerpt and highlight ranges', async () => {
    const { results } = await service.search(alice, { q: '黄鸭' });
    expect(results.map((r) => [r.roomId, r.roomName])).toEqual([
      ['dm-ab', 'bob name'],
      ['pub', 'general'],
    ]);
    for (const r of results) {
      expect(r.highlights?.map(([s, e]) => r.excerpt!.slice(s, e))).toEqual(['黄鸭']);
    }
  });

  it('only the rooms the caller can see: DMs of others and guests outside their duck room are not searched', async () => {
    expect(await texts(carol, 'secret')).toEqual([]);
    expect(await texts(guest, 'quick')).toEqual(['quick guest words']);
    expect(await texts(alice, 'guest')).toEqual([]);
    // a DM of others answers as an unknown room would; a public room is no secret, but not a guest's (403)
    await expect(service.search(carol, { q: 'secret', roomId: 'dm-ab' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.search(guest, { q: 'quick', roomId: 'pub' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await texts(alice, 'quick', 'dm-ab')).toEqual(['secret quick plan 黄鸭']);
  });

  it('takes % and _ literally and never matches deleted messages', async () => {
    const [row] = await messages.insertBatch('pub', [msg('carol', 'p4', '100% sure_thing')]);
    await index();
    expect(await texts(carol, '0%')).toEqual(['100% sure_thing']);
    expect(await texts(carol, 'e_t')).toEqual(['100% sure_thing']);
    expect(await texts(carol, '%')).toEqual(['100% sure_thing']);
    await messages.remove('pub', row.id, row.seq);
    expect(await texts(carol, 'sure')).toEqual([]);
  });

  it('pages with the cursor: every match exactly once, newest first', async () => {
    const batch = Array.from({ length: 25 }, (_, i) => msg('carol', `pg-${i}`, `pageable item ${i}`));
    await messages.insertBatch('pub', batch.slice(0, 10));
    await messages.insertBatch('pub', batch.slice(10));
    await index();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await service.search(carol, { q: 'pageable', limit: 7, cursor });
      seen.push(...page.results.map((r) => r.message.text));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `pageable item ${24 - i}`));
    await expect(service.search(carol, { q: 'x', cursor: 'bm90LWpzb24' })).rejects.toMatchObject({
      code: 'validation',
    });
  });

  it('migration 0013 copies the messages already stored (not the deleted ones) and searches them at once', async () => {
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('create database backfill');
    await admin.end();
    const url = new URL(pg.url);
    url.pathname = '/backfill';
    const old = createDb(createPool(url.toString(), 2));
    try {
      const migrator = new Migrator({ db: old as Kysely<unknown>, provider: migrationProvider });
      expect((await migrator.migrateTo('0011-push')).error).toBeUndefined();
      await new RoomsRepository(old).create({
        id: 'old',
        kind: 'public',
        name: 'old',
        nameKey: 'public:old',
        members: ['carol'],
      });
      const oldMessages = new MessagesRepository(old);
      const [, gone] = await oldMessages.insertBatch('old', [
        msg('carol', 'b1', 'kept longan'),
        msg('carol', 'b2', 'gone longan'),
      ]);
      await oldMessages.remove('old', gone.id, gone.seq);
      await migrateToLatest(old as Kysely<unknown>, quiet);
      const { rows } = await sql<{ text: string }>`select text from message_search order by seq`.execute(old);
      expect(rows.map((r) => r.text)).toEqual(['kept longan']);
      expect((await sql<{ n: number }>`select count(*)::int as n from search_queue`.execute(old)).rows[0].n).toBe(0);
      const oldService = new SearchService(
        new AccessService(new RoomsRepository(old), new LocalAccessInvalidation()),
        new SearchRepository(old),
      );
      expect((await oldService.search(carol, { q: 'longan' })).results.map((r) => r.message.text)).toEqual([
        'kept longan',
      ]);
    } finally {
      await old.destroy();
    }
  }, 60_000);

  it("migration 0014: hihi_cjk_bigrams answers what 0003's did, for every text (its indexes stay valid)", async () => {
    const alphabet = [...'aZ9 \t\n中文黄鸭你好ÄßéİＢ全角😀😃'].concat(['e\u0301', '\u200b', '\r\n']);
    let seed = 24;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const corpus = ['', 'a', '中', '小黄鸭 你好', 'Hello 世界', 'ÄÖ ab', '😀😃 x😀', '中\t文\n字', 'ＡＢ全角'];
    for (let n = 0; n < 400; n++) {
      let t = '';
      for (let len = next() % 40; len > 0; len--) t += alphabet[next() % alphabet.length];
      corpus.push(t);
    }
    corpus.push('小黄鸭你好世界。'.repeat(150)); // 1,200 characters
    const bigrams = async () =>
      (
        await sql<{ b: string[] }>`
          select hihi_cjk_bigrams(t) as b from jsonb_array_elements_text(${JSON.stringify(corpus)}::jsonb) as c(t)`.execute(
          db,
        )
      ).rows.map((r) => r.b);
    const linear = await bigrams();
    // back to 0003's quadratic definition, and forward again
    await m0014.down(db as Kysely<unknown>);
    try {
      expect(linear).toEqual(await bigrams());
    } finally {
      await m0014.up(db as Kysely<unknown>);
    }
    expect(linear).toHaveLength(corpus.length);
    // not all empty: the corpus has bigrams to compare
    expect(linear.filter((b) => b.length > 0).length).toBeGreaterThan(300);
    expect(linear[linear.length - 1].sort()).toEqual(['。小', '世界', '你好', '好世', '小黄', '界。', '鸭你', '黄鸭']);
  });

  describe('indexing off the send path (message_search, search_queue)', () => {
    const queued = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from search_queue`.execute(db)).rows[0].n;

    it('a stored message is queued by the insert and found once the indexer has run', async () => {
      await index();
      await messages.insertBatch('pub', [msg('carol', 'q1', 'brand new zanzibar'), msg('bob', 'q2', 'zanzibar again')]);
      expect(await queued()).toBe(2);
      expect(await texts(carol, 'zanzibar')).toEqual([]);
      expect(await index()).toEqual({ taken: 2, upserted: 2, removed: 0 });
      expect(await queued()).toBe(0);
      expect(await texts(carol, 'zanzibar')).toEqual(['zanzibar again', 'brand new zanzibar']);
      // run again: nothing queued, nothing changes (idempotent)
      expect(await index()).toEqual({ taken: 0, upserted: 0, removed: 0 });
    });

    it('an edit is found by its new text only — never by the old one, even before the indexer runs', async () => {
      const [row] = await messages.insertBatch('pub', [msg('carol', 'e1', 'original wording kumquat')]);
      await index();
      expect(await texts(carol, 'kumquat')).toEqual(['original wording kumquat']);
      await messages.edit('pub', row.id, row.seq, 'rewritten as persimmon', []);
      expect(await queued()).toBe(1);
      expect(await texts(carol, 'kumquat')).toEqual([]);
      expect(await index()).toEqual({ taken: 1, upserted: 1, removed: 0 });
      expect(await texts(carol, 'persimmon')).toEqual(['rewritten as persimmon']);
      expect(await texts(carol, 'kumquat')).toEqual([]);
      // a change that is not of text nor deletion (a reaction) queues nothing
      await messages.react('pub', row.id, 'carol', '👍', true, 20);
      expect(await queued()).toBe(0);
    });

    it('a deleted message is hidden at once, and its copy removed by the indexer', async () => {
      const [row] = await messages.insertBatch('pub', [msg('carol', 'x1', 'soon gone tamarind')]);
      await index();
      expect(await texts(carol, 'tamarind')).toEqual(['soon gone tamarind']);
      await messages.remove('pub', row.id, row.seq);
      expect(await texts(carol, 'tamarind')).toEqual([]);
      expect(await index()).toEqual({ taken: 1, upserted: 0, removed: 1 });
      const copies = await sql<{
        n: number;
      }>`select count(*)::int as n from message_search where id = ${row.id}::uuid`.execute(db);
      expect(copies.rows[0].n).toBe(0);
    });

    it('one indexer at a time: while another holds the lock, nothing is taken and the queue stays', async () => {
      await messages.insertBatch('pub', [msg('carol', 'l1', 'locked out rambutan')]);
      const other = new Client({ connectionString: pg.url });
      await other.connect();
      try {
        await other.query('select pg_advisory_lock($1::bigint)', [SEARCH_INDEXER_LOCK]);
        expect(await repo.indexQueued(100)).toBeUndefined();
        expect(await queued()).toBe(1);
        await other.query('select pg_advisory_unlock($1::bigint)', [SEARCH_INDEXER_LOCK]);
      } finally {
        await other.end();
      }
      expect(await index()).toEqual({ taken: 1, upserted: 1, removed: 0 });
      expect(await texts(carol, 'rambutan')).toEqual(['locked out rambutan']);
    });

    it('an indexing transaction that fails leaves the queue as it was (rolled back), the next run applies it', async () => {
      await messages.insertBatch('pub', [msg('carol', 'f1', 'failed once durian')]);
      // the first run fails inside its transaction: a statement timeout while a row it must write is locked
      const other = new Client({ connectionString: pg.url });
      await other.connect();
      try {
        await other.query('begin');
        await other.query(`lock table message_search in exclusive mode`);
        const failing = db.connection().execute(async (conn) => {
          await sql`set statement_timeout = 300`.execute(conn);
          try {
            return await new SearchRepository(conn).indexQueued(100);
          } finally {
            await sql`set statement_timeout = 10000`.execute(conn);
          }
        });
        await expect(failing).rejects.toThrow(/statement timeout/);
        await other.query('rollback');
      } finally {
        await other.end();
      }
      expect(await queued()).toBe(1);
      expect(await texts(carol, 'durian')).toEqual([]);
      expect(await index()).toEqual({ taken: 1, upserted: 1, removed: 0 });
      expect(await texts(carol, 'durian')).toEqual(['failed once durian']);
    });
  });

  describe('on a big table the indexes serve the query (EXPLAIN)', () => {
    beforeAll(async () => {
      await rooms.create({ id: 'big', kind: 'public', name: 'big', nameKey: 'public:big', members: ['carol'] });
      // bulk set-up on a connection of its own, without the service pool's statement timeout
      const admin = new Client({ connectionString: pg.url });
      await admin.connect();
      try {
        await admin.query(`
          insert into messages (room_id, seq, event, sender_id, sender_username, sender_display_name, sender_bot,
                                client_msg_id, text, created_at)
          select 'big', g, g, 'u' || (g % 50), 'u', 'u', false, 'big-' || g,
                 'message number ' || g || ' about ' || md5(g::text) || ' 你好世界',
                 now() - (g || ' seconds')::interval
          from generate_series(1, 50000) g`);
        await admin.query(`update rooms set last_seq = 50000, last_event = 50000 where id = 'big'`);
        await admin.query('analyze messages');
        await admin.query('analyze rooms');
      } finally {
        await admin.end();
      }
      expect((await index()).taken).toBe(50000);
      await sql`analyze message_search`.execute(db);
    }, 120_000);

    /** the search statement itself, as carol (member of pub and big) asks it */
    const plan = async (terms: string[], roomId?: string) => {
      const f: SearchFilter = { userId: 'carol', includeLobby: true, terms, roomId, limit: 21 };
      const p = await explain(db, repo.query(f));
      // the live rows are looked up by id, never scanned for their text
      expect(p).not.toMatch(/Seq Scan on messages/);
      return p;
    };

    it('a rare term of 3+ characters: the trigram index message_search_text_trgm', async () => {
      expect(await plan(['c4ca42'])).toMatch(/message_search_text_trgm/);
    });

    it('a common term: walks message_search_newest (result order) and stops at the page size', async () => {
      expect(await plan(['你好'])).toMatch(/message_search_newest/);
    });

    it('a two-character Chinese term (no trigram in it): the bigram index message_search_text_bigrams', async () => {
      expect(await plan(['黄鸭'])).toMatch(/message_search_text_bigrams/);
    });

    it('a common term in one small room: the newest messages of that room (message_search_room), not of all', async () => {
      const p = await plan(['你好'], 'pub');
      expect(p).toMatch(/message_search_room/);
      expect(p).not.toMatch(/message_search_newest/);
    });

    it('the send path writes no search index: messages has none of them, nor a newest-first b-tree', async () => {
      const { rows } = await sql<{ indexname: string }>`
        select indexname from pg_indexes where tablename = 'messages' order by indexname`.execute(db);
      const names = rows.map((r) => r.indexname);
      expect(names).toEqual(expect.arrayContaining(['messages_id', 'messages_pkey']));
      expect(names.filter((n) => /trgm|bigram|newest/.test(n))).toEqual([]);
    });

    it('finds the one message with a rare term among 50 000', async () => {
      const { results } = await service.search(carol, { q: 'C4CA42' });
      expect(results.map((r) => r.message.seq)).toEqual([1]);
    });
  });
});

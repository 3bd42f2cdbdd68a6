import { Kysely, sql } from 'kysely';
import { Client } from 'pg';
import { PublicUser } from '@hihi/contracts';
import { migrateToLatest, Db } from '../../apps/chat/src/database/database';
import { MessagesRepository, NewMessage } from '../../apps/chat/src/persistence/messages.repository';
import { RoomsRepository } from '../../apps/chat/src/persistence/rooms.repository';
import { UsersRepository } from '../../apps/chat/src/persistence/users.repository';
import { SearchRepository } from '../../apps/chat/src/persistence/search.repository';
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
    service = new SearchService(new AccessService(rooms, new LocalAccessInvalidation()), new SearchRepository(db));

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
    }, 120_000);

    it('a rare term of 3+ characters: the trigram index messages_text_trgm', async () => {
      const plan = await explain(
        db,
        sql`select m.id from messages m where m.text ilike ${'%c4ca42%'} and not m.deleted
            and m.room_id in (select room_id from room_members where user_id = 'carol')
            order by m.created_at desc, m.room_id desc, m.seq desc limit 21`,
      );
      expect(plan).toMatch(/messages_text_trgm/);
    });

    it('a common term: walks messages_newest (result order) and stops at the page size', async () => {
      const plan = await explain(
        db,
        sql`select m.id from messages m where m.text ilike ${'%你好%'} and not m.deleted
            and m.room_id in (select room_id from room_members where user_id = 'carol')
            order by m.created_at desc, m.room_id desc, m.seq desc limit 21`,
      );
      expect(plan).toMatch(/messages_newest/);
    });

    it('a two-character Chinese term (no trigram in it): the bigram index messages_text_bigrams', async () => {
      const plan = await explain(
        db,
        sql`select m.id from messages m where hihi_cjk_bigrams(m.text) @> array[lower(${'黄鸭'})]
            and m.text ilike ${'%黄鸭%'} and not m.deleted
            and m.room_id in (select room_id from room_members where user_id = 'carol')
            order by m.created_at desc, m.room_id desc, m.seq desc limit 21`,
      );
      expect(plan).toMatch(/messages_text_bigrams/);
    });

    it('finds the one message with a rare term among 50 000', async () => {
      const { results } = await service.search(carol, { q: 'C4CA42' });
      expect(results.map((r) => r.message.seq)).toEqual([1]);
    });
  });
});

import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS, LIMITS, LOBBY_ROOM_ID, Message, SearchReply } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { Client as PgClient } from 'pg';
import { ack, api, Client, connect, makeUser, provision, searchUntil, sleep, TestUser } from './chat-helpers';

/**
 * GET /api/search (SPEC §4) through the real stack: gateway → bus → chat → PostgreSQL. New text
 * is indexed off the send path (chat's SearchIndexer, every SEARCH_INDEX_MS): searches of new
 * text poll (searchUntil); edits and deletions are checked on the live row at once.
 */
describe('search (real processes, real PostgreSQL)', () => {
  const stack = new Stack();
  const clients: Client[] = [];
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let guest: TestUser;
  let dmId: string;

  async function send(user: TestUser, roomId: string, text: string): Promise<Message> {
    const c = await connect(stack.url, user.token);
    clients.push(c);
    expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    const res = await ack(c, CLIENT_EVENTS.messageSend, { roomId, text, clientMsgId: randomUUID() });
    expect(res.ok).toBe(true);
    c.socket.close();
    return res.message as Message;
  }

  const search = (user: TestUser | undefined, query: string) =>
    api(stack, user?.token, 'GET', `/api/search?${query}`) as Promise<{ status: number; body: SearchReply }>;
  const q = (s: string) => `q=${encodeURIComponent(s)}`;

  beforeAll(async () => {
    await stack.start();
    alice = makeUser(stack);
    bob = makeUser(stack);
    carol = makeUser(stack);
    guest = makeUser(stack, undefined, true);
    await provision(stack, alice, bob, carol, guest);
    const dm = await api(stack, alice.token, 'POST', '/api/dms', { username: bob.username });
    expect(dm.status).toBe(201);
    dmId = dm.body.id;
    await send(alice, LOBBY_ROOM_ID, 'The Quick brown fox jumps');
    await send(bob, LOBBY_ROOM_ID, '小黄鸭你好');
    await send(alice, dmId, 'a secret plan for the 黄鸭 party');
    expect((await searchUntil(stack, bob.token, q('黄鸭'), (r) => r.results.length === 2)).body.results).toHaveLength(
      2,
    );
    expect(
      (await searchUntil(stack, carol.token, q('quick'), (r) => r.results.length === 1)).body.results,
    ).toHaveLength(1);
  }, 90_000);
  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30_000);

  it('finds English words case-insensitively, with room, sender, time, excerpt and highlights', async () => {
    const res = await search(carol, q('quick FOX'));
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(1);
    const [r] = res.body.results;
    expect(r).toMatchObject({ roomId: LOBBY_ROOM_ID, roomName: 'lobby' });
    expect(r.message).toMatchObject({ text: 'The Quick brown fox jumps', sender: { id: alice.id } });
    expect(Date.parse(r.message.createdAt)).not.toBeNaN();
    expect(r.highlights!.map(([s, e]) => r.excerpt!.slice(s, e))).toEqual(['Quick', 'fox']);
    expect(res.body.nextCursor).toBeUndefined();
  });

  it('finds Chinese substrings: 黄鸭 inside 小黄鸭你好', async () => {
    const res = await search(carol, q('黄鸭'));
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.message.text)).toEqual(['小黄鸭你好']);
    expect((await search(carol, q('鸭你好'))).body.results).toHaveLength(1);
  });

  it('respects room visibility: a DM is searched by its members only, guests see only their duck room', async () => {
    const members = await search(bob, q('黄鸭'));
    expect(members.body.results.map((r) => [r.roomId, r.message.text])).toEqual([
      [dmId, 'a secret plan for the 黄鸭 party'],
      [LOBBY_ROOM_ID, '小黄鸭你好'],
    ]);
    expect(members.body.results[0].roomName).toBe(alice.displayName);
    expect((await search(carol, q('secret'))).body.results).toEqual([]);
    expect((await search(carol, `${q('secret')}&roomId=${dmId}`)).status).toBe(404);

    const duckRoom: string = (await api(stack, guest.token, 'GET', '/api/rooms')).body[0].id;
    await send(guest, duckRoom, 'quick guest note');
    const g = await searchUntil(stack, guest.token, q('quick'), (r) =>
      r.results.some((x) => x.message.text === 'quick guest note'),
    );
    expect(g.status).toBe(200);
    // the guest's note (and whatever the duck answered there), nothing from the lobby
    expect(g.body.results.every((r) => r.roomId === duckRoom)).toBe(true);
    expect(g.body.results.filter((r) => !r.message.sender.bot).map((r) => r.message.text)).toEqual([
      'quick guest note',
    ]);
    expect((await search(guest, `${q('quick')}&roomId=${LOBBY_ROOM_ID}`)).status).toBe(403);
    expect((await search(alice, q('guest note'))).body.results).toEqual([]);
  });

  it('pages newest first with nextCursor, every match once', async () => {
    for (let i = 0; i < 7; i++) await send(carol, LOBBY_ROOM_ID, `pager entry ${i}`);
    await searchUntil(stack, alice.token, q('pager'), (r) => r.results.length === 7);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await search(alice, `${q('pager')}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.results.map((r) => r.message.text));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `pager entry ${i}`));
  });

  it('refuses bad queries with the SPEC error shape, and callers without a token', async () => {
    for (const query of [
      '',
      'q=',
      'q=%20%20',
      q('x'.repeat(LIMITS.searchQueryMax + 1)),
      `${q('a')}&limit=51`,
      `${q('a')}&limit=0`,
      `${q('a')}&cursor=!!`,
      `${q('a')}&roomId=%2F..`,
      `${q('a')}&extra=1`,
    ]) {
      const res = await search(alice, query);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(typeof (res.body as unknown as { correlationId: string }).correlationId).toBe('string');
    }
    expect((await search(alice, `${q('a')}&cursor=bm90LWpzb24`)).status).toBe(400);
    expect((await search(undefined, q('quick'))).status).toBe(401);
    expect((await search(alice, `${q('a')}&roomId=no-such-room`)).status).toBe(404);
  });
  it('a new message is searchable within 2 s of its ack', async () => {
    const word = `fresh${randomUUID().slice(0, 8)}`;
    const c = await connect(stack.url, alice.token);
    clients.push(c);
    expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID })).ok).toBe(true);
    const sent = await ack(c, CLIENT_EVENTS.messageSend, {
      roomId: LOBBY_ROOM_ID,
      text: `${word} news`,
      clientMsgId: randomUUID(),
    });
    expect(sent.ok).toBe(true);
    const found = await searchUntil(stack, bob.token, q(word), (r) => r.results.length === 1);
    expect(found.body.results.map((r) => r.message.id)).toEqual([sent.message.id]);
    expect(found.ms).toBeLessThan(2000);
  });

  it('an edit is found by its new text only (the old text at once no more); a deletion is hidden at once', async () => {
    const tag = randomUUID().slice(0, 8);
    const c = await connect(stack.url, alice.token);
    clients.push(c);
    expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID })).ok).toBe(true);
    const sent = await ack(c, CLIENT_EVENTS.messageSend, {
      roomId: LOBBY_ROOM_ID,
      text: `before${tag}`,
      clientMsgId: randomUUID(),
    });
    expect(
      (await searchUntil(stack, bob.token, q(`before${tag}`), (r) => r.results.length === 1)).body.results,
    ).toHaveLength(1);
    const edited = await ack(c, CLIENT_EVENTS.messageEdit, {
      roomId: LOBBY_ROOM_ID,
      messageId: sent.message.id,
      text: `after${tag}`,
    });
    expect(edited.ok).toBe(true);
    // the very next search: the old text finds nothing (checked on the live row)
    expect((await search(bob, q(`before${tag}`))).body.results).toEqual([]);
    const now = await searchUntil(stack, bob.token, q(`after${tag}`), (r) => r.results.length === 1);
    expect(now.body.results.map((r) => r.message.text)).toEqual([`after${tag}`]);
    expect((await search(bob, q(`before${tag}`))).body.results).toEqual([]);

    const gone = await ack(c, CLIENT_EVENTS.messageDelete, { roomId: LOBBY_ROOM_ID, messageId: sent.message.id });
    expect(gone.ok).toBe(true);
    expect((await search(bob, q(`after${tag}`))).body.results).toEqual([]);
    await sleep(1500); // and once the indexer has run too
    expect((await search(bob, q(`after${tag}`))).body.results).toEqual([]);
  });

  it('kill -9 of chat with messages still queued: indexed after the restart, none lost', async () => {
    const pg = new PgClient({ connectionString: stack.env.DATABASE_URL });
    await pg.connect();
    try {
      // a chat that indexes only at start-up (and then after 60 s): what is sent now stays queued
      stack.proc('chat').proc.kill('SIGKILL');
      const slow = stack.spawn('chat', { SEARCH_INDEX_MS: '60000' });
      await stack.waitHealthy();
      const tag = `queued${randomUUID().slice(0, 8)}`;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const until = Date.now() + 15000;
        for (;;) {
          try {
            ids.push((await send(carol, LOBBY_ROOM_ID, `${tag} number ${i}`)).id);
            break;
          } catch (err) {
            if (Date.now() > until) throw err; // chat still coming up
            await sleep(200);
          }
        }
      }
      const queued = await pg.query<{ n: number }>(
        'select count(*)::int as n from search_queue where message_id = any($1::uuid[])',
        [ids],
      );
      expect(queued.rows[0].n).toBe(5);
      await sleep(1000);
      expect((await search(alice, q(tag))).body.results).toEqual([]);

      slow.proc.kill('SIGKILL');
      stack.spawn('chat');
      const found = await searchUntil(stack, alice.token, q(tag), (r) => r.results.length === 5, 20000);
      expect(found.body.results.map((r) => r.message.id).sort()).toEqual([...ids].sort());
      const left = await pg.query<{ n: number }>(
        'select count(*)::int as n from search_queue where message_id = any($1::uuid[])',
        [ids],
      );
      expect(left.rows[0].n).toBe(0);
    } finally {
      await pg.end();
    }
  }, 90_000);
});

import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS, DUCK, LOBBY_ROOM_ID, Message, SERVER_EVENTS } from '@hihi/contracts';
import { Stack } from '../support/stack';
import {
  ack,
  api,
  Client,
  connect,
  expectGapFree,
  fullHistory,
  makeUser,
  provision,
  sleep,
  TestUser,
  until,
} from './chat-helpers';

describe('real-time chat (real processes, real Redis and database)', () => {
  const stack = new Stack();
  const clients: Client[] = [];
  beforeAll(() => stack.start(), 60000);
  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30000);

  async function open(user: TestUser): Promise<Client> {
    const c = await connect(stack.url, user.token);
    clients.push(c);
    return c;
  }

  const send = (c: Client, roomId: string, text: string, clientMsgId = randomUUID()) =>
    ack(c, CLIENT_EVENTS.messageSend, { roomId, text, clientMsgId });

  describe('handshake', () => {
    it('refuses a missing or bad token with connect_error "unauthorized"', async () => {
      await expect(connect(stack.url, undefined)).rejects.toThrow('unauthorized');
      await expect(connect(stack.url, 'not-a-jwt')).rejects.toThrow('unauthorized');
      const forged = makeUser(stack);
      await expect(connect(stack.url, forged.token.slice(0, -3) + 'abc')).rejects.toThrow('unauthorized');
    });
  });

  describe('lobby', () => {
    it('two users chat in the lobby; each receives each message exactly once, in seq order', async () => {
      const alice = makeUser(stack);
      const bob = makeUser(stack);
      const a = await open(alice);
      const b = await open(bob);
      const ja = await ack(a, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID });
      const jb = await ack(b, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID });
      expect(ja).toMatchObject({ ok: true, room: { id: LOBBY_ROOM_ID, kind: 'public' } });
      expect(Array.isArray(ja.messages)).toBe(true);
      expect(jb.online.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([alice.id, bob.id]));

      const acked: Message[] = [];
      for (let i = 0; i < 10; i++) {
        const r1 = await send(a, LOBBY_ROOM_ID, `hello ${i} from alice`);
        expect(r1.ok).toBe(true);
        acked.push(r1.message);
        const r2 = await send(b, LOBBY_ROOM_ID, `hello ${i} from bob`);
        expect(r2.ok).toBe(true);
        acked.push(r2.message);
      }
      const ids = new Set(acked.map((m) => m.id));
      for (const c of [a, b]) {
        await until(() => c.received.filter((m) => ids.has(m.id)).length >= 20);
        await sleep(200);
        const mine = c.received.filter((m) => ids.has(m.id));
        expect(mine.map((m) => m.id)).toEqual(acked.map((m) => m.id));
        const seqs = mine.map((m) => m.seq);
        expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      }
      // seqs are consecutive (nobody else writes to the lobby during this test)
      expectGapFree(acked, acked[0].seq);
      expect(acked[0].sender).toEqual({
        id: alice.id,
        username: alice.username,
        displayName: alice.displayName,
        bot: false,
      });
      expect(new Date(acked[0].createdAt).toISOString()).toBe(acked[0].createdAt);
    });

    it('a client that disconnects and rejoins with its last seq gets exactly what it missed', async () => {
      const alice = makeUser(stack);
      const bob = makeUser(stack);
      let a = await open(alice);
      const b = await open(bob);
      await ack(a, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID });
      await ack(b, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID });
      const last = (await send(a, LOBBY_ROOM_ID, 'before I go')).message.seq;
      await until(() => a.received.some((m) => m.seq === last));
      a.socket.close();
      const missed: Message[] = [];
      for (let i = 0; i < 5; i++) missed.push((await send(b, LOBBY_ROOM_ID, `while away ${i}`)).message);
      a = await open(alice);
      const j = await ack(a, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID, sinceSeq: last });
      expect(j.ok).toBe(true);
      expect(j.messages.map((m: Message) => m.id)).toEqual(missed.map((m) => m.id));
      expect(j.hasMore).toBe(false);
      // and live messages continue, once each
      const after = (await send(b, LOBBY_ROOM_ID, 'welcome back')).message;
      await until(() => a.received.some((m) => m.id === after.id));
      await sleep(100);
      expect(a.received.filter((m) => m.id === after.id)).toHaveLength(1);
      expect(a.received.filter((m) => missed.some((x) => x.id === m.id))).toHaveLength(0);
    });
  });

  describe('idempotency', () => {
    it('resending a clientMsgId stores one message and acks the same one (also five at once)', async () => {
      const alice = makeUser(stack);
      const a = await open(alice);
      await ack(a, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID });
      const id1 = randomUUID();
      const first = await send(a, LOBBY_ROOM_ID, 'once', id1);
      const again = await send(a, LOBBY_ROOM_ID, 'once', id1);
      expect(again).toEqual(first);

      const id2 = randomUUID();
      const five = await Promise.all([1, 2, 3, 4, 5].map(() => send(a, LOBBY_ROOM_ID, 'five at once', id2)));
      for (const r of five) expect(r.ok).toBe(true);
      expect(new Set(five.map((r) => r.message.id)).size).toBe(1);
      expect(new Set(five.map((r) => r.message.seq)).size).toBe(1);

      await sleep(300);
      const history = await fullHistory(stack, alice.token, LOBBY_ROOM_ID);
      expect(history.filter((m) => m.clientMsgId === id1)).toHaveLength(1);
      expect(history.filter((m) => m.clientMsgId === id2)).toHaveLength(1);
      expectGapFree(history);
      expect(a.received.filter((m) => m.clientMsgId === id2)).toHaveLength(1);
    });
  });

  describe('DMs and privacy', () => {
    it('opens one DM per pair; a third user can neither join nor read it; guests are refused', async () => {
      const alice = makeUser(stack);
      const bob = makeUser(stack);
      const carol = makeUser(stack);
      const a = await open(alice);
      const b = await open(bob);
      const c = await open(carol);
      // bob has signed in once (the gateway tells chat, whose users projection learns his name)
      await provision(stack, alice, bob, carol);

      const first = await api(stack, alice.token, 'POST', '/api/dms', { username: bob.username });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ kind: 'dm', name: bob.displayName, unread: 0, lastSeq: 0 });
      const again = await api(stack, bob.token, 'POST', '/api/dms', { username: alice.username.toUpperCase() });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.name).toBe(alice.displayName);
      const dmId: string = first.body.id;

      expect((await api(stack, alice.token, 'POST', '/api/dms', { username: 'nobody_here' })).status).toBe(404);
      expect((await api(stack, alice.token, 'POST', '/api/dms', { username: 'x' })).status).toBe(400);
      const guest = makeUser(stack, undefined, true);
      expect((await api(stack, guest.token, 'POST', '/api/dms', { username: bob.username })).status).toBe(403);

      expect((await ack(a, CLIENT_EVENTS.roomJoin, { roomId: dmId })).ok).toBe(true);
      expect((await ack(b, CLIENT_EVENTS.roomJoin, { roomId: dmId })).ok).toBe(true);
      const sent = await send(a, dmId, 'psst');
      expect(sent.ok).toBe(true);
      expect(sent.message.seq).toBe(1);
      await until(() => b.received.some((m) => m.id === sent.message.id));

      // a DM of others is, to a third user, an unknown room (SPEC §7)
      const cj = await ack(c, CLIENT_EVENTS.roomJoin, { roomId: dmId });
      expect(cj).toEqual({ ok: false, error: { code: 'not_found', message: expect.any(String) } });
      expect((await send(c, dmId, 'let me in')).error.code).toBe('not_found');
      const read = await api(stack, carol.token, 'GET', `/api/rooms/${dmId}/messages`);
      expect(read.status).toBe(404);
      expect(read.body).toMatchObject({ statusCode: 404, error: 'Not Found', correlationId: expect.any(String) });
      await sleep(200);
      expect(c.received.some((m) => m.roomId === dmId)).toBe(false);
      const carolRooms = await api(stack, carol.token, 'GET', '/api/rooms');
      expect(carolRooms.body.some((r: { id: string }) => r.id === dmId)).toBe(false);
      const aliceRooms = await api(stack, alice.token, 'GET', '/api/rooms');
      expect(aliceRooms.body.some((r: { id: string }) => r.id === dmId)).toBe(true);

      expect((await api(stack, alice.token, 'GET', `/api/rooms/nope-${randomUUID()}/messages`)).status).toBe(404);
      expect((await api(stack, undefined, 'GET', `/api/rooms`)).status).toBe(401);
    });

    it('guests reach only their own duck room', async () => {
      const guest = makeUser(stack, undefined, true);
      await provision(stack, guest);
      const g = await open(guest);
      const rooms = await api(stack, guest.token, 'GET', '/api/rooms');
      expect(rooms.status).toBe(200);
      expect(rooms.body).toHaveLength(1);
      expect(rooms.body[0]).toMatchObject({ kind: 'bot', lastSeq: 1, unread: 1 });
      const duckId: string = rooms.body[0].id;

      // public rooms are no secret: 403, as to any non-member (SPEC §4); guests only chat with the duck
      expect((await ack(g, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID })).error.code).toBe('forbidden');
      expect((await send(g, LOBBY_ROOM_ID, 'hi all')).error.code).toBe('forbidden');
      expect((await api(stack, guest.token, 'GET', `/api/rooms/${LOBBY_ROOM_ID}/messages`)).status).toBe(403);
      expect((await api(stack, guest.token, 'POST', '/api/rooms', { name: 'guest room' })).status).toBe(403);

      const j = await ack(g, CLIENT_EVENTS.roomJoin, { roomId: duckId });
      expect(j.ok).toBe(true);
      expect(j.messages).toHaveLength(1);
      expect(j.messages[0]).toMatchObject({
        seq: 1,
        text: DUCK.greetingGuest,
        sender: { id: 'bot:duck', bot: true, displayName: '小黄鸭' },
      });

      // another guest's duck room is not reachable
      const other = makeUser(stack, undefined, true);
      await provision(stack, other);
      const otherRooms = await api(stack, other.token, 'GET', '/api/rooms');
      expect((await ack(g, CLIENT_EVENTS.roomJoin, { roomId: otherRooms.body[0].id })).error.code).toBe('not_found');
    });
  });

  describe('the duck', () => {
    it('greets a user, answers or echoes everything in the duck room, answers mentions elsewhere', async () => {
      // the trained duck (BOT default) loads or trains its model in the background at start
      const chat = stack.procs.find((p) => p.service === 'chat')!;
      expect(
        await until(
          () => chat.lines.some((l) => l.includes('TrainedDuck') && /model (trained|loaded)/.test(l)),
          30_000,
        ),
      ).toBe(true);
      const alice = makeUser(stack);
      await provision(stack, alice);
      const a = await open(alice);
      const rooms = await api(stack, alice.token, 'GET', '/api/rooms');
      const duck = rooms.body.find((r: { kind: string }) => r.kind === 'bot');
      expect(duck).toBeDefined();
      expect(rooms.body[0].id).toBe(LOBBY_ROOM_ID);
      const j = await ack(a, CLIENT_EVENTS.roomJoin, { roomId: duck.id });
      expect(j.messages.map((m: Message) => [m.seq, m.text, m.sender.bot])).toEqual([[1, DUCK.greetingUser, true]]);

      // what it has not learned, it echoes
      const sent = await send(a, duck.id, '  紫色长颈鹿 purple giraffe 42  ');
      expect(sent.message).toMatchObject({ seq: 2, text: '紫色长颈鹿 purple giraffe 42' });
      await until(() => a.received.some((m) => m.roomId === duck.id && m.sender.bot));
      const echo = a.received.find((m) => m.roomId === duck.id && m.sender.bot)!;
      expect(echo).toMatchObject({
        seq: 3,
        text: '紫色长颈鹿 purple giraffe 42',
        clientMsgId: `re:${sent.message.id}:0`,
        sender: { id: 'bot:duck', username: 'duck', displayName: '小黄鸭', bot: true },
      });

      // a retried send does not make a second answer
      await send(a, duck.id, '紫色长颈鹿 purple giraffe 42', sent.message.clientMsgId);
      await sleep(300);
      expect((await fullHistory(stack, alice.token, duck.id)).map((m) => m.seq)).toEqual([1, 2, 3]);

      // what it has learned, it answers (in the language it was asked)
      await send(a, duck.id, '怎么注册账号?');
      await until(() => a.received.filter((m) => m.roomId === duck.id && m.sender.bot).length >= 2);
      const answer = a.received.filter((m) => m.roomId === duck.id && m.sender.bot)[1];
      expect(answer.text).toContain('注册');
      expect(answer.text).not.toBe('怎么注册账号?');

      // mentions in the lobby
      await ack(a, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID });
      const m1 = await send(a, LOBBY_ROOM_ID, 'qwzx @duck vbnm');
      const m2 = await send(a, LOBBY_ROOM_ID, '@小黄鸭 紫色长颈鹿');
      const m3 = await send(a, LOBBY_ROOM_ID, 'no mention of ducks here, email me@duckmail.com');
      expect([m1.ok, m2.ok, m3.ok]).toEqual([true, true, true]);
      await until(
        () =>
          a.received.filter((m) => m.roomId === LOBBY_ROOM_ID && m.sender.bot && m.seq > m1.message.seq).length >= 2,
      );
      await sleep(300);
      const replies = a.received.filter((m) => m.roomId === LOBBY_ROOM_ID && m.sender.bot && m.seq > m1.message.seq);
      expect(replies).toHaveLength(2);
      expect(replies.map((r) => r.text).sort()).toEqual(['qwzx vbnm', '紫色长颈鹿'].sort());
    });
  });

  describe('rooms, unread, read positions, typing, presence', () => {
    it('creates public rooms (409 on duplicate names, any case), tracks unread and read positions', async () => {
      const alice = makeUser(stack);
      const bob = makeUser(stack);
      const name = `Room ${randomUUID().slice(0, 8)}`;
      const created = await api(stack, alice.token, 'POST', '/api/rooms', { name });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name, kind: 'public', unread: 0, lastSeq: 0 });
      expect((await api(stack, bob.token, 'POST', '/api/rooms', { name: name.toUpperCase() })).status).toBe(409);
      expect((await api(stack, bob.token, 'POST', '/api/rooms', { name: 'LOBBY' })).status).toBe(409);
      expect((await api(stack, bob.token, 'POST', '/api/rooms', { name: '' })).status).toBe(400);
      expect((await api(stack, bob.token, 'POST', '/api/rooms', { name: 'x', extra: 1 })).status).toBe(400);
      const roomId: string = created.body.id;
      // public rooms are joined explicitly (SPEC §7)
      expect((await api(stack, bob.token, 'POST', `/api/rooms/${roomId}/join`)).status).toBe(200);

      const a = await open(alice);
      const b = await open(bob);
      await ack(a, CLIENT_EVENTS.roomJoin, { roomId });
      for (let i = 0; i < 3; i++) await send(a, roomId, `m${i}`);
      const bobRooms = await api(stack, bob.token, 'GET', '/api/rooms');
      expect(bobRooms.body.find((r: { id: string }) => r.id === roomId)).toMatchObject({ unread: 3, lastSeq: 3 });

      const r = await ack(b, CLIENT_EVENTS.roomRead, { roomId, seq: 2 });
      expect(r.ok).toBe(true);
      await until(() => b.events.some((e) => e.event === SERVER_EVENTS.roomUpdated));
      const upd = b.events.find((e) => e.event === SERVER_EVENTS.roomUpdated)!.args[0];
      expect(upd).toMatchObject({ id: roomId, unread: 1, lastSeq: 3 });
      // the read position never goes back, and never past the last message
      await ack(b, CLIENT_EVENTS.roomRead, { roomId, seq: 1 });
      let again = await api(stack, bob.token, 'GET', '/api/rooms');
      expect(again.body.find((x: { id: string }) => x.id === roomId).unread).toBe(1);
      await ack(b, CLIENT_EVENTS.roomRead, { roomId, seq: 999 });
      await send(a, roomId, 'one more');
      again = await api(stack, bob.token, 'GET', '/api/rooms');
      expect(again.body.find((x: { id: string }) => x.id === roomId).unread).toBe(1);
      expect(a.events.some((e) => e.event === SERVER_EVENTS.roomUpdated)).toBe(false);

      // history paging
      const page = await api(stack, bob.token, 'GET', `/api/rooms/${roomId}/messages?limit=2`);
      expect(page.body.messages.map((m: Message) => m.seq)).toEqual([3, 4]);
      expect(page.body.hasMore).toBe(true);
      const older = await api(stack, bob.token, 'GET', `/api/rooms/${roomId}/messages?beforeSeq=3&limit=2`);
      expect(older.body).toMatchObject({ hasMore: false });
      expect(older.body.messages.map((m: Message) => m.seq)).toEqual([1, 2]);
      const newer = await api(stack, bob.token, 'GET', `/api/rooms/${roomId}/messages?afterSeq=1&limit=2`);
      expect(newer.body.messages.map((m: Message) => m.seq)).toEqual([2, 3]);
      expect(newer.body.hasMore).toBe(true);
      for (const bad of ['limit=101', 'limit=0', 'afterSeq=abc', 'limit=1&x=2', 'beforeSeq=-1']) {
        expect((await api(stack, bob.token, 'GET', `/api/rooms/${roomId}/messages?${bad}`)).status).toBe(400);
      }
    });

    it('relays typing to the other members and keeps presence per room', async () => {
      const alice = makeUser(stack);
      const bob = makeUser(stack);
      const name = `Presence ${randomUUID().slice(0, 8)}`;
      const roomId: string = (await api(stack, alice.token, 'POST', '/api/rooms', { name })).body.id;
      await api(stack, bob.token, 'POST', `/api/rooms/${roomId}/join`);
      const a = await open(alice);
      const b = await open(bob);
      const ja = await ack(a, CLIENT_EVENTS.roomJoin, { roomId });
      expect(ja.online.map((u: { id: string }) => u.id)).toEqual([alice.id]);
      await ack(b, CLIENT_EVENTS.roomJoin, { roomId });
      const presenceOf = (c: Client) =>
        c.events.filter(
          (e) => e.event === SERVER_EVENTS.presence && (e.args[0] as { roomId: string }).roomId === roomId,
        );
      // presence goes out as deltas: alice is told bob joined, with the room's count
      type Delta = { joined: { id: string }[]; left: string[]; onlineCount: number };
      const deltas = (c: Client) => presenceOf(c).map((e) => e.args[0] as Delta);
      await until(() => deltas(a).some((d) => d.joined.some((u) => u.id === bob.id)));
      expect(deltas(a).find((d) => d.joined.some((u) => u.id === bob.id))).toMatchObject({ left: [], onlineCount: 2 });

      // typing: no ack needed, relayed to bob only
      a.socket.emit(CLIENT_EVENTS.typing, { roomId, typing: true });
      await until(() => b.events.some((e) => e.event === SERVER_EVENTS.typing));
      expect(b.events.find((e) => e.event === SERVER_EVENTS.typing)!.args[0]).toMatchObject({
        roomId,
        typing: true,
        user: { id: alice.id },
      });
      await sleep(100);
      expect(a.events.some((e) => e.event === SERVER_EVENTS.typing)).toBe(false);
      expect((await ack(b, CLIENT_EVENTS.typing, { roomId: LOBBY_ROOM_ID, typing: true })).error.code).toBe(
        'forbidden',
      );

      // bob leaves by disconnecting: alice sees him go
      const seen = deltas(a).length;
      b.socket.close();
      await until(() =>
        deltas(a)
          .slice(seen)
          .some((d) => d.left.includes(bob.id)),
      );
      expect(
        deltas(a)
          .slice(seen)
          .find((d) => d.left.includes(bob.id)),
      ).toMatchObject({ joined: [], onlineCount: 1 });
      // and a newcomer's join ack lists who is online now, with the count
      const newcomer = makeUser(stack);
      await api(stack, newcomer.token, 'POST', `/api/rooms/${roomId}/join`);
      const c = await open(newcomer);
      const jc = await ack(c, CLIENT_EVENTS.roomJoin, { roomId });
      expect(jc.online.map((u: { id: string }) => u.id)).toContain(alice.id);
      expect(jc.online.map((u: { id: string }) => u.id)).not.toContain(bob.id);
      expect(jc.onlineCount).toBe(2);
    });
  });

  describe('bad input and limits', () => {
    it('answers every malformed payload with a validation ack and keeps the socket connected', async () => {
      const alice = makeUser(stack);
      const a = await open(alice);
      const bad: [string, unknown][] = [
        [CLIENT_EVENTS.messageSend, null],
        [CLIENT_EVENTS.messageSend, 'hello'],
        [CLIENT_EVENTS.messageSend, 42],
        [CLIENT_EVENTS.messageSend, [1, 2]],
        [CLIENT_EVENTS.messageSend, {}],
        [CLIENT_EVENTS.messageSend, { roomId: LOBBY_ROOM_ID, text: 'x' }],
        [CLIENT_EVENTS.messageSend, { roomId: LOBBY_ROOM_ID, text: 5, clientMsgId: 'a' }],
        [CLIENT_EVENTS.messageSend, { roomId: LOBBY_ROOM_ID, text: '   ', clientMsgId: 'a' }],
        [CLIENT_EVENTS.messageSend, { roomId: LOBBY_ROOM_ID, text: 'x'.repeat(4001), clientMsgId: 'a' }],
        [CLIENT_EVENTS.messageSend, { roomId: LOBBY_ROOM_ID, text: 'x', clientMsgId: 'a', extra: true }],
        [CLIENT_EVENTS.messageSend, { roomId: { $ne: 1 }, text: 'x', clientMsgId: 'a' }],
        [CLIENT_EVENTS.messageSend, { roomId: LOBBY_ROOM_ID, text: 'x', clientMsgId: 'y'.repeat(65) }],
        // JSON text: an object literal's __proto__ sets the prototype and never travels as a key
        [CLIENT_EVENTS.messageSend, JSON.parse('{"__proto__":{"x":1},"roomId":"lobby","text":"x","clientMsgId":"a"}')],
        [CLIENT_EVENTS.roomJoin, JSON.parse('{"roomId":"lobby","constructor":{"prototype":{}}}')],
        [CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID, sinceSeq: -1 }],
        [CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID, sinceSeq: '3' }],
        [CLIENT_EVENTS.roomJoin, { roomId: 'x'.repeat(500) }],
        [CLIENT_EVENTS.roomRead, { roomId: LOBBY_ROOM_ID, seq: 1.5 }],
        [CLIENT_EVENTS.roomLeave, undefined],
        [CLIENT_EVENTS.typing, { roomId: LOBBY_ROOM_ID, typing: 'yes' }],
      ];
      for (const [event, payload] of bad) {
        const r = await ack(a, event, payload);
        expect({ event, payload, r }).toEqual({
          event,
          payload,
          r: { ok: false, error: { code: 'validation', message: expect.any(String) } },
        });
      }
      // no ack callback, several arguments, unknown events: no crash
      a.socket.emit(CLIENT_EVENTS.messageSend, { roomId: 1 });
      a.socket.emit(CLIENT_EVENTS.roomJoin);
      a.socket.emit('no-such-event', { x: 1 });
      const multi = await a.socket
        .timeout(3000)
        .emitWithAck(CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID }, 'extra');
      expect(multi.error.code).toBe('validation');
      // still connected and working
      expect(a.socket.connected).toBe(true);
      expect((await ack(a, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID })).ok).toBe(true);
      const ok = await send(a, LOBBY_ROOM_ID, 'x'.repeat(4000));
      expect(ok.ok).toBe(true);
      expect((await ack(a, CLIENT_EVENTS.roomJoin, { roomId: 'no-such-room' })).error.code).toBe('not_found');
    });

    it('closes a socket whose frame exceeds the size cap, without harming others', async () => {
      const alice = makeUser(stack);
      const a = await open(alice);
      const b = await open(makeUser(stack));
      const closed = new Promise<string>((r) => a.socket.once('disconnect', (reason) => r(reason)));
      a.socket.emit(CLIENT_EVENTS.messageSend, {
        roomId: LOBBY_ROOM_ID,
        text: 'x'.repeat(64 * 1024),
        clientMsgId: 'big',
      });
      expect(await closed).toBeDefined();
      expect((await ack(b, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID })).ok).toBe(true);
    });

    it('limits the send rate per user (burst, then rate_limited)', async () => {
      const alice = makeUser(stack);
      const a = await open(alice);
      const name = `Rate ${randomUUID().slice(0, 8)}`;
      const roomId: string = (await api(stack, alice.token, 'POST', '/api/rooms', { name })).body.id;
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => send(a, roomId, `r${i}`)));
      const ok = results.filter((r) => r.ok).length;
      const limited = results.filter((r) => !r.ok && r.error.code === 'rate_limited').length;
      expect(ok + limited).toBe(30);
      expect(ok).toBeGreaterThanOrEqual(20);
      expect(ok).toBeLessThanOrEqual(22);
      expect(limited).toBeGreaterThan(0);
      await sleep(250);
      expect((await send(a, roomId, 'after a pause')).ok).toBe(true);
      const history = await fullHistory(stack, alice.token, roomId);
      expect(history).toHaveLength(ok + 1);
      expectGapFree(history);
    });
  });
});

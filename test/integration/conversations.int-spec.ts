import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS, LOBBY_ROOM_ID, Message, SERVER_EVENTS } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, makeUser, provision, sleep, TestUser, until, joinRoom } from './chat-helpers';

/** Edits, deletions, reactions, replies and mentions (SPEC §5) through the real stack. */
describe('conversations (real processes, real PostgreSQL and Redis)', () => {
  const stack = new Stack();
  const clients: Client[] = [];
  beforeAll(() => stack.start(), 60000);
  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30000);

  async function open(user: TestUser, roomId = LOBBY_ROOM_ID): Promise<Client> {
    const c = await connect(stack.url, user.token);
    clients.push(c);
    expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    return c;
  }

  const send = async (c: Client, text: string, extra: Record<string, unknown> = {}, roomId = LOBBY_ROOM_ID) => {
    const res = await ack(c, CLIENT_EVENTS.messageSend, { roomId, text, clientMsgId: randomUUID(), ...extra });
    expect(res.ok).toBe(true);
    return res.message as Message;
  };

  const updates = (c: Client, id: string): Message[] =>
    c.events
      .filter((e) => e.event === SERVER_EVENTS.messageUpdated)
      .map((e) => e.args[0] as Message)
      .filter((m) => m.id === id);

  it('edits and deletes own messages, live to every member exactly once; others cannot', async () => {
    const alice = makeUser(stack);
    const bob = makeUser(stack);
    const a = await open(alice);
    const b = await open(bob);
    const m = await send(a, 'helo wrold');

    const edited = await ack(a, CLIENT_EVENTS.messageEdit, {
      roomId: LOBBY_ROOM_ID,
      messageId: m.id,
      text: 'hello world',
    });
    expect(edited.ok).toBe(true);
    expect(edited.message).toMatchObject({ id: m.id, seq: m.seq, text: 'hello world' });
    expect(Date.parse(edited.message.editedAt)).toBeGreaterThanOrEqual(Date.parse(m.createdAt));
    await until(() => updates(b, m.id).length === 1 && updates(a, m.id).length === 1);

    const notYours = await ack(b, CLIENT_EVENTS.messageEdit, {
      roomId: LOBBY_ROOM_ID,
      messageId: m.id,
      text: 'mine now',
    });
    expect(notYours.error.code).toBe('forbidden');
    expect((await ack(b, CLIENT_EVENTS.messageDelete, { roomId: LOBBY_ROOM_ID, messageId: m.id })).error.code).toBe(
      'forbidden',
    );

    const gone = await ack(a, CLIENT_EVENTS.messageDelete, { roomId: LOBBY_ROOM_ID, messageId: m.id });
    expect(gone.ok).toBe(true);
    expect(gone.message).toMatchObject({ id: m.id, seq: m.seq, deleted: true, text: '' });
    await until(() => updates(b, m.id).length === 2);
    await sleep(100);
    expect(updates(b, m.id).map((u) => [u.text, !!u.deleted])).toEqual([
      ['hello world', false],
      ['', true],
    ]);
    // history shows the tombstone in place, seq kept
    const page = await api(
      stack,
      bob.token,
      'GET',
      `/api/rooms/${LOBBY_ROOM_ID}/messages?afterSeq=${m.seq - 1}&limit=1`,
    );
    expect(page.body.messages[0]).toMatchObject({ id: m.id, seq: m.seq, deleted: true, text: '' });
    // a deleted message cannot be edited again
    expect(
      (await ack(a, CLIENT_EVENTS.messageEdit, { roomId: LOBBY_ROOM_ID, messageId: m.id, text: 'back' })).error.code,
    ).toBe('not_found');
  });

  it('reactions by anyone in the room, toggled, with counts and who reacted', async () => {
    const alice = makeUser(stack);
    const bob = makeUser(stack);
    const a = await open(alice);
    const b = await open(bob);
    const m = await send(a, 'react to me');
    const r1 = await ack(b, CLIENT_EVENTS.messageReact, {
      roomId: LOBBY_ROOM_ID,
      messageId: m.id,
      emoji: '👍',
      on: true,
    });
    expect(r1.message.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.id] }]);
    const r2 = await ack(a, CLIENT_EVENTS.messageReact, {
      roomId: LOBBY_ROOM_ID,
      messageId: m.id,
      emoji: '👍',
      on: true,
    });
    expect(r2.message.reactions).toEqual([{ emoji: '👍', count: 2, userIds: [bob.id, alice.id] }]);
    // reacting again changes nothing; toggling off removes only one's own
    const again = await ack(b, CLIENT_EVENTS.messageReact, {
      roomId: LOBBY_ROOM_ID,
      messageId: m.id,
      emoji: '👍',
      on: true,
    });
    expect(again.message.reactions[0].count).toBe(2);
    const off = await ack(b, CLIENT_EVENTS.messageReact, {
      roomId: LOBBY_ROOM_ID,
      messageId: m.id,
      emoji: '👍',
      on: false,
    });
    expect(off.message.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [alice.id] }]);
    await until(() => updates(a, m.id).length >= 3);
    expect(updates(a, m.id).at(-1)?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [alice.id] }]);
    // not an emoji
    const bad = await ack(b, CLIENT_EVENTS.messageReact, {
      roomId: LOBBY_ROOM_ID,
      messageId: m.id,
      emoji: '<b>',
      on: true,
    });
    expect(bad.error.code).toBe('validation');
  });

  it('replies carry a preview of the original; a reply to another room’s message is refused', async () => {
    const alice = makeUser(stack);
    const bob = makeUser(stack);
    await provision(stack, alice, bob);
    const a = await open(alice);
    const b = await open(bob);
    const original = await send(a, 'what time is the meeting?');
    const reply = await send(b, 'at three', { replyTo: original.id });
    expect(reply.replyTo).toMatchObject({
      id: original.id,
      seq: original.seq,
      text: 'what time is the meeting?',
      sender: { id: alice.id },
    });
    await until(() => a.received.some((m) => m.id === reply.id));
    expect(a.received.find((m) => m.id === reply.id)?.replyTo?.id).toBe(original.id);

    const dm = await api(stack, alice.token, 'POST', '/api/dms', { username: bob.username });
    const inDm = await send(a, 'private', {}, dm.body.id);
    const cross = await ack(b, CLIENT_EVENTS.messageSend, {
      roomId: LOBBY_ROOM_ID,
      text: 'quoting a DM into the lobby',
      clientMsgId: randomUUID(),
      replyTo: inDm.id,
    });
    expect(cross.error.code).toBe('not_found');

    // the original deleted: the reply's preview says so
    await ack(a, CLIENT_EVENTS.messageDelete, { roomId: LOBBY_ROOM_ID, messageId: original.id });
    const page = await api(
      stack,
      bob.token,
      'GET',
      `/api/rooms/${LOBBY_ROOM_ID}/messages?afterSeq=${reply.seq - 1}&limit=1`,
    );
    expect(page.body.messages[0].replyTo).toMatchObject({ id: original.id, deleted: true, text: '' });
  });

  it('mentions are stored and counted per room for the mentioned member', async () => {
    const alice = makeUser(stack);
    const bob = makeUser(stack);
    await provision(stack, alice, bob);
    const a = await open(alice);
    const b = await open(bob);
    const before = (await api(stack, bob.token, 'GET', '/api/rooms')).body.find(
      (r: { id: string }) => r.id === LOBBY_ROOM_ID,
    );
    const m = await send(a, `hey @${bob.username}, and a@example.com is no mention`);
    expect(m.mentions).toEqual([bob.id]);
    const after = (await api(stack, bob.token, 'GET', '/api/rooms')).body.find(
      (r: { id: string }) => r.id === LOBBY_ROOM_ID,
    );
    expect(after.mentions).toBe(before.mentions + 1);
    const read = await ack(b, CLIENT_EVENTS.roomRead, { roomId: LOBBY_ROOM_ID, seq: m.seq });
    expect(read.room).toMatchObject({ mentions: 0, unread: 0 });
  });

  it('a mention reaches the mentioned person live as room:updated, also in a room they have not opened', async () => {
    const alice = makeUser(stack);
    const bob = makeUser(stack);
    await provision(stack, alice, bob);
    const roomId = (
      await api(stack, alice.token, 'POST', '/api/rooms', { name: `Mentions ${randomUUID().slice(0, 8)}` })
    ).body.id as string;
    const a = await open(alice, roomId);
    // bob is a member (mentions count members only) but has not opened the room
    await joinRoom(stack, bob, roomId);
    const b = await connect(stack.url, bob.token);
    clients.push(b);
    const views = () =>
      b.events
        .filter((e) => e.event === SERVER_EVENTS.roomUpdated)
        .map((e) => e.args[0] as { id: string; mentions: number; unread: number })
        .filter((r) => r.id === roomId);
    await send(a, 'no mention here', {}, roomId);
    await send(a, `@${bob.username} look`, {}, roomId);
    await until(() => views().length > 0, 5000, 50);
    expect(views()).toEqual([expect.objectContaining({ id: roomId, mentions: 1, unread: 2 })]);
    // the sender is not told about their own mention of themselves
    const selfViews = () => a.events.filter((e) => e.event === SERVER_EVENTS.roomUpdated).length;
    await send(a, `note to @${alice.username}`, {}, roomId);
    await sleep(300);
    expect(selfViews()).toBe(0);
  });

  it('changes are refused in rooms one cannot see', async () => {
    const alice = makeUser(stack);
    const bob = makeUser(stack);
    const eve = makeUser(stack);
    await provision(stack, alice, bob, eve);
    const dm = await api(stack, alice.token, 'POST', '/api/dms', { username: bob.username });
    const a = await open(alice, dm.body.id);
    const m = await send(a, 'just us', {}, dm.body.id);
    const e = await connect(stack.url, eve.token);
    clients.push(e);
    for (const [event, payload] of [
      [CLIENT_EVENTS.messageReact, { roomId: dm.body.id, messageId: m.id, emoji: '😈', on: true }],
      [CLIENT_EVENTS.messageEdit, { roomId: dm.body.id, messageId: m.id, text: 'hacked' }],
      [CLIENT_EVENTS.messageDelete, { roomId: dm.body.id, messageId: m.id }],
    ] as const) {
      // a DM of others is an unknown room to eve (SPEC §7)
      expect((await ack(e, event, payload)).error.code).toBe('not_found');
    }
    // a message id from another room, addressed to a room one can see
    const wrong = await ack(e, CLIENT_EVENTS.messageReact, {
      roomId: LOBBY_ROOM_ID,
      messageId: m.id,
      emoji: '😈',
      on: true,
    });
    expect(wrong.error.code).toBe('not_found');
  });

  it('a client that rejoins with its last seq also receives the edits, deletions and reactions it missed', async () => {
    const alice = makeUser(stack);
    const bob = makeUser(stack);
    const a = await open(alice);
    let b = await open(bob);
    const m1 = await send(a, 'first');
    const m2 = await send(a, 'second');
    const m3 = await send(a, 'third');
    await until(() => b.received.some((m) => m.id === m3.id));
    const lastSeen = m3.seq;
    b.socket.close();

    await ack(a, CLIENT_EVENTS.messageEdit, { roomId: LOBBY_ROOM_ID, messageId: m1.id, text: 'first (edited)' });
    await ack(a, CLIENT_EVENTS.messageDelete, { roomId: LOBBY_ROOM_ID, messageId: m2.id });
    await ack(a, CLIENT_EVENTS.messageReact, { roomId: LOBBY_ROOM_ID, messageId: m3.id, emoji: '🎉', on: true });
    const m4 = await send(a, 'fourth');

    b = await connect(stack.url, bob.token);
    clients.push(b);
    const j = await ack(b, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID, sinceSeq: lastSeen });
    expect(j.messages.map((m: Message) => m.id)).toEqual([m4.id]);
    const byId = new Map<string, Message>(j.updates.map((m: Message) => [m.id, m]));
    expect(byId.get(m1.id)).toMatchObject({ text: 'first (edited)' });
    expect(byId.get(m2.id)).toMatchObject({ deleted: true, text: '' });
    expect(byId.get(m3.id)?.reactions).toEqual([{ emoji: '🎉', count: 1, userIds: [alice.id] }]);
    expect(j.updates.every((m: Message) => m.seq <= lastSeen)).toBe(true);
  });
});

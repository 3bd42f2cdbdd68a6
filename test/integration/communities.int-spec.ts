import { randomUUID } from 'node:crypto';
import { freePort } from '@hihi/infra';
import { CLIENT_EVENTS, Message, SERVER_EVENTS } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, makeUser, provision, searchUntil, sleep, TestUser, until } from './chat-helpers';

/**
 * Communities (SPEC §7) through the real processes — auth, chat and TWO gateways, real Redis and
 * PostgreSQL: private rooms answer 404 to outsiders everywhere, removal takes effect on every
 * gateway within a second and stops every event kind, the re-added catch up, the last owner
 * stays, no escalation, group identity, archive.
 */
describe('communities: private rooms, membership, removal (real processes, two gateways)', () => {
  const stack = new Stack();
  const clients: Client[] = [];
  let url2 = '';
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;

  beforeAll(async () => {
    await stack.start();
    url2 = `http://127.0.0.1:${await freePort()}`;
    stack.spawn('gateway', { PORT: url2.split(':')[2] });
    await stack.waitHealthy(url2);
    [alice, bob, carol, dave] = [makeUser(stack), makeUser(stack), makeUser(stack), makeUser(stack)];
    await provision(stack, alice, bob, carol, dave);
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30_000);

  const open = async (user: TestUser, base = stack.url): Promise<Client> => {
    const c = await connect(base, user.token);
    clients.push(c);
    return c;
  };
  const send = (c: Client, roomId: string, text: string) =>
    ack(c, CLIENT_EVENTS.messageSend, { roomId, text, clientMsgId: randomUUID() });
  /** Events of a room (room:updated carries the Room: its `id`). */
  const eventsOf = (c: Client, event: string, roomId: string) =>
    c.events.filter((e) => {
      const p = e.args[0] as { roomId?: string; id?: string } | undefined;
      return e.event === event && (p?.roomId ?? p?.id) === roomId;
    });
  const privateRoom = async (owner: TestUser, name = `secret ${randomUUID().slice(0, 8)}`) => {
    const res = await api(stack, owner.token, 'POST', '/api/rooms', { name, kind: 'private' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const upload = async (user: TestUser, text: string) => {
    const form = new FormData();
    form.append('file', new Blob([new TextEncoder().encode(text)]), 'notes.txt');
    const res = await fetch(`${stack.url}/api/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}` },
      body: form,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; url: string };
  };

  it('a private room is invisible to outsiders: every endpoint and socket command answers as for an unknown room', async () => {
    const roomId = await privateRoom(alice);
    const a = await open(alice);
    expect((await ack(a, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    const file = await upload(alice, 'private notes');
    const sent = await ack(a, CLIENT_EVENTS.messageSend, {
      roomId,
      text: 'the plan: zebracorn',
      clientMsgId: randomUUID(),
      attachments: [file.id],
    });
    expect(sent.ok).toBe(true);
    const messageId = sent.message.id as string;

    const unknown = 'room-00000000-0000-0000-0000-000000000000';
    const rest = async (id: string): Promise<Array<[string, number, string]>> => {
      const calls: Array<[string, string, unknown?]> = [
        ['GET', `/api/rooms/${id}/messages`],
        ['POST', `/api/rooms/${id}/join`],
        ['POST', `/api/rooms/${id}/leave`],
        ['GET', `/api/rooms/${id}/members`],
        ['POST', `/api/rooms/${id}/members`, { username: dave.username }],
        ['DELETE', `/api/rooms/${id}/members/${alice.id}`],
        ['PATCH', `/api/rooms/${id}/members/${alice.id}`, { role: 'member' }],
        ['PATCH', `/api/rooms/${id}`, { topic: 'mine now' }],
        ['GET', `/api/search?q=zebracorn&roomId=${id}`],
      ];
      const out: Array<[string, number, string]> = [];
      for (const [method, path, body] of calls) {
        const res = await api(stack, carol.token, method, path, body);
        out.push([`${method} ${path.replace(id, ':id')}`, res.status, res.body?.message]);
      }
      return out;
    };
    const outsider = await rest(roomId);
    expect(outsider.every(([, status]) => status === 404)).toBe(true);
    expect(outsider).toEqual(await rest(unknown)); // word for word the same as an unknown room

    // nowhere listed, nothing found, its file not there
    expect((await api(stack, carol.token, 'GET', '/api/rooms')).body.map((r: { id: string }) => r.id)).not.toContain(
      roomId,
    );
    const dir = await api(stack, carol.token, 'GET', '/api/rooms/directory?q=secret');
    expect(dir.body.rooms.map((r: { id: string }) => r.id)).not.toContain(roomId);
    // once indexed (its member finds it), still nothing for the outsider
    const found = await searchUntil(stack, alice.token, 'q=zebracorn', (r) => r.results.length === 1);
    expect(found.body.results.map((r) => r.message.id)).toEqual([messageId]);
    expect((await api(stack, carol.token, 'GET', '/api/search?q=zebracorn')).body.results).toEqual([]);
    expect(
      (await fetch(`${stack.url}${file.url}`, { headers: { authorization: `Bearer ${carol.token}` } })).status,
    ).toBe(404);

    const c = await open(carol, url2);
    const socketCodes = async (id: string) => [
      (await ack(c, CLIENT_EVENTS.roomJoin, { roomId: id })).error?.code,
      (await send(c, id, 'let me in')).error?.code,
      (await ack(c, CLIENT_EVENTS.messageEdit, { roomId: id, messageId, text: 'x' })).error?.code,
      (await ack(c, CLIENT_EVENTS.messageDelete, { roomId: id, messageId })).error?.code,
      (await ack(c, CLIENT_EVENTS.messageReact, { roomId: id, messageId, emoji: '👍', on: true })).error?.code,
      (await ack(c, CLIENT_EVENTS.roomRead, { roomId: id, seq: 1 })).error?.code,
    ];
    expect(await socketCodes(roomId)).toEqual([
      'not_found',
      'not_found',
      'not_found',
      'not_found',
      'not_found',
      'not_found',
    ]);
    expect(await socketCodes(roomId)).toEqual(await socketCodes(unknown));
    expect(eventsOf(c, SERVER_EVENTS.messageNew, roomId)).toEqual([]);
  });

  it('removal on two gateways: room:removed within 1 s, then no event of the room reaches them; refused everywhere; re-added they catch up', async () => {
    const roomId = await privateRoom(alice);
    const a = await open(alice);
    const b1 = await open(bob); // bob on both gateways
    const b2 = await open(bob, url2);
    const d = await open(dave, url2);
    const added = await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/members`, { username: bob.username });
    expect(added).toMatchObject({ status: 201, body: { user: { id: bob.id }, role: 'member' } });
    // the invitee sees the room live (it joins their room list)
    expect(await until(() => eventsOf(b2, SERVER_EVENTS.roomUpdated, roomId).length > 0, 3000)).toBe(true);
    expect(
      (await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/members`, { username: dave.username })).status,
    ).toBe(201);
    for (const c of [a, b1, b2, d]) expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    const before = await send(a, roomId, 'before the removal');
    expect(before.ok).toBe(true);
    await until(() => [b1, b2].every((c) => c.received.some((m) => m.id === before.message.id)), 3000);
    const uploadBefore = await upload(alice, 'shared file');
    const withFile = await ack(a, CLIENT_EVENTS.messageSend, {
      roomId,
      text: 'a file for all',
      clientMsgId: randomUUID(),
      attachments: [uploadBefore.id],
    });
    expect(withFile.ok).toBe(true);
    expect(
      (await fetch(`${stack.url}${uploadBefore.url}`, { headers: { authorization: `Bearer ${bob.token}` } })).status,
    ).toBe(200);

    const removedAt = Date.now();
    expect((await api(stack, alice.token, 'DELETE', `/api/rooms/${roomId}/members/${bob.id}`)).status).toBe(204);
    const told = await until(
      () => [b1, b2].every((c) => eventsOf(c, SERVER_EVENTS.roomRemoved, roomId).length === 1),
      1000,
      10,
    );
    expect(told).toBe(true);
    expect(Date.now() - removedAt).toBeLessThan(1000);
    expect(eventsOf(b1, SERVER_EVENTS.roomRemoved, roomId)[0].args[0]).toEqual({ roomId, reason: 'removed' });
    // the others see who went
    expect(
      await until(() =>
        eventsOf(d, SERVER_EVENTS.roomMember, roomId).some(
          (e) => (e.args[0] as { change: string; user: { id: string } }).change === 'removed',
        ),
      ),
    ).toBe(true);

    const cut = (c: Client) => c.events.length;
    const [mark1, mark2] = [cut(b1), cut(b2)];
    // every event kind of the room, from both gateways' people
    expect((await ack(d, CLIENT_EVENTS.roomLeave, { roomId })).ok).toBe(true); // presence: dave left
    expect((await ack(d, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true); // and came back
    const after = await send(a, roomId, 'after the removal @' + bob.username);
    expect(after.ok).toBe(true);
    expect((await ack(a, CLIENT_EVENTS.messageEdit, { roomId, messageId: after.message.id, text: 'edited' })).ok).toBe(
      true,
    );
    expect(
      (await ack(d, CLIENT_EVENTS.messageReact, { roomId, messageId: before.message.id, emoji: '👍', on: true })).ok,
    ).toBe(true);
    a.socket.emit(CLIENT_EVENTS.typing, { roomId, typing: true });
    d.socket.emit(CLIENT_EVENTS.typing, { roomId, typing: true });
    const patched = await api(stack, alice.token, 'PATCH', `/api/rooms/${roomId}`, { topic: 'after bob' });
    expect(patched.status).toBe(200);
    // the control: dave (a member) got them all
    expect(await until(() => d.received.some((m) => m.id === after.message.id), 5000)).toBe(true);
    expect(await until(() => eventsOf(d, SERVER_EVENTS.messageUpdated, roomId).length >= 1, 5000)).toBe(true);
    expect(await until(() => eventsOf(d, SERVER_EVENTS.typing, roomId).length >= 1, 5000)).toBe(true);
    expect(await until(() => eventsOf(d, SERVER_EVENTS.roomUpdated, roomId).length >= 1, 5000)).toBe(true);
    await sleep(500); // what would have reached bob by now has
    const leaked = (c: Client, from: number) =>
      c.events.slice(from).filter((e) => {
        const p = e.args[0] as { roomId?: string; id?: string };
        return p?.roomId === roomId || p?.id === roomId;
      });
    expect(leaked(b1, mark1)).toEqual([]);
    expect(leaked(b2, mark2)).toEqual([]);

    // refused from that moment: history, search, the file, sends, joins, replies
    expect((await api(stack, bob.token, 'GET', `/api/rooms/${roomId}/messages`)).status).toBe(404);
    const indexed = await searchUntil(stack, alice.token, 'q=removal', (r) =>
      r.results.some((x) => x.message.id === before.message.id),
    );
    expect(indexed.body.results.map((x) => x.message.id)).toContain(before.message.id);
    expect((await api(stack, bob.token, 'GET', `/api/search?q=removal`)).body.results).toEqual([]);
    expect(
      (await fetch(`${stack.url}${uploadBefore.url}`, { headers: { authorization: `Bearer ${bob.token}` } })).status,
    ).toBe(404);
    expect((await send(b1, roomId, 'still here?')).error.code).toBe('not_found');
    expect((await ack(b2, CLIENT_EVENTS.roomJoin, { roomId })).error.code).toBe('not_found');
    // nor quoted from another room
    const dmId = (await api(stack, bob.token, 'POST', '/api/dms', { username: dave.username })).body.id as string;
    expect((await ack(b1, CLIENT_EVENTS.roomJoin, { roomId: dmId })).ok).toBe(true);
    const reply = await ack(b1, CLIENT_EVENTS.messageSend, {
      roomId: dmId,
      text: 'quoting',
      clientMsgId: randomUUID(),
      replyTo: before.message.id,
    });
    expect(reply.error.code).toBe('not_found');
    expect((await api(stack, bob.token, 'GET', '/api/rooms')).body.map((r: { id: string }) => r.id)).not.toContain(
      roomId,
    );

    // added back: catches up with sinceSeq on either gateway
    expect(
      (await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/members`, { username: bob.username })).status,
    ).toBe(201);
    const back = await ack(b2, CLIENT_EVENTS.roomJoin, { roomId, sinceSeq: before.message.seq });
    expect(back.ok).toBe(true);
    expect(back.messages.map((m: Message) => m.text)).toEqual(['a file for all', 'edited']);
    const live = await send(a, roomId, 'welcome back');
    expect(await until(() => b2.received.some((m) => m.id === live.message.id), 3000)).toBe(true);
  });

  it('the last owner cannot leave; nobody grants above their own role or touches someone above them', async () => {
    const roomId = await privateRoom(alice);
    expect((await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/leave`)).status).toBe(409);
    await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/members`, { username: bob.username });
    await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/members`, { username: carol.username });
    const self = await api(stack, bob.token, 'PATCH', `/api/rooms/${roomId}/members/${bob.id}`, { role: 'owner' });
    expect(self.status).toBe(403);
    expect(
      (await api(stack, alice.token, 'PATCH', `/api/rooms/${roomId}/members/${bob.id}`, { role: 'moderator' })).body,
    ).toMatchObject({ user: { id: bob.id }, role: 'moderator' });
    expect(
      (await api(stack, bob.token, 'PATCH', `/api/rooms/${roomId}/members/${bob.id}`, { role: 'owner' })).status,
    ).toBe(403);
    expect((await api(stack, bob.token, 'DELETE', `/api/rooms/${roomId}/members/${alice.id}`)).status).toBe(403);
    expect(
      (await api(stack, bob.token, 'PATCH', `/api/rooms/${roomId}/members/${alice.id}`, { role: 'member' })).status,
    ).toBe(403);
    expect((await api(stack, carol.token, 'DELETE', `/api/rooms/${roomId}/members/${bob.id}`)).status).toBe(403);
    expect((await api(stack, bob.token, 'DELETE', `/api/rooms/${roomId}/members/${carol.id}`)).status).toBe(204);
    expect(
      (await api(stack, alice.token, 'PATCH', `/api/rooms/${roomId}/members/${bob.id}`, { role: 'king' })).status,
    ).toBe(400);
    // a second owner: now the first may go
    await api(stack, alice.token, 'PATCH', `/api/rooms/${roomId}/members/${bob.id}`, { role: 'owner' });
    expect((await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/leave`)).status).toBe(204);
    const left = await api(stack, bob.token, 'GET', `/api/rooms/${roomId}/members`);
    expect(left.body.members).toEqual([{ user: expect.objectContaining({ id: bob.id }), role: 'owner' }]);
    expect((await api(stack, bob.token, 'POST', `/api/rooms/lobby/leave`)).status).toBe(403);
  });

  it('group DMs: the same 3–9 people are the same room, whoever opens it; outsiders get 404', async () => {
    const first = await api(stack, alice.token, 'POST', '/api/dms', { usernames: [bob.username, carol.username] });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'group', memberCount: 3 });
    const again = await api(stack, carol.token, 'POST', '/api/dms', {
      usernames: [bob.username.toUpperCase(), alice.username],
    });
    expect(again).toMatchObject({ status: 200, body: { id: first.body.id } });
    expect((await api(stack, dave.token, 'GET', `/api/rooms/${first.body.id}/messages`)).status).toBe(404);
    expect((await api(stack, alice.token, 'POST', '/api/dms', { usernames: [bob.username] })).status).toBe(400);
    expect(
      (
        await api(stack, alice.token, 'POST', '/api/dms', {
          username: bob.username,
          usernames: [carol.username, dave.username],
        })
      ).status,
    ).toBe(400);
    const withDave = await api(stack, alice.token, 'POST', '/api/dms', {
      usernames: [bob.username, carol.username, dave.username],
    });
    expect(withDave.status).toBe(201);
    expect(withDave.body.id).not.toBe(first.body.id);

    // carol leaves; the group is still "alice, bob, carol": opening it again brings her back
    expect((await api(stack, carol.token, 'POST', `/api/rooms/${first.body.id}/leave`)).status).toBe(204);
    const listed = async (who: typeof carol) =>
      ((await api(stack, who.token, 'GET', '/api/rooms')).body as { id: string }[]).some((r) => r.id === first.body.id);
    expect(await listed(carol)).toBe(false);
    const reopened = await api(stack, bob.token, 'POST', '/api/dms', { usernames: [alice.username, carol.username] });
    expect(reopened).toMatchObject({ status: 200, body: { id: first.body.id, memberCount: 3 } });
    expect(await listed(carol)).toBe(true);
    // and the one who left opening it again is back too
    expect((await api(stack, carol.token, 'POST', `/api/rooms/${first.body.id}/leave`)).status).toBe(204);
    const mine = await api(stack, carol.token, 'POST', '/api/dms', { usernames: [alice.username, bob.username] });
    expect(mine).toMatchObject({ status: 200, body: { id: first.body.id, memberCount: 3 } });
  });

  it('public rooms: listed in the directory, joined explicitly, left; archived rooms are read-only but readable and searchable', async () => {
    const name = `open ${randomUUID().slice(0, 8)}`;
    const created = await api(stack, alice.token, 'POST', '/api/rooms', { name, topic: 'all welcome' });
    expect(created.body).toMatchObject({ kind: 'public', topic: 'all welcome', memberCount: 1, role: 'owner' });
    const roomId = created.body.id as string;
    const dir = await api(stack, bob.token, 'GET', `/api/rooms/directory?q=${encodeURIComponent(name.toUpperCase())}`);
    expect(dir.body.rooms).toEqual([expect.objectContaining({ id: roomId, memberCount: 1, joined: false })]);
    const b = await open(bob);
    expect((await ack(b, CLIENT_EVENTS.roomJoin, { roomId })).error.code).toBe('forbidden'); // join it first
    const joined = await api(stack, bob.token, 'POST', `/api/rooms/${roomId}/join`);
    expect(joined).toMatchObject({ status: 200, body: { id: roomId, memberCount: 2, role: 'member' } });
    expect((await ack(b, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    const sent = await send(b, roomId, 'quokka sighting');
    expect(sent.ok).toBe(true);

    expect((await api(stack, bob.token, 'PATCH', `/api/rooms/${roomId}`, { archived: true })).status).toBe(403);
    expect((await api(stack, alice.token, 'PATCH', `/api/rooms/${roomId}`, { archived: true })).body).toMatchObject({
      archived: true,
    });
    expect(
      await until(() =>
        eventsOf(b, SERVER_EVENTS.roomUpdated, roomId).some((e) => (e.args[0] as { archived?: boolean }).archived),
      ),
    ).toBe(true);
    expect((await send(b, roomId, 'one more')).error.code).toBe('forbidden');
    expect((await api(stack, bob.token, 'GET', `/api/rooms/${roomId}/messages`)).body.messages.length).toBe(1);
    expect((await searchUntil(stack, bob.token, 'q=quokka', (r) => r.results.length === 1)).body.results.length).toBe(
      1,
    );

    expect((await api(stack, bob.token, 'POST', `/api/rooms/${roomId}/leave`)).status).toBe(204);
    expect(await until(() => eventsOf(b, SERVER_EVENTS.roomRemoved, roomId).length === 1)).toBe(true);
    expect((await api(stack, bob.token, 'GET', `/api/search?q=quokka`)).body.results).toEqual([]);
  });
});

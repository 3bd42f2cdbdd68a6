/**
 * Room moderation and reports (SPEC §8) with real processes: auth, chat and two gateways on real
 * Redis, PostgreSQL and MongoDB-wire. Each action by each role, allowed or refused (a moderator
 * cannot ban an admin; a room moderator has no power in another room); mutes refused until the
 * time passes, then not; bans keep people out; slow mode with two gateways to the millisecond-ish;
 * announcement rooms; reports once, 404 where one cannot see, resolved once; hostile inputs; one
 * audit entry per action.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hihi/infra';
import { CLIENT_EVENTS, Message, SERVER_EVENTS } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, sleep, until } from './chat-helpers';

const PASSWORD = 'moderators keep it kind 7';
let stack: Stack;
let gatewayB = '';
const clients: Client[] = [];

interface Account {
  id: string;
  username: string;
  token: string;
}

let olivia: Account; // server owner
let adam: Account; // server admin
let mia: Account; // server moderator
let rob: Account; // owner of room A (and of the private room)
let rita: Account; // moderator of room A
let mem: Account; // member
let eve: Account; // the troublemaker
let otto: Account; // owner of room B (no power in A)
let roomA = '';
let roomB = '';

async function register(username: string): Promise<Account> {
  const r = await api(stack, undefined, 'POST', '/api/auth/register', { username, password: PASSWORD });
  expect(r.status).toBe(201);
  return { id: r.body.user.id, username, token: r.body.accessToken };
}

async function socket(url: string, who: Account, ...rooms: string[]): Promise<Client> {
  const c = await connect(url, who.token);
  clients.push(c);
  for (const roomId of rooms) expect(await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).toMatchObject({ ok: true });
  return c;
}

const send = (c: Client, roomId: string, text: string) =>
  ack(c, CLIENT_EVENTS.messageSend, { roomId, text, clientMsgId: randomUUID() });

async function createRoom(owner: Account, name: string, kind: 'public' | 'private' = 'public'): Promise<string> {
  const r = await api(stack, owner.token, 'POST', '/api/rooms', { name, kind });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function joinAll(roomId: string, ...who: Account[]): Promise<void> {
  for (const a of who) expect((await api(stack, a.token, 'POST', `/api/rooms/${roomId}/join`)).status).toBe(200);
}

const audit = async (action: string) =>
  (await api(stack, olivia.token, 'GET', `/api/admin/audit?limit=100&action=${action}`)).body.entries as Array<{
    action: string;
    actor: { id: string };
    target: { type: string; id?: string };
    reason?: string;
    details: Record<string, unknown>;
  }>;

/** Every moderation action of this file, counted as it happens: the audit log must hold exactly these. */
const expected: Record<string, number> = {};
const did = (action: string) => (expected[action] = (expected[action] ?? 0) + 1);

beforeAll(async () => {
  stack = new Stack();
  await stack.start();
  const portB = await freePort();
  stack.spawn('gateway', { PORT: String(portB) });
  gatewayB = `http://127.0.0.1:${portB}`;
  await stack.waitHealthy(gatewayB);
  olivia = await register('olivia');
  [adam, mia, rob, rita, mem, eve, otto] = await Promise.all(
    ['adam', 'mia', 'rob', 'rita', 'mem', 'eve', 'otto'].map(register),
  );
  for (const [who, role] of [
    [adam, 'admin'],
    [mia, 'moderator'],
  ] as const) {
    expect((await api(stack, olivia.token, 'PATCH', `/api/admin/users/${who.id}`, { role })).status).toBe(200);
  }
  // the new roles reach both gateways
  for (const url of [stack.url, gatewayB])
    for (let i = 0; i < 50 && (await api(url, mia.token, 'GET', '/api/me')).body.role !== 'moderator'; i++)
      await sleep(50);
  roomA = await createRoom(rob, 'moderated-a');
  roomB = await createRoom(otto, 'moderated-b');
  await joinAll(roomA, rita, mem, eve, otto);
  await joinAll(roomB, eve, rita, mem);
  expect(
    (await api(stack, rob.token, 'PATCH', `/api/rooms/${roomA}/members/${rita.id}`, { role: 'moderator' })).status,
  ).toBe(200);
  did('room.member.role');
}, 180000);

afterAll(async () => {
  writeFileSync(
    join(tmpdir(), 'hihi-moderation-int.log'),
    stack.procs
      .flatMap((p) => p.lines)
      .filter((l) => /"level":(40|50)/.test(l))
      .join('\n'),
  );
  for (const c of clients) c.socket.disconnect();
  await stack?.stop();
}, 60000);

it('a moderator deletes someone else’s message: a tombstone deletedBy moderator, live to members on both gateways; others may not', async () => {
  const e = await socket(stack.url, eve, roomA);
  const r = await socket(gatewayB, rita, roomA);
  const m = await socket(gatewayB, mem, roomA);
  const sent = (await send(e, roomA, 'buy cheap pills')).message as Message;
  const ritaSays = (await send(r, roomA, 'please be kind')).message as Message;
  // a member may not delete someone else's, nor a room moderator of another room, nor in a room one cannot see
  const o = await socket(stack.url, otto, roomA);
  expect(await ack(m, CLIENT_EVENTS.messageDelete, { roomId: roomA, messageId: sent.id })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  expect(await ack(o, CLIENT_EVENTS.messageDelete, { roomId: roomA, messageId: sent.id })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  expect(await ack(r, CLIENT_EVENTS.messageDelete, { roomId: roomA, messageId: ritaSays.id })).toMatchObject({
    ok: true,
  }); // her own, as ever (no audit)
  const deleted = await ack(r, CLIENT_EVENTS.messageDelete, { roomId: roomA, messageId: sent.id });
  did('message.delete');
  expect(deleted).toMatchObject({
    ok: true,
    message: { id: sent.id, deleted: true, deletedBy: 'moderator', text: '' },
  });
  expect(deleted.message.seq).toBe(sent.seq);
  const seen = () =>
    m.events.some(
      (ev) =>
        ev.event === SERVER_EVENTS.messageUpdated &&
        (ev.args[0] as Message).id === sent.id &&
        (ev.args[0] as Message).deletedBy === 'moderator',
    );
  expect(await until(seen, 2000)).toBe(true);
  // the room's moderator cannot delete the owner's message; a server moderator neither (owner is above)
  const robSays = (await send(await socket(stack.url, rob, roomA), roomA, 'rules: be nice')).message as Message;
  expect(await ack(r, CLIENT_EVENTS.messageDelete, { roomId: roomA, messageId: robSays.id })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  const ms = await socket(gatewayB, mia);
  expect(await ack(ms, CLIENT_EVENTS.messageDelete, { roomId: roomA, messageId: robSays.id })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  // a server moderator deletes a member's message in a room they are not in
  const memSays = (await send(m, roomA, 'spam spam')).message as Message;
  expect(await ack(ms, CLIENT_EVENTS.messageDelete, { roomId: roomA, messageId: memSays.id })).toMatchObject({
    ok: true,
    message: { deletedBy: 'moderator' },
  });
  did('message.delete');
  // an admin never reaches into a DM they are not in
  const dm = await api(stack, eve.token, 'POST', '/api/dms', { username: 'mem' });
  const dmMsg = (await send(e, dm.body.id, 'just us')).message as Message;
  const a = await socket(stack.url, adam);
  expect(await ack(a, CLIENT_EVENTS.messageDelete, { roomId: dm.body.id, messageId: dmMsg.id })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });
  expect((await audit('message.delete')).map((x) => x.target.id).sort()).toEqual([sent.id, memSays.id].sort());
}, 30000);

it('mutes: the muted reads but sends are forbidden with until, on either gateway, until the time passes; lifted early; by rank only', async () => {
  const e = await socket(gatewayB, eve, roomA);
  const muted = await api(stack, rita.token, 'POST', `/api/rooms/${roomA}/mutes`, {
    userId: eve.id,
    durationSec: 2,
    reason: 'cool down',
  });
  did('room.mute');
  expect(muted.status).toBe(201);
  expect(muted.body.userId).toBe(eve.id);
  const untilMs = Date.parse(muted.body.mutedUntil);
  expect(untilMs - Date.now()).toBeGreaterThan(1000);
  expect(untilMs - Date.now()).toBeLessThanOrEqual(2100);
  const refused = await send(e, roomA, 'let me talk');
  expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', until: muted.body.mutedUntil } });
  expect((await api(gatewayB, eve.token, 'GET', `/api/rooms/${roomA}/messages`)).status).toBe(200); // reads
  const members = await api(stack, mem.token, 'GET', `/api/rooms/${roomA}/members?limit=100`);
  expect(members.body.members.find((x: { user: { id: string } }) => x.user.id === eve.id)).toMatchObject({
    mutedUntil: muted.body.mutedUntil,
  });
  // elsewhere she may talk: a mute is per room
  expect(await send(await socket(stack.url, eve, roomB), roomB, 'hello b')).toMatchObject({ ok: true });
  await sleep(Math.max(0, untilMs - Date.now()) + 50);
  expect(await send(e, roomA, 'sorry everyone')).toMatchObject({ ok: true });
  const after = await api(stack, mem.token, 'GET', `/api/rooms/${roomA}/members?limit=100`);
  expect(after.body.members.find((x: { user: { id: string } }) => x.user.id === eve.id).mutedUntil).toBeUndefined();

  // until lifted: until null; the DELETE lifts it at once
  const open = await api(gatewayB, rita.token, 'POST', `/api/rooms/${roomA}/mutes`, { userId: eve.id });
  did('room.mute');
  expect(open).toMatchObject({ status: 201, body: { userId: eve.id, mutedUntil: null } });
  expect(await send(e, roomA, 'again?')).toMatchObject({ ok: false, error: { code: 'forbidden', until: null } });
  expect((await api(stack, rita.token, 'DELETE', `/api/rooms/${roomA}/mutes/${eve.id}`)).status).toBe(204);
  did('room.unmute');
  expect(await send(e, roomA, 'thanks')).toMatchObject({ ok: true });
  expect((await api(stack, rita.token, 'DELETE', `/api/rooms/${roomA}/mutes/${eve.id}`)).status).toBe(404);

  // by rank: not the owner, not a server admin; a room moderator of another room has no power here
  expect((await api(stack, rita.token, 'POST', `/api/rooms/${roomA}/mutes`, { userId: rob.id })).status).toBe(403);
  expect((await api(stack, mia.token, 'POST', `/api/rooms/${roomA}/mutes`, { userId: adam.id })).status).toBe(403);
  expect((await api(stack, otto.token, 'POST', `/api/rooms/${roomA}/mutes`, { userId: eve.id })).status).toBe(403);
  expect((await api(stack, mem.token, 'POST', `/api/rooms/${roomA}/mutes`, { userId: eve.id })).status).toBe(403);
  expect((await api(stack, mem.token, 'DELETE', `/api/rooms/${roomA}/mutes/${eve.id}`)).status).toBe(403);
  expect((await api(stack, rita.token, 'POST', `/api/rooms/${roomA}/mutes`, { userId: randomUUID() })).status).toBe(
    404,
  );
  // a server moderator mutes in a room they are not in
  expect(
    (await api(stack, mia.token, 'POST', `/api/rooms/${roomB}/mutes`, { userId: mem.id, durationSec: 1 })).status,
  ).toBe(201);
  did('room.mute');
  expect((await audit('room.mute')).length).toBe(3);
}, 30000);

it('hostile inputs: durations negative, zero, huge, fractional, as strings; reasons of 4,000 characters, bidi and control characters → 400', async () => {
  const bad: unknown[] = [
    { userId: eve.id, durationSec: -1 },
    { userId: eve.id, durationSec: 0 },
    { userId: eve.id, durationSec: 31_536_001 },
    { userId: eve.id, durationSec: 1e300 },
    { userId: eve.id, durationSec: 1.5 },
    { userId: eve.id, durationSec: '60' },
    { userId: eve.id, durationSec: null },
    { userId: eve.id, reason: 'x'.repeat(4000) },
    { userId: eve.id, reason: 'x'.repeat(1001) },
    { userId: eve.id, reason: 'evil \u202Eexe.txt' },
    { userId: eve.id, reason: 'bell \u0007' },
    { userId: eve.id, reason: '   ' },
    { userId: eve.id, reason: 42 },
    { userId: '../etc', durationSec: 5 },
    {},
  ];
  for (const body of bad) {
    const r = await api(stack, rita.token, 'POST', `/api/rooms/${roomA}/mutes`, body);
    expect([JSON.stringify(body).slice(0, 60), r.status]).toEqual([JSON.stringify(body).slice(0, 60), 400]);
  }
  expect(
    (await api(stack, rita.token, 'POST', `/api/rooms/${roomA}/bans`, { userId: eve.id, reason: '\u2066x' })).status,
  ).toBe(400);
  // the biggest duration passes
  const year = await api(stack, rita.token, 'POST', `/api/rooms/${roomA}/mutes`, {
    userId: eve.id,
    durationSec: 31_536_000,
    reason: '一年 of quiet',
  });
  did('room.mute');
  expect(year.status).toBe(201);
  expect(Date.parse(year.body.mutedUntil) - Date.now()).toBeGreaterThan(31_535_000_000);
  expect((await api(stack, rita.token, 'DELETE', `/api/rooms/${roomA}/mutes/${eve.id}`)).status).toBe(204);
  did('room.unmute');
  expect((await audit('room.mute'))[0]).toMatchObject({ reason: '一年 of quiet', target: { id: eve.id } });
}, 30000);

it('bans: removed at once (room:removed banned) and kept out — no join, no read, no invite — until lifted; a moderator cannot ban an admin', async () => {
  const e = await socket(gatewayB, eve, roomB);
  expect((await api(stack, mia.token, 'POST', `/api/rooms/${roomB}/bans`, { userId: adam.id })).status).toBe(403);
  expect((await api(stack, otto.token, 'POST', `/api/rooms/${roomB}/bans`, { userId: adam.id })).status).toBe(403);
  expect((await api(stack, rita.token, 'POST', `/api/rooms/${roomB}/bans`, { userId: eve.id })).status).toBe(403);
  const banned = await api(stack, mia.token, 'POST', `/api/rooms/${roomB}/bans`, { userId: eve.id, reason: 'spam' });
  did('room.ban');
  expect(banned).toMatchObject({ status: 201, body: { userId: eve.id, reason: 'spam' } });
  const removed = () =>
    e.events.some(
      (ev) =>
        ev.event === SERVER_EVENTS.roomRemoved &&
        (ev.args[0] as { roomId: string; reason: string }).roomId === roomB &&
        (ev.args[0] as { reason: string }).reason === 'banned',
    );
  expect(await until(removed, 1000)).toBe(true);
  expect((await api(gatewayB, eve.token, 'POST', `/api/rooms/${roomB}/join`)).status).toBe(403);
  expect((await api(gatewayB, eve.token, 'GET', `/api/rooms/${roomB}/messages`)).status).toBe(403);
  expect(await send(e, roomB, 'let me back')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await ack(e, CLIENT_EVENTS.roomJoin, { roomId: roomB })).toMatchObject({ ok: false });
  expect((await api(stack, mem.token, 'POST', `/api/rooms/${roomB}/members`, { username: 'eve' })).status).toBe(403);
  const bans = await api(stack, otto.token, 'GET', `/api/rooms/${roomB}/bans`);
  expect(bans.body.bans.map((b: { userId: string }) => b.userId)).toEqual([eve.id]);
  expect((await api(stack, mem.token, 'GET', `/api/rooms/${roomB}/bans`)).status).toBe(403);
  // lifted: she may join again
  expect((await api(stack, mem.token, 'DELETE', `/api/rooms/${roomB}/bans/${eve.id}`)).status).toBe(403);
  expect((await api(stack, otto.token, 'DELETE', `/api/rooms/${roomB}/bans/${eve.id}`)).status).toBe(204);
  did('room.unban');
  expect((await api(stack, otto.token, 'DELETE', `/api/rooms/${roomB}/bans/${eve.id}`)).status).toBe(404);
  expect((await api(gatewayB, eve.token, 'POST', `/api/rooms/${roomB}/join`)).status).toBe(200);

  // a private room: the banned person gets 404 for it, as for an unknown room
  const priv = await createRoom(rob, 'moderated-private', 'private');
  expect((await api(stack, rob.token, 'POST', `/api/rooms/${priv}/members`, { username: 'eve' })).status).toBe(201);
  expect((await api(stack, rob.token, 'POST', `/api/rooms/${priv}/bans`, { userId: eve.id })).status).toBe(201);
  did('room.ban');
  expect((await api(stack, eve.token, 'GET', `/api/rooms/${priv}/messages`)).status).toBe(404);
  expect((await api(stack, eve.token, 'POST', `/api/rooms/${priv}/join`)).status).toBe(404);
  expect((await api(stack, rob.token, 'POST', `/api/rooms/${priv}/members`, { username: 'eve' })).status).toBe(403);
  // bans and removals are audited; a removal too
  expect((await api(stack, rob.token, 'POST', `/api/rooms/${priv}/members`, { username: 'mem' })).status).toBe(201);
  expect((await api(stack, rob.token, 'DELETE', `/api/rooms/${priv}/members/${mem.id}`)).status).toBe(204);
  did('room.member.remove');
  expect((await audit('room.ban')).map((x) => x.actor.id)).toEqual([rob.id, mia.id]);
}, 30000);

it('slow mode with two gateways: one message per N seconds per member, rate_limited with retryAfterMs to the millisecond-ish; moderators exempt', async () => {
  const room = await createRoom(rob, 'slow-room');
  await joinAll(room, mem, rita);
  expect((await api(stack, rob.token, 'PATCH', `/api/rooms/${room}`, { slowModeSec: 2 })).status).toBe(200);
  const a = await socket(stack.url, mem, room);
  const b = await socket(gatewayB, mem, room);
  const first = await send(a, room, 'one');
  expect(first).toMatchObject({ ok: true });
  const t0 = Date.now();
  const second = await send(b, room, 'two');
  expect(second).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  const wait = second.error.retryAfterMs as number;
  expect(wait).toBeGreaterThan(1500);
  expect(wait).toBeLessThanOrEqual(2000);
  // 150 ms before the turn: still too soon; 30 ms after: accepted, on the other gateway
  await sleep(Math.max(0, t0 + wait - 150 - Date.now()));
  expect(await send(a, room, 'too soon')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  await sleep(Math.max(0, t0 + wait + 30 - Date.now()));
  expect(await send(b, room, 'three')).toMatchObject({ ok: true });
  // two gateways at once: exactly one gets the turn
  await sleep(2050);
  const both = await Promise.all([send(a, room, 'race a'), send(b, room, 'race b')]);
  expect(both.filter((x) => x.ok).length).toBe(1);
  // the owner (and moderators) are exempt
  const owner = await socket(gatewayB, rob, room);
  for (const text of ['o1', 'o2', 'o3']) expect(await send(owner, room, text)).toMatchObject({ ok: true });
  // off again: no limit
  expect((await api(stack, rob.token, 'PATCH', `/api/rooms/${room}`, { slowModeSec: 0 })).status).toBe(200);
  await sleep(100);
  expect(await send(a, room, 'free')).toMatchObject({ ok: true });
  expect(await send(b, room, 'free again')).toMatchObject({ ok: true });
}, 30000);

it('announcement rooms: only moderators and owners post; others forbidden', async () => {
  const room = await createRoom(rob, 'news-room');
  await joinAll(room, mem, rita);
  expect(
    (await api(stack, rob.token, 'PATCH', `/api/rooms/${room}/members/${rita.id}`, { role: 'moderator' })).status,
  ).toBe(200);
  did('room.member.role');
  expect((await api(stack, rob.token, 'PATCH', `/api/rooms/${room}`, { postPolicy: 'moderators' })).status).toBe(200);
  const m = await socket(gatewayB, mem, room);
  expect(await send(m, room, 'me too')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect(await send(await socket(stack.url, rita, room), room, 'announcement')).toMatchObject({ ok: true });
  expect(await send(await socket(gatewayB, rob, room), room, 'welcome')).toMatchObject({ ok: true });
  expect(await send(await socket(stack.url, mia, room), room, 'server staff')).toMatchObject({ ok: true });
}, 30000);

it('reports: once per person and message (409), 404 where one cannot see; the queue for those who may act, live badge; resolved once (409)', async () => {
  const e = await socket(stack.url, eve, roomA);
  const bad = (await send(e, roomA, 'you are all idiots')).message as Message;
  const r = await socket(gatewayB, rita); // room A's moderator, not in the room on this socket
  const s = await socket(stack.url, mia); // server moderator
  const o = await socket(gatewayB, otto); // room B's owner: nothing of A
  const badge = (c: Client) =>
    c.events
      .filter((ev) => ev.event === SERVER_EVENTS.moderationReports)
      .map((ev) => ev.args[0] as { openCount: number; roomId: string });

  const filed = await api(stack, mem.token, 'POST', `/api/messages/${bad.id}/report`, { reason: 'insults' });
  expect(filed).toMatchObject({ status: 201, body: { messageId: bad.id, roomId: roomA, status: 'open' } });
  expect(JSON.stringify(filed.body)).not.toContain(eve.id);
  expect((await api(gatewayB, mem.token, 'POST', `/api/messages/${bad.id}/report`, { reason: 'again' })).status).toBe(
    409,
  );
  // one cannot see it: a private room's message, an unknown one, one's own
  const priv = await createRoom(rob, 'reports-private', 'private');
  const robC = await socket(stack.url, rob, priv);
  const secret = (await send(robC, priv, 'members only')).message as Message;
  expect((await api(stack, mem.token, 'POST', `/api/messages/${secret.id}/report`, { reason: 'peek' })).status).toBe(
    404,
  );
  expect((await api(stack, mem.token, 'POST', `/api/messages/${randomUUID()}/report`, { reason: 'x' })).status).toBe(
    404,
  );
  expect((await api(stack, mem.token, 'POST', `/api/messages/not-a-uuid/report`, { reason: 'x' })).status).toBe(404);
  expect((await api(stack, eve.token, 'POST', `/api/messages/${bad.id}/report`, { reason: 'me' })).status).toBe(400);
  // hostile reasons
  for (const reason of ['x'.repeat(4000), 'a\u202Eb', '\u0000', '', '  '])
    expect((await api(stack, otto.token, 'POST', `/api/messages/${bad.id}/report`, { reason })).status).toBe(400);
  expect((await api(stack, otto.token, 'POST', `/api/messages/${bad.id}/report`, {})).status).toBe(400);

  // the badge: the room's staff and server moderators, not room B's owner
  expect(await until(() => badge(r).some((b) => b.roomId === roomA && b.openCount === 1), 2000)).toBe(true);
  expect(await until(() => badge(s).some((b) => b.openCount >= 1), 2000)).toBe(true);
  expect(badge(o)).toEqual([]);

  // the queue: room A's staff and server moderators see it with the message and reporter; nobody else
  const q = await api(stack, rita.token, 'GET', '/api/moderation/reports?status=open');
  expect(q.status).toBe(200);
  expect(q.body.openCount).toBe(1);
  expect(q.body.reports).toHaveLength(1);
  expect(q.body.reports[0]).toMatchObject({
    id: filed.body.id,
    roomId: roomA,
    reason: 'insults',
    status: 'open',
    reportedText: 'you are all idiots',
    reporter: { id: mem.id, username: 'mem' },
    message: { id: bad.id, sender: { id: eve.id } },
  });
  expect(
    (await api(gatewayB, mia.token, 'GET', '/api/moderation/reports')).body.reports.map((x: { id: string }) => x.id),
  ).toContain(filed.body.id);
  for (const who of [otto, eve, mem])
    expect(await api(stack, who.token, 'GET', '/api/moderation/reports')).toMatchObject({
      status: 200,
      body: { reports: [], openCount: 0 },
    });
  expect((await api(stack, otto.token, 'GET', `/api/moderation/reports?roomId=${roomA}`)).status).toBe(403);
  expect((await api(stack, rita.token, 'GET', '/api/moderation/reports?status=closed')).status).toBe(400);
  expect((await api(stack, rita.token, 'GET', '/api/moderation/reports?cursor=%25%25')).status).toBe(400);

  // resolved by one who may, once: the mute is applied (and audited as the resolution only)
  const path = `/api/moderation/reports/${filed.body.id}/resolve`;
  expect((await api(stack, otto.token, 'POST', path, { action: 'dismiss' })).status).toBe(403);
  expect((await api(stack, mem.token, 'POST', path, { action: 'dismiss' })).status).toBe(403);
  expect((await api(stack, rita.token, 'POST', path, { action: 'explode' })).status).toBe(400);
  expect((await api(stack, rita.token, 'POST', path, { action: 'mute', durationSec: -5 })).status).toBe(400);
  expect((await api(stack, rita.token, 'POST', path, { action: 'mute', note: 'n'.repeat(1001) })).status).toBe(400);
  expect(
    (await api(stack, rita.token, 'POST', `/api/moderation/reports/${randomUUID()}/resolve`, { action: 'dismiss' }))
      .status,
  ).toBe(404);
  const done = await api(gatewayB, rita.token, 'POST', path, { action: 'mute', durationSec: 60, note: 'one minute' });
  did('report.resolve');
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({
    id: filed.body.id,
    status: 'resolved',
    resolution: { action: 'mute', by: { id: rita.id }, note: 'one minute' },
  });
  expect(await send(e, roomA, 'what did I do')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect((await api(stack, rita.token, 'POST', path, { action: 'dismiss' })).status).toBe(409);
  expect((await api(stack, mia.token, 'POST', path, { action: 'ban' })).status).toBe(409);
  expect(await until(() => badge(r).some((b) => b.roomId === roomA && b.openCount === 0), 2000)).toBe(true);
  const resolved = await api(stack, rita.token, 'GET', '/api/moderation/reports?status=resolved');
  expect(resolved.body.reports.map((x: { id: string }) => x.id)).toEqual([filed.body.id]);
  expect(resolved.body.openCount).toBe(0);
  expect((await api(stack, rita.token, 'DELETE', `/api/rooms/${roomA}/mutes/${eve.id}`)).status).toBe(204);
  did('room.unmute');

  // delete and ban through reports; a report of a moderator's own message is never shown to them
  const worse = (await send(e, roomA, 'more abuse')).message as Message;
  const r1 = await api(stack, mem.token, 'POST', `/api/messages/${worse.id}/report`, { reason: 'abuse' });
  const r2 = await api(stack, otto.token, 'POST', `/api/messages/${worse.id}/report`, { reason: 'abuse too' });
  expect([r1.status, r2.status]).toEqual([201, 201]);
  const del = await api(stack, mia.token, 'POST', `/api/moderation/reports/${r1.body.id}/resolve`, {
    action: 'delete',
  });
  did('report.resolve');
  expect(del.body).toMatchObject({
    status: 'resolved',
    message: { id: worse.id, deleted: true, deletedBy: 'moderator' },
  });
  // the other report of the same message is resolved with it
  expect(
    (await api(stack, rita.token, 'POST', `/api/moderation/reports/${r2.body.id}/resolve`, { action: 'dismiss' }))
      .status,
  ).toBe(409);
  const ritaSays = (await send(await socket(stack.url, rita, roomA), roomA, 'moderator speaking')).message as Message;
  const aboutRita = await api(stack, mem.token, 'POST', `/api/messages/${ritaSays.id}/report`, { reason: 'rude mod' });
  expect(aboutRita.status).toBe(201);
  const ritaQueue = await api(stack, rita.token, 'GET', '/api/moderation/reports');
  expect(ritaQueue.body.reports.map((x: { id: string }) => x.id)).not.toContain(aboutRita.body.id);
  expect(
    (
      await api(stack, rita.token, 'POST', `/api/moderation/reports/${aboutRita.body.id}/resolve`, {
        action: 'dismiss',
      })
    ).status,
  ).toBe(404);
  const robQueue = await api(stack, rob.token, 'GET', '/api/moderation/reports');
  expect(robQueue.body.reports.map((x: { id: string }) => x.id)).toContain(aboutRita.body.id);
  expect(
    (
      await api(stack, rob.token, 'POST', `/api/moderation/reports/${aboutRita.body.id}/resolve`, {
        action: 'dismiss',
        note: 'fine',
      })
    ).status,
  ).toBe(200);
  did('report.resolve');
  const spam = (await send(e, roomA, 'spam link')).message as Message;
  const r3 = await api(stack, mem.token, 'POST', `/api/messages/${spam.id}/report`, { reason: 'spam' });
  expect(
    (
      await api(stack, rob.token, 'POST', `/api/moderation/reports/${r3.body.id}/resolve`, {
        action: 'ban',
        note: 'spammer',
      })
    ).status,
  ).toBe(200);
  did('report.resolve');
  expect((await api(stack, eve.token, 'GET', `/api/rooms/${roomA}/messages`)).status).toBe(403);
  expect((await api(stack, eve.token, 'POST', `/api/rooms/${roomA}/join`)).status).toBe(403);
  const entries = await audit('report.resolve');
  expect(entries.map((x) => x.details.action)).toEqual(['ban', 'dismiss', 'delete', 'mute']);
}, 60000);

it('every moderation action left exactly one audit entry; admin stats count chat’s figures', async () => {
  for (const [action, n] of Object.entries(expected)) {
    expect([action, (await audit(action)).length]).toEqual([action, n]);
  }
  for (const action of ['room.mute', 'room.ban', 'message.delete'])
    expect((await audit(action)).every((x) => x.details.roomId !== undefined)).toBe(true);
  const stats = await api(stack, adam.token, 'GET', '/api/admin/stats');
  expect(stats.status).toBe(200);
  expect(stats.body.rooms).toBeGreaterThanOrEqual(7);
  expect(stats.body.messages).toBeGreaterThanOrEqual(20);
  expect(stats.body.messagesToday).toBeGreaterThanOrEqual(20);
  expect(stats.body.online).toBeGreaterThanOrEqual(3);
  expect((await api(stack, mia.token, 'GET', '/api/admin/stats')).status).toBe(403);
}, 30000);

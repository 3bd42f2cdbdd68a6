/**
 * One's own account (SPEC §10) with real processes: auth, chat and two gateways against real
 * Redis, PostgreSQL and MongoDB-wire. A profile change reaches the other members live (and new
 * messages); the avatar is resized, re-encoded and stripped, hostile images get a clear 4xx;
 * a password change signs every other session out (REST 401 within 1 s on the other gateway, its
 * socket closed within 5 s); sessions are listed and revoked; the notification level syncs to the
 * person's other sockets; the export holds one's own data and nothing of others' private rooms;
 * a deleted account cannot sign in and its messages are shown from "deleted user".
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { freePort } from '@hihi/infra';
import { AVATAR, DELETED_USER, Message, SERVER_EVENTS } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, sleep, until } from './chat-helpers';

const PASSWORD = 'my account my rules 42';
let stack: Stack;
let gatewayB = '';
const clients: Client[] = [];

interface Account {
  id: string;
  username: string;
  token: string;
  refreshToken: string;
}

async function register(username: string, displayName?: string): Promise<Account> {
  const r = await api(stack, undefined, 'POST', '/api/auth/register', {
    username,
    password: PASSWORD,
    ...(displayName ? { displayName } : {}),
  });
  expect(r.status).toBe(201);
  return { id: r.body.user.id, username, token: r.body.accessToken, refreshToken: r.body.refreshToken };
}

async function login(base: string, username: string, password = PASSWORD, userAgent?: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(userAgent ? { 'user-agent': userAgent } : {}) },
    body: JSON.stringify({ username, password }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { accessToken: string; refreshToken: string; message?: string },
  };
}

async function client(base: string, token: string): Promise<Client> {
  const c = await connect(base, token);
  clients.push(c);
  return c;
}

async function upload(token: string, bytes: Buffer, name = 'me.png') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${stack.url}/api/me/avatar`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await res.text();
  let body: { avatarUrl?: string; message?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** A PNG whose header claims `w × h` pixels with one tiny compressed row: a decompression bomb. */
function pngBomb(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(w + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let alice: Account;
let bob: Account;
let carol: Account;
let owner: Account;

beforeAll(async () => {
  stack = new Stack();
  await stack.start();
  const portB = await freePort();
  stack.spawn('gateway', { PORT: String(portB) });
  gatewayB = `http://127.0.0.1:${portB}`;
  await stack.waitHealthy(gatewayB);
  owner = await register('olivia'); // the first account is the owner (the last one cannot leave)
  alice = await register('alice', 'Alice');
  bob = await register('bob', 'Bob');
  carol = await register('carol', 'Carol');
}, 180000);

afterAll(async () => {
  writeFileSync(
    join(tmpdir(), 'hihi-account-int.log'),
    stack.procs
      .flatMap((p) => p.lines)
      .filter((l) => /"level":(40|50)/.test(l))
      .join('\n'),
  );
  for (const c of clients) c.socket.disconnect();
  await stack?.stop();
}, 60000);

it('a display name change reaches the other members live, new messages and the members list', async () => {
  const bobSocket = await client(gatewayB, bob.token);
  const aliceSocket = await client(stack.url, alice.token);
  expect((await ack(bobSocket, 'room:join', { roomId: 'lobby' })).ok).toBe(true);
  expect((await ack(aliceSocket, 'room:join', { roomId: 'lobby' })).ok).toBe(true);
  const before = await ack(aliceSocket, 'message:send', {
    roomId: 'lobby',
    text: 'hi as Alice',
    clientMsgId: randomUUID(),
  });
  expect(before.message.sender.displayName).toBe('Alice');

  // hostile names are refused as at sign-up
  for (const displayName of ['', '   ', 'a\u202eb', '小黄鸭', 'x'.repeat(65)])
    expect((await api(stack, alice.token, 'PATCH', '/api/me', { displayName })).status).toBe(400);
  expect((await api(stack, alice.token, 'PATCH', '/api/me', { email: 'not an address' })).status).toBe(400);
  expect((await api(stack, alice.token, 'PATCH', '/api/me', { role: 'owner' })).status).toBe(400);

  const r = await api(stack, alice.token, 'PATCH', '/api/me', { displayName: '爱丽丝', email: 'alice@example.org' });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({
    id: alice.id,
    displayName: '爱丽丝',
    email: 'alice@example.org',
    emailVerified: false,
  });
  expect(
    await until(() =>
      bobSocket.events.some(
        (e) =>
          e.event === SERVER_EVENTS.userUpdated &&
          (e.args[0] as { user: { id: string; displayName: string } }).user.displayName === '爱丽丝',
      ),
    ),
  ).toBe(true);
  const me = await api(stack, alice.token, 'GET', '/api/me');
  expect(me.body).toMatchObject({ displayName: '爱丽丝', email: 'alice@example.org' });
  // other people never see the email
  const members = await api(stack, bob.token, 'GET', '/api/rooms/lobby/members?limit=100');
  const listed = members.body.members.find((m: { user: { id: string } }) => m.user.id === alice.id);
  expect(listed.user.displayName).toBe('爱丽丝');
  expect(JSON.stringify(members.body)).not.toContain('alice@example.org');
  // a new message carries the new name, although Alice's access token still has the old one
  const after = await ack(aliceSocket, 'message:send', {
    roomId: 'lobby',
    text: 'hi again',
    clientMsgId: randomUUID(),
  });
  expect(after.message.sender.displayName).toBe('爱丽丝');
  expect(await until(() => bobSocket.received.some((m) => m.id === after.message.id))).toBe(true);
  expect(bobSocket.received.find((m) => m.id === after.message.id)!.sender.displayName).toBe('爱丽丝');
  // the email can be removed again
  const cleared = await api(stack, alice.token, 'PATCH', '/api/me', { email: null });
  expect(cleared.status).toBe(200);
  expect(cleared.body.email).toBeUndefined();
}, 60000);

it('an avatar is resized, re-encoded as WebP without metadata, served immutable, and shown on messages', async () => {
  const secret = 'GPS-secret-marker-4711';
  const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#ffcc00' } })
    .jpeg()
    .withExif({ IFD0: { Copyright: secret, ImageDescription: secret } })
    .toBuffer();
  expect(photo.includes(Buffer.from(secret))).toBe(true);
  const bobSocket = await client(stack.url, bob.token);
  expect((await ack(bobSocket, 'room:join', { roomId: 'lobby' })).ok).toBe(true);

  const r = await upload(alice.token, photo, 'holiday.jpg');
  expect(r.status).toBe(201);
  expect(r.body.avatarUrl).toMatch(/^\/api\/avatars\/[a-f0-9]{32}\.webp$/);
  const res = await fetch(`${stack.url}${r.body.avatarUrl}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/webp');
  expect(res.headers.get('cache-control')).toContain('immutable');
  const stored = Buffer.from(await res.arrayBuffer());
  const meta = await sharp(stored).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(['webp', AVATAR.sizePx, AVATAR.sizePx]);
  expect(meta.exif).toBeUndefined();
  expect(stored.includes(Buffer.from(secret))).toBe(false);
  expect(
    await until(() =>
      bobSocket.events.some(
        (e) =>
          e.event === SERVER_EVENTS.userUpdated &&
          (e.args[0] as { user: { avatarUrl?: string } }).user.avatarUrl === r.body.avatarUrl,
      ),
    ),
  ).toBe(true);
  const aliceSocket = await client(stack.url, alice.token);
  expect((await ack(aliceSocket, 'room:join', { roomId: 'lobby' })).ok).toBe(true);
  const sent = await ack(aliceSocket, 'message:send', { roomId: 'lobby', text: 'new face', clientMsgId: randomUUID() });
  expect(sent.message.sender.avatarUrl).toBe(r.body.avatarUrl);
  const history = await api(stack, bob.token, 'GET', '/api/rooms/lobby/messages?limit=5');
  expect(
    history.body.messages.filter((m: Message) => m.sender.id === alice.id).map((m: Message) => m.sender.avatarUrl),
  ).toEqual(expect.arrayContaining([r.body.avatarUrl]));
  expect((await api(stack, bob.token, 'GET', '/api/me')).body.avatarUrl).toBeUndefined();

  // a new avatar: a new URL, the old bytes are gone; removing it leaves initials
  const png = await sharp({ create: { width: 64, height: 300, channels: 4, background: '#3366ff' } })
    .png()
    .toBuffer();
  const second = await upload(alice.token, png);
  expect(second.status).toBe(201);
  expect(second.body.avatarUrl).not.toBe(r.body.avatarUrl);
  expect((await fetch(`${stack.url}${r.body.avatarUrl}`)).status).toBe(404);
  const removed = await api(stack, alice.token, 'DELETE', '/api/me/avatar');
  expect(removed.status).toBe(200);
  expect(removed.body.avatarUrl).toBeUndefined();
  expect((await fetch(`${stack.url}${second.body.avatarUrl}`)).status).toBe(404);
}, 60000);

it('hostile avatars get a clear 4xx, and the gateway keeps serving', async () => {
  const cases: Array<[string, Buffer, string, number]> = [
    [
      'not an image',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'x.svg',
      415,
    ],
    ['a PDF', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'), 'x.png', 415],
    ['an empty file', Buffer.alloc(0), 'x.png', 400],
    ['a decompression bomb', pngBomb(100_000, 100_000), 'bomb.png', 413],
    [
      'a truncated JPEG',
      (
        await sharp({ create: { width: 400, height: 400, channels: 3, background: '#000' } })
          .jpeg()
          .toBuffer()
      ).subarray(0, 300),
      'x.jpg',
      415,
    ],
    [
      'more bytes than allowed',
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(AVATAR.maxBytes + 10)]),
      'big.png',
      413,
    ],
  ];
  for (const [what, bytes, name, status] of cases) {
    const r = await upload(bob.token, bytes, name);
    expect([what, r.status]).toEqual([what, status]);
    expect(typeof r.body.message).toBe('string');
  }
  // no file at all, and a guest
  const empty = await fetch(`${stack.url}/api/me/avatar`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bob.token}` },
  });
  expect(empty.status).toBe(400);
  const guest = (await api(stack, undefined, 'POST', '/api/auth/guest', {})).body.accessToken as string;
  expect(
    (
      await upload(
        guest,
        await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
      )
    ).status,
  ).toBe(403);
  expect((await fetch(`${stack.url}/api/avatars/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  expect((await fetch(`${stack.url}/api/avatars/${'0'.repeat(32)}.webp`)).status).toBe(404);
  expect((await stack.health()).status).toBe(200);
}, 60000);

it('a password change signs every other session out: REST 401 within 1 s on the other gateway, socket closed within 5 s', async () => {
  const phone = await login(
    gatewayB,
    'carol',
    PASSWORD,
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  );
  const laptop = await login(
    stack.url,
    'carol',
    PASSWORD,
    'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  );
  expect([phone.status, laptop.status]).toEqual([200, 200]);
  const sessions = await api(stack, laptop.body.accessToken, 'GET', '/api/me/sessions');
  expect(sessions.status).toBe(200);
  const current = sessions.body.filter((s: { current: boolean }) => s.current);
  expect(current).toHaveLength(1);
  expect(current[0]).toMatchObject({ browser: 'Firefox', os: 'Linux' });
  expect(sessions.body.some((s: { browser: string; os: string }) => s.browser === 'Safari' && s.os === 'iOS')).toBe(
    true,
  );

  const socket = await client(gatewayB, phone.body.accessToken);
  let reason = '';
  socket.socket.on('session:revoked', (e: { reason: string }) => (reason = e.reason));
  // a wrong current password is 401 and changes nothing
  const wrong = await api(stack, laptop.body.accessToken, 'POST', '/api/me/password', {
    currentPassword: 'not my password',
    newPassword: 'a brand new secret 77',
  });
  expect(wrong.status).toBe(401);
  expect(
    (
      await api(stack, laptop.body.accessToken, 'POST', '/api/me/password', {
        currentPassword: PASSWORD,
        newPassword: 'password',
      })
    ).status,
  ).toBe(400);
  expect((await api(gatewayB, phone.body.accessToken, 'GET', '/api/me')).status).toBe(200);

  const started = Date.now();
  const r = await api(stack, laptop.body.accessToken, 'POST', '/api/me/password', {
    currentPassword: PASSWORD,
    newPassword: 'a brand new secret 77',
  });
  expect(r.status).toBe(204);
  let restMs = -1;
  while (Date.now() - started < 3000) {
    if ((await api(gatewayB, phone.body.accessToken, 'GET', '/api/me')).status === 401) {
      restMs = Date.now() - started;
      break;
    }
    await sleep(20);
  }
  expect(restMs).toBeGreaterThanOrEqual(0);
  expect(restMs).toBeLessThan(1000);
  expect(await until(() => !socket.socket.connected, 5000)).toBe(true);
  expect(reason).toBe('password-change');
  process.stdout.write(
    `password change: REST 401 after ${restMs} ms, socket closed after ≤ ${Date.now() - started} ms\n`,
  );
  // the session that changed it goes on; the others' refresh tokens are dead; both passwords behave
  expect((await api(stack, laptop.body.accessToken, 'GET', '/api/me')).status).toBe(200);
  expect(
    (await api(stack, undefined, 'POST', '/api/auth/refresh', { refreshToken: phone.body.refreshToken })).status,
  ).toBe(401);
  expect((await login(stack.url, 'carol')).status).toBe(401);
  const again = await login(stack.url, 'carol', 'a brand new secret 77');
  expect(again.status).toBe(200);
  carol = { ...carol, token: again.body.accessToken, refreshToken: again.body.refreshToken };

  // revoking one session from the list is a sign-out of that session only
  const list = (await api(stack, carol.token, 'GET', '/api/me/sessions')).body as Array<{
    id: string;
    current: boolean;
  }>;
  const other = list.find((s) => !s.current)!;
  expect(other).toBeDefined();
  expect((await api(stack, carol.token, 'DELETE', `/api/me/sessions/${other.id}`)).status).toBe(204);
  expect((await api(stack, carol.token, 'DELETE', `/api/me/sessions/${other.id}`)).status).toBe(404);
  expect((await api(stack, bob.token, 'DELETE', `/api/me/sessions/${list.find((s) => s.current)!.id}`)).status).toBe(
    404,
  );
  expect((await api(stack, laptop.body.accessToken, 'GET', '/api/me')).status).toBe(401);
  expect((await api(stack, carol.token, 'GET', '/api/me')).status).toBe(200);
}, 60000);

it("the notification level is stored per person and room and reaches the person's other sockets", async () => {
  const first = await client(stack.url, bob.token);
  const second = await client(gatewayB, bob.token);
  expect((await api(stack, bob.token, 'PUT', '/api/rooms/lobby/notifications', { level: 'loud' })).status).toBe(400);
  const r = await api(stack, bob.token, 'PUT', '/api/rooms/lobby/notifications', { level: 'none' });
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ id: 'lobby', notifications: 'none' });
  expect(
    await until(() =>
      second.events.some(
        (e) =>
          e.event === SERVER_EVENTS.roomUpdated &&
          (e.args[0] as { id: string; notifications?: string }).notifications === 'none',
      ),
    ),
  ).toBe(true);
  void first;
  const rooms = (await api(stack, bob.token, 'GET', '/api/rooms')).body as Array<{
    id: string;
    kind: string;
    notifications: string;
  }>;
  expect(rooms.find((x) => x.id === 'lobby')!.notifications).toBe('none');
  expect(rooms.find((x) => x.kind === 'bot')!.notifications).toBe('all');
  // the level is Bob's alone
  const aliceRooms = (await api(stack, alice.token, 'GET', '/api/rooms')).body as Array<{
    id: string;
    notifications: string;
  }>;
  expect(aliceRooms.find((x) => x.id === 'lobby')!.notifications).toBe('mentions');
  // someone else's private room is 404, as everything about it
  const priv = await api(stack, alice.token, 'POST', '/api/rooms', {
    name: `secret-${randomUUID().slice(0, 6)}`,
    kind: 'private',
  });
  expect(
    (await api(stack, bob.token, 'PUT', `/api/rooms/${priv.body.id}/notifications`, { level: 'all' })).status,
  ).toBe(404);
}, 60000);

it("the export holds one's account, rooms, own messages and files, and nothing of others' private rooms", async () => {
  const priv = await api(stack, bob.token, 'POST', '/api/rooms', {
    name: `bobs-den-${randomUUID().slice(0, 6)}`,
    kind: 'private',
  });
  expect(priv.status).toBe(201);
  const bobSocket = await client(stack.url, bob.token);
  expect((await ack(bobSocket, 'room:join', { roomId: priv.body.id })).ok).toBe(true);
  const bobSecret = `bob-only-${randomUUID()}`;
  expect(
    (await ack(bobSocket, 'message:send', { roomId: priv.body.id, text: bobSecret, clientMsgId: randomUUID() })).ok,
  ).toBe(true);
  const aliceSocket = await client(stack.url, alice.token);
  expect((await ack(aliceSocket, 'room:join', { roomId: 'lobby' })).ok).toBe(true);
  const mine = `alice-says-${randomUUID()}`;
  expect((await ack(aliceSocket, 'message:send', { roomId: 'lobby', text: mine, clientMsgId: randomUUID() })).ok).toBe(
    true,
  );
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('notes of alice\n')]), 'notes.txt');
  const up = await fetch(`${stack.url}/api/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${alice.token}` },
    body: form,
  });
  expect(up.status).toBe(201);
  const file = (await up.json()) as { id: string };

  const res = await fetch(`${stack.url}/api/me/export`, { headers: { authorization: `Bearer ${alice.token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(
    /^attachment; filename="hihi-export-\d{4}-\d{2}-\d{2}\.json"$/,
  );
  const text = await res.text();
  const data = JSON.parse(text);
  expect(data).toMatchObject({
    format: 'hihi-export/1',
    account: { id: alice.id, username: 'alice', displayName: '爱丽丝' },
  });
  expect(data.messages.map((m: { text: string }) => m.text)).toEqual(expect.arrayContaining([mine, 'hi as Alice']));
  expect(data.messages.every((m: { roomId: string }) => m.roomId !== priv.body.id)).toBe(true);
  expect(data.rooms.map((r: { id: string }) => r.id)).toContain('lobby');
  expect(data.rooms.map((r: { id: string }) => r.id)).not.toContain(priv.body.id);
  expect(data.files.map((f: { id: string; name: string }) => [f.id, f.name])).toEqual([[file.id, 'notes.txt']]);
  expect(data.sessions.some((s: { current: boolean }) => s.current)).toBe(true);
  // nothing of others: not Bob's private text, nor anyone's secrets
  expect(text).not.toContain(bobSecret);
  expect(text).not.toContain(priv.body.name);
  expect(text).not.toContain('passwordHash');
  expect(text).not.toMatch(/refreshToken|"hash"/);
  expect((await api(stack, undefined, 'GET', '/api/me/export')).status).toBe(401);
}, 60000);

it('deletion: password required, signed out everywhere, sign-in fails, messages stay from "deleted user", the name is held', async () => {
  const dora = await register('dora', 'Dora');
  const doraSocket = await client(gatewayB, dora.token);
  expect((await ack(doraSocket, 'room:join', { roomId: 'lobby' })).ok).toBe(true);
  const said = await ack(doraSocket, 'message:send', {
    roomId: 'lobby',
    text: 'dora was here',
    clientMsgId: randomUUID(),
  });
  expect(said.ok).toBe(true);
  expect((await api(stack, dora.token, 'DELETE', '/api/me', { password: 'wrong password here' })).status).toBe(401);
  expect((await api(stack, dora.token, 'DELETE', '/api/me', {})).status).toBe(400);
  // the last owner cannot leave
  expect((await api(stack, owner.token, 'DELETE', '/api/me', { password: PASSWORD })).status).toBe(409);

  const started = Date.now();
  expect((await api(stack, dora.token, 'DELETE', '/api/me', { password: PASSWORD })).status).toBe(204);
  expect(await until(() => !doraSocket.socket.connected, 5000)).toBe(true);
  expect((await api(gatewayB, dora.token, 'GET', '/api/me')).status).toBe(401);
  process.stdout.write(`deletion: signed out everywhere after ≤ ${Date.now() - started} ms\n`);
  const wrong = await login(stack.url, 'dora', 'not the password at all');
  const refused = await login(stack.url, 'dora');
  expect([refused.status, refused.body.message]).toEqual([wrong.status, wrong.body.message]);
  expect((await api(stack, undefined, 'POST', '/api/auth/refresh', { refreshToken: dora.refreshToken })).status).toBe(
    401,
  );
  // what others received stays, from "deleted user"
  const history = await api(stack, bob.token, 'GET', '/api/rooms/lobby/messages?limit=100');
  const kept = history.body.messages.find((m: Message) => m.id === said.message.id) as Message;
  expect(kept.text).toBe('dora was here');
  expect(kept.sender).toMatchObject({
    id: dora.id,
    username: DELETED_USER.username,
    displayName: DELETED_USER.displayName,
  });
  expect(JSON.stringify(history.body)).not.toContain('"Dora"');
  // the username stays taken for now (freed after 30 days)
  expect(
    (await api(stack, undefined, 'POST', '/api/auth/register', { username: 'dora', password: PASSWORD })).status,
  ).toBe(409);
  // the admin list shows the account deactivated, and it cannot be brought back
  const listed = await api(stack, owner.token, 'GET', '/api/admin/users?status=deactivated');
  expect(listed.body.users.find((u: { user: { id: string } }) => u.user.id === dora.id).user.displayName).toBe(
    DELETED_USER.displayName,
  );
  expect((await api(stack, owner.token, 'POST', `/api/admin/users/${dora.id}/reactivate`)).status).toBe(409);
}, 60000);

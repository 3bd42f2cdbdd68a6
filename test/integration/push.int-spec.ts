/**
 * Web Push (SPEC §10) with real processes: auth, chat and a gateway against real Redis,
 * PostgreSQL and MongoDB-wire, and a real HTTP push endpoint on 127.0.0.1 (listed in
 * EGRESS_ALLOW). The test keeps each subscription's private key and auth secret and decrypts
 * what Hihi sends (RFC 8291 aes128gcm) with node:crypto; it checks the VAPID JWT (RFC 8292), TTL,
 * the payload; a message read within NOTIFY_DELAY_SEC is never pushed, nor one in a room at
 * `none`; an endpoint that resolves to an unlisted loopback address receives nothing (egress
 * guard, SPEC §9); a 410 answer deletes the subscription; a 503 with Retry-After is retried for
 * that device alone, after the wait, and the push arrives once.
 */
import {
  createECDH,
  createDecipheriv,
  createHmac,
  createPublicKey,
  createVerify,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CHAT_PATTERNS, CLIENT_EVENTS, Message, PushPayload } from '@hihi/contracts';
import { ServiceProc, Stack } from '../support/stack';
import { ack, api, Client, connect, sleep, until } from './chat-helpers';

const PASSWORD = 'push me gently 42';
let stack: Stack;
const clients: Client[] = [];

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
  status: number;
}
/** paths under /busy/ answered 503 + Retry-After once already */
const busyOnce = new Set<string>();
let receiver: Server;
let port = 0;
const received: Received[] = [];
let unlisted: Server;
let unlistedPort = 0;
let unlistedConnections = 0;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

interface Device {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  endpoint: string;
}

function device(endpoint: string): Device {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, auth: randomBytes(16), endpoint };
}

function subscription(d: Device) {
  return {
    endpoint: d.endpoint,
    expirationTime: null,
    keys: { p256dh: d.ecdh.getPublicKey().toString('base64url'), auth: d.auth.toString('base64url') },
  };
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** RFC 8291 §3.4 / RFC 8188: what a browser does with an aes128gcm push message. */
function decrypt(d: Device, body: Buffer): PushPayload {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const uaPublic = d.ecdh.getPublicKey();
  const shared = d.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hmac(hmac(d.auth, shared), Buffer.concat([keyInfo, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'binary')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'binary')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  expect(plain[end]).toBe(2); // the last record's delimiter
  return JSON.parse(plain.subarray(0, end).toString('utf8')) as PushPayload;
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`; the JWT is ES256 by that key, aud = the endpoint's origin. */
function checkVapid(authorization: string, endpoint: string, publicKey: string): void {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  expect(m).not.toBeNull();
  const [, jwt, k] = m!;
  expect(k).toBe(publicKey);
  const [h, p, s] = jwt.split('.');
  expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toMatchObject({ alg: 'ES256', typ: 'JWT' });
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  expect(claims.aud).toBe(new URL(endpoint).origin);
  expect(claims.sub).toMatch(/^(mailto:|https:)/);
  expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  expect(claims.exp).toBeLessThanOrEqual(Date.now() / 1000 + 24 * 3600);
  const raw = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  const ok = createVerify('SHA256')
    .update(`${h}.${p}`)
    .verify({ key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  expect(ok).toBe(true);
}

interface Account {
  id: string;
  username: string;
  token: string;
}

async function register(prefix: string): Promise<Account> {
  const username = `${prefix}${randomUUID().slice(0, 6)}`;
  const r = await api(stack, undefined, 'POST', '/api/auth/register', { username, password: PASSWORD });
  expect(r.status).toBe(201);
  return { id: r.body.user.id, username, token: r.body.accessToken };
}

async function dmWith(from: Account, to: Account): Promise<string> {
  const dm = await api(stack, from.token, 'POST', '/api/dms', { username: to.username });
  expect(dm.status).toBeLessThan(300);
  return dm.body.id as string;
}

async function send(c: Client, roomId: string, text: string): Promise<Message> {
  const res = await ack(c, CLIENT_EVENTS.messageSend, { roomId, text, clientMsgId: randomUUID() });
  expect(res.ok).toBe(true);
  return res.message as Message;
}

let alice: Account;
let aliceSocket: Client;
let vapidKey = '';

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      let status = path.startsWith('/gone/') ? 410 : 201;
      if (path.startsWith('/busy/') && !busyOnce.has(path)) {
        busyOnce.add(path);
        status = 503;
        res.setHeader('retry-after', '1');
      }
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks), at: Date.now(), status });
      res.statusCode = status;
      res.end();
    });
  });
  port = await listen(receiver);
  unlisted = createServer((_req, res) => res.end());
  unlisted.on('connection', (s: Socket) => {
    unlistedConnections++;
    s.destroy();
  });
  unlistedPort = await listen(unlisted);
  stack = new Stack({ env: { NOTIFY_DELAY_SEC: '1', EGRESS_ALLOW: `127.0.0.1:${port}` } });
  await stack.start();
  alice = await register('alice');
  aliceSocket = await connect(stack.url, alice.token);
  clients.push(aliceSocket);
  const key = await api(stack, alice.token, 'GET', '/api/push/vapid-key');
  expect(key.status).toBe(200);
  vapidKey = key.body.publicKey as string;
  expect(Buffer.from(vapidKey, 'base64url')).toHaveLength(65);
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.socket.disconnect();
  await stack?.stop();
  receiver?.close();
  unlisted?.close();
});

const forPath = (prefix: string) => received.filter((r) => r.path.startsWith(prefix));

it('refuses subscriptions that are not https (unless listed), have bad keys, or name a refused address', async () => {
  const d = device('https://push.example.com/x');
  const good = subscription(d);
  const cases = [
    { ...good, endpoint: 'ftp://push.example.com/x' },
    { ...good, endpoint: 'http://push.example.com/x' },
    { ...good, endpoint: `https://push.example.com/${'a'.repeat(2100)}` },
    { ...good, endpoint: 'https://10.0.0.1/x' },
    { ...good, keys: { ...good.keys, p256dh: 'short' } },
    { ...good, keys: { ...good.keys, auth: good.keys.p256dh } },
    { ...good, keys: { ...good.keys, p256dh: Buffer.alloc(65, 5).toString('base64url') } },
    { endpoint: good.endpoint },
  ];
  for (const body of cases) {
    const r = await api(stack, alice.token, 'POST', '/api/push/subscriptions', body);
    expect([r.status, body.endpoint.slice(0, 40)]).toEqual([400, body.endpoint.slice(0, 40)]);
  }
  expect((await api(stack, undefined, 'GET', '/api/push/vapid-key')).status).toBe(401);
});

it('pushes an unread DM after the delay, encrypted for the device, with VAPID and TTL; not what was read or deleted meanwhile', async () => {
  const bob = await register('bob');
  const d = device(`http://127.0.0.1:${port}/ok/${bob.username}`);
  expect((await api(stack, bob.token, 'POST', '/api/push/subscriptions', subscription(d))).status).toBe(201);
  const dm = await dmWith(alice, bob);

  const m = await send(aliceSocket, dm, 'are you there?');
  expect(await until(() => forPath(`/ok/${bob.username}`).length > 0, 10_000)).toBe(true);
  const push = forPath(`/ok/${bob.username}`)[0];
  expect(push.headers['content-encoding']).toBe('aes128gcm');
  expect(Number(push.headers.ttl)).toBeGreaterThan(0);
  checkVapid(String(push.headers.authorization), d.endpoint, vapidKey);
  const payload = decrypt(d, push.body);
  expect(payload).toMatchObject({
    title: alice.username,
    body: 'are you there?',
    roomId: dm,
    messageId: m.id,
    seq: m.seq,
    url: `/chat?room=${encodeURIComponent(dm)}&msg=${encodeURIComponent(m.id)}&seq=${m.seq}`,
  });

  // read within the delay: never pushed
  const bobSocket = await connect(stack.url, bob.token);
  clients.push(bobSocket);
  const m2 = await send(aliceSocket, dm, 'seen at once');
  expect((await ack(bobSocket, CLIENT_EVENTS.roomRead, { roomId: dm, seq: m2.seq })).ok).toBe(true);
  await sleep(3000);
  expect(forPath(`/ok/${bob.username}`).map((r) => decrypt(d, r.body).messageId)).toEqual([m.id]);

  // deleted within the delay: nothing
  const oops = await send(aliceSocket, dm, 'oops, wrong person');
  expect((await ack(aliceSocket, CLIENT_EVENTS.messageDelete, { roomId: dm, messageId: oops.id })).ok).toBe(true);
  await sleep(3000);
  expect(forPath(`/ok/${bob.username}`)).toHaveLength(1);

  // a room at none: nothing
  expect((await api(stack, bob.token, 'PUT', `/api/rooms/${dm}/notifications`, { level: 'none' })).status).toBe(200);
  await send(aliceSocket, dm, 'muted');
  await sleep(3000);
  expect(forPath(`/ok/${bob.username}`)).toHaveLength(1);

  // unsubscribed: nothing either
  expect((await api(stack, bob.token, 'PUT', `/api/rooms/${dm}/notifications`, { level: 'all' })).status).toBe(200);
  expect((await api(stack, bob.token, 'DELETE', '/api/push/subscriptions', { endpoint: d.endpoint })).status).toBe(204);
  await send(aliceSocket, dm, 'after unsubscribing');
  await sleep(3000);
  expect(forPath(`/ok/${bob.username}`)).toHaveLength(1);
}, 45_000);

it("a bot's message reaches a room at `all` without a push, even naming you; a person's is pushed", async () => {
  const cara = await register('cara');
  const d = device(`http://127.0.0.1:${port}/ok/${cara.username}`);
  expect((await api(stack, cara.token, 'POST', '/api/push/subscriptions', subscription(d))).status).toBe(201);
  const room = await api(stack, alice.token, 'POST', '/api/rooms', { name: `hooks-${randomUUID().slice(0, 6)}` });
  expect(room.status).toBe(201);
  const roomId = room.body.id as string;
  expect((await api(stack, cara.token, 'POST', `/api/rooms/${roomId}/join`)).status).toBe(200);
  expect((await api(stack, cara.token, 'PUT', `/api/rooms/${roomId}/notifications`, { level: 'all' })).status).toBe(
    200,
  );
  const hook = await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/webhooks`, { name: 'CI' });
  expect(hook.status).toBe(201);
  const post = (text: string) =>
    fetch(hook.body.url as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
  expect((await post('build 1 passed')).status).toBe(200);
  await sleep(3000);
  expect(forPath(`/ok/${cara.username}`)).toHaveLength(0);
  const m = await send(aliceSocket, roomId, 'lunch?');
  expect(await until(() => forPath(`/ok/${cara.username}`).length > 0, 10_000)).toBe(true);
  expect(decrypt(d, forPath(`/ok/${cara.username}`)[0].body).messageId).toBe(m.id);
  // bots do not mention (MessagesService records no mentions for automated senders): no push either
  expect((await post(`@${cara.username} your build broke`)).status).toBe(200);
  await sleep(3000);
  expect(forPath(`/ok/${cara.username}`)).toHaveLength(1);
}, 45_000);

it('never reaches an endpoint that resolves to an unlisted loopback address; a 410 deletes the subscription', async () => {
  const carol = await register('carol');
  const far = device(`https://localhost:${unlistedPort}/push/${carol.username}`);
  const gone = device(`http://127.0.0.1:${port}/gone/${carol.username}`);
  expect((await api(stack, carol.token, 'POST', '/api/push/subscriptions', subscription(far))).status).toBe(201);
  expect((await api(stack, carol.token, 'POST', '/api/push/subscriptions', subscription(gone))).status).toBe(201);
  const dm = await dmWith(alice, carol);

  await send(aliceSocket, dm, 'one');
  expect(await until(() => forPath(`/gone/${carol.username}`).length === 1, 10_000)).toBe(true);
  await sleep(500);
  expect(unlistedConnections).toBe(0);

  await send(aliceSocket, dm, 'two');
  await sleep(3000);
  expect(forPath(`/gone/${carol.username}`)).toHaveLength(1); // deleted after the 410
  expect(unlistedConnections).toBe(0);
}, 30_000);

it('retries a device whose push service answers 503 with Retry-After, after the wait, and delivers once; the other device is not pushed again', async () => {
  const dan = await register('dan');
  const busy = device(`http://127.0.0.1:${port}/busy/${dan.username}`);
  const fine = device(`http://127.0.0.1:${port}/ok/${dan.username}`);
  expect((await api(stack, dan.token, 'POST', '/api/push/subscriptions', subscription(busy))).status).toBe(201);
  expect((await api(stack, dan.token, 'POST', '/api/push/subscriptions', subscription(fine))).status).toBe(201);
  const dm = await dmWith(alice, dan);

  const m = await send(aliceSocket, dm, 'busy out there?');
  expect(await until(() => forPath(`/busy/${dan.username}`).length >= 2, 15_000)).toBe(true);
  await sleep(3000);
  const tries = forPath(`/busy/${dan.username}`);
  expect(tries.map((t) => t.status)).toEqual([503, 201]);
  expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(900); // Retry-After: 1 honoured
  expect(decrypt(busy, tries[1].body).messageId).toBe(m.id);
  // the retry was that device's alone: the other one got the push once
  expect(forPath(`/ok/${dan.username}`).map((r) => decrypt(fine, r.body).messageId)).toEqual([m.id]);
}, 40_000);

describe('the push audience of a room (cached per room in every chat process)', () => {
  /** message.send requests a chat process has handled so far */
  const sendsHandled = (p: ServiceProc) =>
    p.lines.filter((l) => l.includes('bus request handled') && l.includes(`"${CHAT_PATTERNS.send}"`)).length;
  const chats = () => stack.procs.filter((p) => p.service === 'chat' && p.proc.exitCode === null);

  /** Send until each chat process has stored at least `each` of them; the messages sent. */
  async function sendOnEvery(roomId: string, label: string, each: number): Promise<Message[]> {
    const before = chats().map(sendsHandled);
    const sent: Message[] = [];
    while (sent.length < 60 && chats().some((p, i) => sendsHandled(p) - before[i] < each))
      sent.push(await send(aliceSocket, roomId, `${label} ${sent.length}`));
    expect(chats().map((p, i) => sendsHandled(p) - before[i] >= each)).toEqual([true, true]);
    return sent;
  }

  beforeAll(async () => {
    const second = stack.spawn('chat');
    expect(await until(() => second.lines.some((l) => l.includes('chat service ready')), 30_000)).toBe(true);
  }, 40_000);

  it('a device added after the room has talked is pushed the next message, whichever chat process stores it', async () => {
    const dave = await register('dave');
    const dm = await dmWith(alice, dave);
    // both processes have seen the DM with nobody to push to
    await sendOnEvery(dm, 'before any device', 2);
    await sleep(2000);
    expect(forPath(`/ok/${dave.username}`)).toHaveLength(0);

    const d = device(`http://127.0.0.1:${port}/ok/${dave.username}`);
    expect((await api(stack, dave.token, 'POST', '/api/push/subscriptions', subscription(d))).status).toBe(201);
    const after = await sendOnEvery(dm, 'with a device', 2);
    expect(await until(() => forPath(`/ok/${dave.username}`).length >= after.length, 15_000)).toBe(true);
    await sleep(1500);
    const pushed = forPath(`/ok/${dave.username}`).map((r) => decrypt(d, r.body).messageId);
    expect(pushed.sort()).toEqual(after.map((m) => m.id).sort());
  }, 90_000);

  it('raising a room to `all` is pushed the next message at once; lowering it to `none` stops them', async () => {
    const erin = await register('erin');
    const d = device(`http://127.0.0.1:${port}/ok/${erin.username}`);
    expect((await api(stack, erin.token, 'POST', '/api/push/subscriptions', subscription(d))).status).toBe(201);
    const room = await api(stack, alice.token, 'POST', '/api/rooms', { name: `levels-${randomUUID().slice(0, 6)}` });
    expect(room.status).toBe(201);
    const roomId = room.body.id as string;
    expect((await api(stack, erin.token, 'POST', `/api/rooms/${roomId}/join`)).status).toBe(200);
    // a public room's default is `mentions`: talk that names nobody is not pushed
    await sendOnEvery(roomId, 'chatter', 2);
    await sleep(2000);
    expect(forPath(`/ok/${erin.username}`)).toHaveLength(0);

    const level = (l: string) => api(stack, erin.token, 'PUT', `/api/rooms/${roomId}/notifications`, { level: l });
    expect((await level('all')).status).toBe(200);
    const wanted = await sendOnEvery(roomId, 'now at all', 2);
    expect(await until(() => forPath(`/ok/${erin.username}`).length >= wanted.length, 15_000)).toBe(true);

    expect((await level('none')).status).toBe(200);
    await sendOnEvery(roomId, 'now at none', 2);
    await sleep(3000);
    const pushed = forPath(`/ok/${erin.username}`).map((r) => decrypt(d, r.body).messageId);
    expect(pushed.sort()).toEqual(wanted.map((m) => m.id).sort());
  }, 90_000);
});

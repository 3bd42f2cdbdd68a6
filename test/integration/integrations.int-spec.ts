/**
 * Integrations (SPEC §9) with real processes: auth, chat and two gateways against real Redis,
 * PostgreSQL and MongoDB-wire. Bot accounts and personal access tokens on REST and on the
 * socket (join, send, receive, sinceSeq catch-up), scopes refused, revocation within 1 s on the
 * other gateway (and its socket closed), a deactivated owner's tokens stopped; the message API
 * over REST with idempotency and X-RateLimit headers; incoming webhooks (Slack bodies, hostile
 * bodies, rate limit, rotate, delete); outgoing webhooks to a real receiver on 127.0.0.1 (listed
 * in EGRESS_ALLOW): signed, retried after a 500, never doubled, the answer posted as a reply,
 * logged; a hanging receiver delays no ack; an unlisted loopback receiver never gets a request.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hihi/infra';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, sleep, until } from './chat-helpers';

const PASSWORD = 'integrations all the way 7';
let stack: Stack;
let gatewayB = '';
const clients: Client[] = [];

interface Account {
  id: string;
  username: string;
  token: string;
}

async function register(username: string): Promise<Account> {
  const r = await api(stack, undefined, 'POST', '/api/auth/register', { username, password: PASSWORD });
  expect(r.status).toBe(201);
  return { id: r.body.user.id, username, token: r.body.accessToken };
}

async function open(url: string, token: string): Promise<Client> {
  const c = await connect(url, token);
  clients.push(c);
  return c;
}

/** Polls until the call answers `status` (or the time is up); answers the ms it took. */
async function within(ms: number, call: () => Promise<{ status: number }>, status: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if ((await call()).status === status) return Date.now() - t0;
    await sleep(25);
  }
  return (await call()).status === status ? Date.now() - t0 : Infinity;
}

let owner: Account;
let alice: Account;
let bob: Account;
let roomId = '';
let bot: { id: string; username: string; token: string };

/** What the receivers got. */
interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const receiver: Received[] = [];
const unlistedHits: Received[] = [];
const servers: Server[] = [];
let receiverPort = 0;
let unlistedPort = 0;

function listen(handler: (r: Received, res: import('node:http').ServerResponse) => void): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => handler({ path: req.url ?? '', headers: req.headers, body }, res));
    });
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

beforeAll(async () => {
  const tries = new Map<string, number>();
  receiverPort = await listen((r, res) => {
    receiver.push(r);
    if (r.path === '/hang') return; // never answers
    const id = (JSON.parse(r.body) as { message: { id: string } }).message.id;
    const n = (tries.get(id) ?? 0) + 1;
    tries.set(id, n);
    if (n === 1) {
      res.writeHead(500).end('not yet');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text: 'pong 🏓' }));
  });
  unlistedPort = await listen((r, res) => {
    unlistedHits.push(r);
    res.end('{}');
  });
  stack = new Stack({ env: { EGRESS_ALLOW: `127.0.0.1:${receiverPort}` } });
  await stack.start();
  const portB = await freePort();
  stack.spawn('gateway', { PORT: String(portB) });
  gatewayB = `http://127.0.0.1:${portB}`;
  await stack.waitHealthy(gatewayB);
  owner = await register('olivia');
  alice = await register('alice');
  bob = await register('bob');
  const room = await api(stack, alice.token, 'POST', '/api/rooms', { name: 'ops', kind: 'private' });
  expect(room.status).toBe(201);
  roomId = room.body.id;
  expect((await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/members`, { username: 'bob' })).status).toBe(201);
}, 180000);

afterAll(async () => {
  writeFileSync(
    join(tmpdir(), 'hihi-integrations-int.log'),
    stack.procs
      .flatMap((p) => p.lines)
      .filter((l) => /"level":(40|50)/.test(l))
      .join('\n'),
  );
  for (const c of clients) c.socket.disconnect();
  for (const srv of servers) {
    srv.closeAllConnections();
    srv.close();
  }
  await stack?.stop();
}, 60000);

describe('bot accounts', () => {
  it('a member creates a bot: the token is shown once with its prefix; the bot cannot sign in with a password', async () => {
    const r = await api(stack, alice.token, 'POST', '/api/bots', {
      username: 'deploy-bot',
      displayName: 'Deploy 机器人',
    });
    expect(r.status).toBe(201);
    expect(r.body.token).toMatch(/^hihi_bot_[A-Za-z0-9_-]{43}$/);
    expect(r.body.bot).toMatchObject({ username: 'deploy-bot', bot: true, ownerId: alice.id });
    bot = { id: r.body.bot.id, username: 'deploy-bot', token: r.body.token };
    const listed = await api(stack, alice.token, 'GET', '/api/bots');
    expect(listed.body.map((b: { id: string }) => b.id)).toEqual([bot.id]);
    expect(JSON.stringify(listed.body)).not.toContain(bot.token);
    // no password works for a bot, answered like a wrong password
    const login = await api(stack, undefined, 'POST', '/api/auth/login', {
      username: 'deploy-bot',
      password: PASSWORD,
    });
    expect(login.status).toBe(401);
    const me = await api(stack, bot.token, 'GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: bot.id, username: 'deploy-bot', bot: true });
  });

  it('members own at most 3 bots; bob cannot see or delete alice’s', async () => {
    for (const n of ['b2', 'b3']) {
      expect(
        (await api(stack, alice.token, 'POST', '/api/bots', { username: `alice-${n}`, displayName: n })).status,
      ).toBe(201);
    }
    const fourth = await api(stack, alice.token, 'POST', '/api/bots', { username: 'alice-b4', displayName: 'b4' });
    expect(fourth.status).toBe(403);
    expect((await api(stack, bob.token, 'GET', '/api/bots')).body).toEqual([]);
    expect((await api(stack, bob.token, 'DELETE', `/api/bots/${bot.id}`)).status).toBe(404);
    // admins see every bot
    expect((await api(stack, owner.token, 'GET', '/api/bots')).body).toHaveLength(3);
  });

  it('a bot added to a room joins, sends and receives over the socket, and catches up with sinceSeq', async () => {
    expect(
      (await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/members`, { username: bot.username })).status,
    ).toBe(201);
    const botSocket = await open(stack.url, bot.token);
    const joined = await ack(botSocket, 'room:join', { roomId });
    expect(joined.ok).toBe(true);
    const aliceSocket = await open(gatewayB, alice.token);
    expect((await ack(aliceSocket, 'room:join', { roomId })).ok).toBe(true);
    const sent = await ack(botSocket, 'message:send', { roomId, text: 'deploy started', clientMsgId: 'deploy-1' });
    expect(sent.ok).toBe(true);
    expect(sent.message.sender).toMatchObject({ id: bot.id, bot: true });
    expect(await until(() => aliceSocket.received.some((m) => m.id === sent.message.id))).toBe(true);
    const said = await ack(aliceSocket, 'message:send', { roomId, text: 'thanks bot', clientMsgId: 'a-1' });
    expect(await until(() => botSocket.received.some((m) => m.id === said.message.id))).toBe(true);
    // catch-up: everything after the bot's own message
    botSocket.socket.disconnect();
    await ack(aliceSocket, 'message:send', { roomId, text: 'while you were away', clientMsgId: 'a-2' });
    const again = await open(stack.url, bot.token);
    const caught = await ack(again, 'room:join', { roomId, sinceSeq: sent.message.seq });
    expect(caught.messages.map((m: { text: string }) => m.text)).toEqual(['thanks bot', 'while you were away']);
    again.socket.disconnect();
  });

  it('a bot sees only rooms it is in', async () => {
    const other = await api(stack, bob.token, 'POST', '/api/rooms', { name: 'secret', kind: 'private' });
    expect((await api(stack, bot.token, 'GET', `/api/rooms/${other.body.id}/messages`)).status).toBe(404);
    const s = await open(stack.url, bot.token);
    expect((await ack(s, 'room:join', { roomId: other.body.id })).error.code).toBe('not_found');
    const rooms = (await api(stack, bot.token, 'GET', '/api/rooms')).body.map((r: { id: string }) => r.id);
    expect(rooms).toContain(roomId);
    expect(rooms).not.toContain(other.body.id);
    s.socket.disconnect();
  });

  it('rotating the token stops the old one within 1 s on the other gateway and closes its socket', async () => {
    const s = await open(gatewayB, bot.token);
    const r = await api(stack, alice.token, 'POST', `/api/bots/${bot.id}/token`);
    expect(r.status).toBe(201);
    expect(r.body.token).toMatch(/^hihi_bot_/);
    const took = await within(1000, () => api(gatewayB, bot.token, 'GET', '/api/me'), 401);
    expect(took).toBeLessThanOrEqual(1000);
    expect(await until(() => !s.socket.connected, 5000)).toBe(true);
    await expect(connect(gatewayB, bot.token)).rejects.toThrow('unauthorized');
    bot.token = r.body.token;
    expect((await api(gatewayB, bot.token, 'GET', '/api/me')).status).toBe(200);
  });
});

describe('incoming webhooks', () => {
  let hookUrl = '';
  let hookId = '';
  const post = (url: string, body: string, type = 'application/json') =>
    fetch(url, { method: 'POST', headers: { 'content-type': type }, body });

  it('room moderators create them; members may not; the secret URL is shown once', async () => {
    expect((await api(stack, bob.token, 'POST', `/api/rooms/${roomId}/webhooks`, { name: 'CI' })).status).toBe(403);
    const r = await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/webhooks`, { name: 'CI' });
    expect(r.status).toBe(201);
    expect(r.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/hooks\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{43}$/);
    hookUrl = r.body.url;
    hookId = r.body.id;
    const listed = await api(stack, alice.token, 'GET', `/api/rooms/${roomId}/webhooks`);
    expect(listed.body).toEqual([expect.objectContaining({ id: hookId, name: 'CI' })]);
    expect(JSON.stringify(listed.body)).not.toContain(hookUrl.split('/').pop());
  });

  it('a post reaches every member once, as the hook name with the BOT tag; Slack bodies and forms work', async () => {
    const bobSocket = await open(gatewayB, bob.token);
    expect((await ack(bobSocket, 'room:join', { roomId })).ok).toBe(true);
    const res = await post(hookUrl, JSON.stringify({ text: 'build #7 passed' }));
    expect(res.status).toBe(200);
    const { messageId } = (await res.json()) as { messageId: string };
    expect(await until(() => bobSocket.received.some((m) => m.id === messageId))).toBe(true);
    await sleep(200);
    const got = bobSocket.received.filter((m) => m.id === messageId);
    expect(got).toHaveLength(1);
    expect(got[0].sender).toMatchObject({ displayName: 'CI', bot: true });
    expect(got[0].text).toBe('build #7 passed');
    // Grafana / Alertmanager shaped
    const grafana = await post(
      hookUrl,
      JSON.stringify({
        username: 'Grafana',
        attachments: [{ title: '[FIRING:1] HighCPU', title_link: 'https://grafana.example/a', text: 'CPU > 90%' }],
      }),
    );
    expect(grafana.status).toBe(200);
    const gid = ((await grafana.json()) as { messageId: string }).messageId;
    expect(await until(() => bobSocket.received.some((m) => m.id === gid))).toBe(true);
    const g = bobSocket.received.find((m) => m.id === gid)!;
    expect(g.text).toBe('[FIRING:1] HighCPU (https://grafana.example/a)\nCPU > 90%');
    expect(g.sender.displayName).toBe('Grafana');
    // Slack's legacy form
    const form = await post(
      hookUrl,
      `payload=${encodeURIComponent(JSON.stringify({ text: 'from a form' }))}`,
      'application/x-www-form-urlencoded',
    );
    expect(form.status).toBe(200);
    bobSocket.socket.disconnect();
  });

  it('hostile bodies get 400/413 and store nothing; unknown hooks and wrong secrets 404', async () => {
    const before = (await api(stack, alice.token, 'GET', `/api/rooms/${roomId}/messages`)).body.messages.length;
    const deep = '{"text":"x","a":' + '['.repeat(200) + ']'.repeat(200) + '}';
    const cases: Array<[string, string, number]> = [
      ['not json', 'application/json', 400],
      ['{"text": 42}', 'application/json', 400],
      ['{}', 'application/json', 400],
      ['[1,2]', 'application/json', 400],
      [deep, 'application/json', 400],
      ['text=hello', 'text/plain', 400],
      ['payload=not-json', 'application/x-www-form-urlencoded', 400],
      [
        'payload=' + encodeURIComponent('[' + '['.repeat(100) + ']'.repeat(100) + ']'),
        'application/x-www-form-urlencoded',
        400,
      ],
      ['x'.repeat(10 * 1024 * 1024), 'application/json', 413],
    ];
    for (const [body, type, status] of cases) {
      const r = await post(hookUrl, body, type);
      expect([body.slice(0, 30), r.status]).toEqual([body.slice(0, 30), status]);
      expect(((await r.json()) as { statusCode: number }).statusCode).toBe(status);
    }
    const after = (await api(stack, alice.token, 'GET', `/api/rooms/${roomId}/messages`)).body.messages.length;
    expect(after).toBe(before);
    const secret = hookUrl.split('/').pop()!;
    const wrong = hookUrl.replace(secret, 'A'.repeat(43));
    expect((await post(wrong, '{"text":"x"}')).status).toBe(404);
    expect(
      (await post(`${stack.url}/api/hooks/00000000-0000-4000-8000-000000000000/${secret}`, '{"text":"x"}')).status,
    ).toBe(404);
    expect((await post(`${stack.url}/api/hooks/nope/short`, '{"text":"x"}')).status).toBe(404);
  });

  it('rotation: the old URL answers 404, the new one posts', async () => {
    const r = await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/webhooks/${hookId}/rotate`);
    expect(r.status).toBe(200);
    expect((await post(hookUrl, '{"text":"old"}')).status).toBe(404);
    hookUrl = r.body.url;
    expect((await post(hookUrl, '{"text":"new"}')).status).toBe(200);
  });

  it('a hook past its rate limit gets 429 with Retry-After; a deleted hook 404', async () => {
    let limited: Response | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await post(hookUrl, JSON.stringify({ text: `flood ${i}` }));
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(200);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await api(stack, alice.token, 'DELETE', `/api/rooms/${roomId}/webhooks/${hookId}`)).status).toBe(204);
    // another hook, deleted: its URL answers 404
    const other = await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/webhooks`, { name: 'Other' });
    expect((await post(other.body.url, '{"text":"once"}')).status).toBe(200);
    expect((await api(stack, alice.token, 'DELETE', `/api/rooms/${roomId}/webhooks/${other.body.id}`)).status).toBe(
      204,
    );
    expect((await post(other.body.url, '{"text":"gone"}')).status).toBe(404);
    expect((await api(stack, alice.token, 'GET', `/api/rooms/${roomId}/webhooks`)).body).toEqual([]);
  });

  it('creating, rotating and deleting hooks each leave one audit entry (who, which room, which hook)', async () => {
    const entries = async (action: string) =>
      (
        (await api(stack, owner.token, 'GET', `/api/admin/audit?limit=100&action=${action}`)).body.entries as Array<{
          actor: { id: string };
          target: { type: string; id: string };
          details: { hookId: string; kind: string };
        }>
      ).filter((e) => e.details.kind === 'incoming' && e.target.id === roomId);
    const created = await entries('room.webhook.create');
    expect(created).toHaveLength(2);
    expect(created.every((e) => e.actor.id === alice.id && e.target.type === 'room')).toBe(true);
    expect((await entries('room.webhook.rotate')).map((e) => e.details.hookId)).toEqual([hookId]);
    const deleted = (await entries('room.webhook.delete')).map((e) => e.details.hookId);
    expect(deleted).toHaveLength(2);
    expect(deleted).toContain(hookId);
  });
});

describe('outgoing webhooks', () => {
  let hook = { id: '', secret: '' };

  it('refuse URLs the egress guard refuses before any DNS', async () => {
    for (const url of [
      `http://127.0.0.1:${unlistedPort}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:80/',
      'http://2130706433/',
      'ftp://example.com/',
    ]) {
      const r = await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/outgoing-webhooks`, {
        url,
        trigger: 'all',
      });
      expect([url, r.status]).toEqual([url, 400]);
    }
    expect(
      (
        await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/outgoing-webhooks`, {
          url: 'http://x.example/',
          trigger: { words: [] },
        })
      ).status,
    ).toBe(400);
  });

  it('a matching message is delivered signed, retried after a 500, never doubled; the answer is posted as a reply; the log shows both tries', async () => {
    const r = await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/outgoing-webhooks`, {
      url: `http://127.0.0.1:${receiverPort}/hook`,
      trigger: { words: ['ping'] },
    });
    expect(r.status).toBe(201);
    expect(r.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    hook = { id: r.body.id, secret: r.body.secret };
    const bobSocket = await open(stack.url, bob.token);
    expect((await ack(bobSocket, 'room:join', { roomId })).ok).toBe(true);
    // not a trigger word: nothing is sent
    await ack(bobSocket, 'message:send', { roomId, text: 'pinging nobody', clientMsgId: 'o-0' });
    const sent = await ack(bobSocket, 'message:send', { roomId, text: 'ping the CI', clientMsgId: 'o-1' });
    expect(sent.ok).toBe(true);
    const mine = () => receiver.filter((x) => x.path === '/hook' && x.body.includes(sent.message.id));
    expect(await until(() => mine().length >= 2, 10000)).toBe(true);
    for (const req of mine()) {
      const ts = String(req.headers['x-hihi-timestamp']);
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
      const expected = `sha256=${createHmac('sha256', hook.secret).update(`${ts}.${req.body}`).digest('hex')}`;
      expect(req.headers['x-hihi-signature']).toBe(expected);
      const body = JSON.parse(req.body);
      expect(body).toMatchObject({
        event: 'message.new',
        room: { id: roomId },
        message: { id: sent.message.id, text: 'ping the CI' },
      });
    }
    const reply = () => bobSocket.received.filter((m) => m.replyTo?.id === sent.message.id);
    expect(await until(() => reply().length === 1, 5000)).toBe(true);
    expect(reply()[0]).toMatchObject({ text: 'pong 🏓', sender: { bot: true, displayName: '127.0.0.1' } });
    expect(receiver.filter((x) => x.body.includes('pinging nobody'))).toHaveLength(0);
    await sleep(1500);
    expect(mine()).toHaveLength(2);
    expect(reply()).toHaveLength(1);
    const log = await api(stack, alice.token, 'GET', `/api/rooms/${roomId}/outgoing-webhooks/${hook.id}/deliveries`);
    expect(log.status).toBe(200);
    expect(
      log.body.deliveries.map((d: { attempt: number; ok: boolean; status: number }) => [d.attempt, d.ok, d.status]),
    ).toEqual([
      [2, true, 200],
      [1, false, 500],
    ]);
    expect(log.body.deliveries[1].error).toContain('500');
    expect(typeof log.body.deliveries[0].latencyMs).toBe('number');
    expect(
      (await api(stack, bob.token, 'GET', `/api/rooms/${roomId}/outgoing-webhooks/${hook.id}/deliveries`)).status,
    ).toBe(403);
    bobSocket.socket.disconnect();
  });

  it('a receiver that hangs delays no ack; a loopback name not listed is refused and never receives a request', async () => {
    const hang = await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/outgoing-webhooks`, {
      url: `http://127.0.0.1:${receiverPort}/hang`,
      trigger: 'all',
    });
    const unlisted = await api(stack, alice.token, 'POST', `/api/rooms/${roomId}/outgoing-webhooks`, {
      url: `http://localhost:${unlistedPort}/`,
      trigger: 'all',
    });
    expect([hang.status, unlisted.status]).toEqual([201, 201]);
    await sleep(2100); // the room's hooks are cached for 2 s
    const s = await open(stack.url, bob.token);
    expect((await ack(s, 'room:join', { roomId })).ok).toBe(true);
    const t0 = Date.now();
    const sent = await ack(s, 'message:send', { roomId, text: 'hello hooks', clientMsgId: 'o-2' });
    expect(sent.ok).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await until(() => receiver.some((x) => x.path === '/hang' && x.body.includes(sent.message.id)), 5000)).toBe(
      true,
    );
    const log = async () =>
      (await api(stack, alice.token, 'GET', `/api/rooms/${roomId}/outgoing-webhooks/${unlisted.body.id}/deliveries`))
        .body.deliveries as Array<{ ok: boolean; error: string }>;
    let entries: Array<{ ok: boolean; error: string }> = [];
    for (let i = 0; i < 50 && !entries.length; i++) {
      entries = await log();
      await sleep(100);
    }
    expect(entries).toHaveLength(1); // refused: not retried
    expect(entries[0]).toMatchObject({ ok: false });
    expect(entries[0].error).toMatch(/^refused/);
    expect(unlistedHits).toHaveLength(0);
    for (const id of [hang.body.id, unlisted.body.id, hook.id]) {
      expect((await api(stack, alice.token, 'DELETE', `/api/rooms/${roomId}/outgoing-webhooks/${id}`)).status).toBe(
        204,
      );
    }
    s.socket.disconnect();
  });
});

describe('personal access tokens', () => {
  let readOnly = '';
  let writer = { id: '', token: '' };

  it('are created with scopes (shown once), listed without the token, and refused where they are not valid', async () => {
    const r = await api(stack, bob.token, 'POST', '/api/me/tokens', { name: 'reader', scopes: ['messages:read'] });
    expect(r.status).toBe(201);
    expect(r.body.token).toMatch(/^hihi_pat_[A-Za-z0-9_-]{43}$/);
    readOnly = r.body.token;
    const w = await api(stack, bob.token, 'POST', '/api/me/tokens', {
      name: 'writer',
      scopes: ['messages:read', 'messages:write', 'rooms:read'],
      expiresInDays: 30,
    });
    writer = { id: w.body.id, token: w.body.token };
    const listed = await api(stack, bob.token, 'GET', '/api/me/tokens');
    expect(listed.body.map((t: { name: string }) => t.name)).toEqual(['reader', 'writer']);
    expect(listed.body[1].expiresAt).toBeDefined();
    expect(JSON.stringify(listed.body)).not.toContain(writer.token.slice(9));
    // bad bodies
    for (const body of [
      { name: 'x', scopes: ['admin'] },
      { name: 'x', scopes: [] },
      { name: '', scopes: ['messages:read'] },
      { name: 'x', scopes: ['messages:read'], expiresInDays: 0 },
    ]) {
      expect((await api(stack, bob.token, 'POST', '/api/me/tokens', body)).status).toBe(400);
    }
    // a token mints no tokens, manages no bots, administers nothing
    expect(
      (await api(stack, writer.token, 'POST', '/api/me/tokens', { name: 'y', scopes: ['messages:read'] })).status,
    ).toBe(403);
    expect((await api(stack, writer.token, 'GET', '/api/bots')).status).toBe(403);
    expect((await api(stack, writer.token, 'POST', '/api/auth/logout-all')).status).toBe(403);
    // malformed and unknown tokens
    expect((await api(stack, 'hihi_pat_' + 'A'.repeat(43), 'GET', '/api/me')).status).toBe(401);
    expect((await api(stack, 'hihi_pat_short', 'GET', '/api/me')).status).toBe(401);
  });

  it('scopes are enforced on REST and on the socket: a messages:read token cannot post', async () => {
    expect((await api(stack, readOnly, 'GET', `/api/rooms/${roomId}/messages`)).status).toBe(200);
    const post = await api(stack, readOnly, 'POST', `/api/rooms/${roomId}/messages`, { text: 'nope' });
    expect(post.status).toBe(403);
    expect((await api(stack, readOnly, 'GET', '/api/rooms')).status).toBe(403); // no rooms:read
    expect((await api(stack, writer.token, 'POST', '/api/rooms', { name: 'nope' })).status).toBe(403); // no rooms:write
    const s = await open(stack.url, readOnly);
    expect((await ack(s, 'room:join', { roomId })).ok).toBe(true);
    const refused = await ack(s, 'message:send', { roomId, text: 'nope', clientMsgId: 'ro-1' });
    expect(refused.error.code).toBe('forbidden');
    s.socket.disconnect();
  });

  it('the message API: send with Idempotency-Key (201, once), X-RateLimit headers, edit, react, delete', async () => {
    const send = () =>
      fetch(`${stack.url}/api/rooms/${roomId}/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${writer.token}`,
          'content-type': 'application/json',
          'idempotency-key': 'ci-run-42',
        },
        body: JSON.stringify({ text: 'build #42 passed' }),
      });
    const first = await send();
    expect(first.status).toBe(201);
    expect(first.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/);
    expect(first.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
    expect(first.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    const m1 = (await first.json()) as { id: string; seq: number; sender: { id: string } };
    expect(m1.sender.id).toBe(bob.id);
    const second = await send();
    expect(second.status).toBe(201);
    expect(((await second.json()) as { id: string }).id).toBe(m1.id);
    const hist = await api(stack, bob.token, 'GET', `/api/rooms/${roomId}/messages?afterSeq=${m1.seq - 1}`);
    expect(hist.body.messages.filter((m: { text: string }) => m.text === 'build #42 passed')).toHaveLength(1);

    const base = `/api/rooms/${roomId}/messages/${m1.id}`;
    const edited = await api(stack, writer.token, 'PATCH', base, { text: 'build #42 passed ✅' });
    expect(edited.status).toBe(200);
    expect(edited.body.text).toBe('build #42 passed ✅');
    const reacted = await api(stack, writer.token, 'PUT', `${base}/reactions/${encodeURIComponent('👍')}`);
    expect(reacted.status).toBe(200);
    expect(reacted.body.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [bob.id] }]);
    const unreacted = await api(stack, writer.token, 'DELETE', `${base}/reactions/${encodeURIComponent('👍')}`);
    expect(unreacted.body.reactions ?? []).toEqual([]);
    // someone else's message: forbidden; bad input: 400; unknown room: 404
    expect((await api(stack, alice.token, 'PATCH', base, { text: 'mine now' })).status).toBe(403);
    expect((await api(stack, writer.token, 'POST', `/api/rooms/${roomId}/messages`, { text: '' })).status).toBe(400);
    expect(
      (await api(stack, writer.token, 'POST', `/api/rooms/${roomId}/messages`, { text: 'x', extra: 1 })).status,
    ).toBe(400);
    expect((await api(stack, writer.token, 'POST', '/api/rooms/nope/messages', { text: 'x' })).status).toBe(404);
    const deleted = await api(stack, writer.token, 'DELETE', base);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: m1.id, deleted: true, text: '' });
  });

  it('a revoked token fails within 1 s on the other gateway and its socket is closed', async () => {
    const s = await open(gatewayB, writer.token);
    expect((await ack(s, 'room:join', { roomId })).ok).toBe(true);
    expect((await api(gatewayB, writer.token, 'GET', '/api/me')).status).toBe(200);
    expect((await api(stack, bob.token, 'DELETE', `/api/me/tokens/${writer.id}`)).status).toBe(204);
    const took = await within(1000, () => api(gatewayB, writer.token, 'GET', '/api/me'), 401);
    expect(took).toBeLessThanOrEqual(1000);
    expect(await until(() => !s.socket.connected, 5000)).toBe(true);
    expect((await api(stack, bob.token, 'GET', '/api/me/tokens')).body.map((t: { name: string }) => t.name)).toEqual([
      'reader',
    ]);
  });

  it("a deactivated owner's tokens stop, and their bots' tokens too", async () => {
    const pat = await api(stack, alice.token, 'POST', '/api/me/tokens', { name: 'mine', scopes: ['messages:read'] });
    expect((await api(gatewayB, pat.body.token, 'GET', '/api/me')).status).toBe(200);
    expect((await api(gatewayB, bot.token, 'GET', '/api/me')).status).toBe(200);
    expect((await api(stack, owner.token, 'POST', `/api/admin/users/${alice.id}/deactivate`, {})).status).toBe(204);
    expect(await within(1000, () => api(gatewayB, pat.body.token, 'GET', '/api/me'), 401)).toBeLessThanOrEqual(1000);
    expect(await within(1000, () => api(gatewayB, bot.token, 'GET', '/api/me'), 401)).toBeLessThanOrEqual(1000);
  });
});

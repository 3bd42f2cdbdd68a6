/**
 * Integrations (SPEC §9) with real processes: auth, chat and two gateways against real Redis,
 * PostgreSQL and MongoDB-wire. Bot accounts and personal access tokens on REST and on the
 * socket (join, send, receive, sinceSeq catch-up), scopes refused, revocation within 1 s on the
 * other gateway (and its socket closed), a deactivated owner's tokens stopped; the message API
 * over REST with idempotency and X-RateLimit headers.
 */
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

beforeAll(async () => {
  stack = new Stack();
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

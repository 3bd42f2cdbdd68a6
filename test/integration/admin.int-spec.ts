/**
 * Administration (SPEC §8 "Server admins and owner") with real processes: auth, chat and two
 * gateways against real Redis, PostgreSQL and MongoDB-wire. Every route refused to non-admins;
 * role changes within the rank rules; deactivation ends every session (REST 401 within 1 s on
 * the other gateway, its socket closed within 5 s) and sign-in answers like a wrong password;
 * one-time reset links; registration open / invite / closed and guests on/off; one audit entry
 * per action; hostile inputs.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hihi/infra';
import { Stack } from '../support/stack';
import { api, Client, connect, sleep, until } from './chat-helpers';

const PASSWORD = 'admins keep the lights on 9';
let stack: Stack;
let gatewayB = '';
const clients: Client[] = [];

interface Account {
  id: string;
  username: string;
  token: string;
}

async function register(username: string, extra: Record<string, unknown> = {}): Promise<Account> {
  const r = await api(stack, undefined, 'POST', '/api/auth/register', { username, password: PASSWORD, ...extra });
  expect(r.status).toBe(201);
  return { id: r.body.user.id, username, token: r.body.accessToken };
}

async function login(username: string, password = PASSWORD) {
  return api(stack, undefined, 'POST', '/api/auth/login', { username, password });
}

let owner: Account;
let alice: Account;
let bob: Account;
let carol: Account;

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
  carol = await register('carol');
}, 180000);

afterAll(async () => {
  // the services' warnings and errors, for a failing run
  writeFileSync(
    join(tmpdir(), 'hihi-admin-int.log'),
    stack.procs
      .flatMap((p) => p.lines)
      .filter((l) => /"level":(40|50)/.test(l))
      .join('\n'),
  );
  for (const c of clients) c.socket.disconnect();
  await stack?.stop();
}, 60000);

const audit = async (action?: string) =>
  (await api(stack, owner.token, 'GET', `/api/admin/audit?limit=100${action ? `&action=${action}` : ''}`)).body
    .entries as Array<{ action: string; actor: { id: string }; target: { id?: string }; reason?: string }>;

it('every admin route is refused to members (403), guests (403) and the anonymous (401)', async () => {
  const guest = (await api(stack, undefined, 'POST', '/api/auth/guest', {})).body.accessToken as string;
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/api/admin/users'],
    ['PATCH', `/api/admin/users/${carol.id}`, { role: 'admin' }],
    ['POST', `/api/admin/users/${carol.id}/deactivate`, {}],
    ['POST', `/api/admin/users/${carol.id}/reactivate`],
    ['POST', `/api/admin/users/${carol.id}/password-reset`],
    ['GET', '/api/admin/settings'],
    ['PATCH', '/api/admin/settings', { registration: 'closed' }],
    ['POST', '/api/admin/invites', {}],
    ['GET', '/api/admin/audit'],
    ['GET', '/api/admin/stats'],
  ];
  for (const [method, path, body] of routes) {
    expect([method, path, (await api(stack, bob.token, method, path, body)).status]).toEqual([method, path, 403]);
    expect((await api(gatewayB, guest, method, path, body)).status).toBe(403);
    expect((await api(stack, undefined, method, path, body)).status).toBe(401);
  }
  expect(await audit()).toEqual([]); // nothing happened
}, 60000);

it('roles: the owner makes an admin; nobody grants above themselves or touches someone above', async () => {
  const made = await api(stack, owner.token, 'PATCH', `/api/admin/users/${alice.id}`, { role: 'admin' });
  expect(made.status).toBe(200);
  expect(made.body).toMatchObject({ user: { id: alice.id, role: 'admin' }, role: 'admin', status: 'active' });
  // alice is an admin now — on the other gateway too
  expect((await api(gatewayB, alice.token, 'GET', '/api/admin/stats')).status).toBe(200);
  expect((await api(gatewayB, alice.token, 'PATCH', `/api/admin/users/${bob.id}`, { role: 'owner' })).status).toBe(403);
  expect((await api(gatewayB, alice.token, 'PATCH', `/api/admin/users/${owner.id}`, { role: 'member' })).status).toBe(
    403,
  );
  expect((await api(gatewayB, alice.token, 'POST', `/api/admin/users/${owner.id}/deactivate`, {})).status).toBe(403);
  expect((await api(gatewayB, alice.token, 'PATCH', `/api/admin/users/${bob.id}`, { role: 'moderator' })).status).toBe(
    200,
  );
  // the only owner cannot be demoted, even by themselves
  expect((await api(stack, owner.token, 'PATCH', `/api/admin/users/${owner.id}`, { role: 'admin' })).status).toBe(409);
  // bad input
  expect((await api(stack, owner.token, 'PATCH', `/api/admin/users/${bob.id}`, { role: 'emperor' })).status).toBe(400);
  expect((await api(stack, owner.token, 'PATCH', `/api/admin/users/${bob.id}`, { role: 'guest' })).status).toBe(400);
  expect((await api(stack, owner.token, 'PATCH', `/api/admin/users/nope`, { role: 'member' })).status).toBe(400);
  expect(
    (await api(stack, owner.token, 'PATCH', `/api/admin/users/${'0'.repeat(24)}`, { role: 'member' })).status,
  ).toBe(404);
  const entries = await audit('user.role');
  expect(entries.map((e) => [e.actor.id, e.target.id])).toEqual([
    [alice.id, bob.id],
    [owner.id, alice.id],
  ]);
  expect((await api(stack, bob.token, 'GET', '/api/me')).body.role).toBe('moderator');
  // a moderator is still no admin
  expect((await api(stack, bob.token, 'GET', '/api/admin/users')).status).toBe(403);
}, 60000);

it('the user list searches, filters and pages', async () => {
  const all = await api(stack, alice.token, 'GET', '/api/admin/users');
  expect(all.status).toBe(200);
  expect(all.body.users.map((u: { user: { username: string } }) => u.user.username).sort()).toEqual(
    ['alice', 'bob', 'carol', 'olivia'].sort(),
  );
  expect(all.body.users[0]).toMatchObject({ status: 'active', createdAt: expect.any(String) });
  const q = await api(stack, alice.token, 'GET', '/api/admin/users?q=CA');
  expect(q.body.users.map((u: { user: { username: string } }) => u.user.username)).toEqual(['carol']);
  const admins = await api(stack, alice.token, 'GET', '/api/admin/users?role=admin');
  expect(admins.body.users.map((u: { user: { id: string } }) => u.user.id)).toEqual([alice.id]);
  const members = await api(stack, alice.token, 'GET', '/api/admin/users?role=member');
  expect(members.body.users.map((u: { user: { id: string } }) => u.user.id)).toEqual([carol.id]);
  // pages of 3: all four, each once
  const p1 = await api(stack, alice.token, 'GET', '/api/admin/users?limit=3');
  expect(p1.body.users).toHaveLength(3);
  const p2 = await api(stack, alice.token, 'GET', `/api/admin/users?limit=3&cursor=${p1.body.nextCursor}`);
  expect(p2.body.users).toHaveLength(1);
  expect(p2.body.nextCursor).toBeUndefined();
  for (const bad of ['?limit=0', '?limit=101', '?role=root', '?status=gone', '?cursor=xyz', '?q[$ne]=1'])
    expect([bad, (await api(stack, alice.token, 'GET', `/api/admin/users${bad}`)).status]).toEqual([bad, 400]);
}, 60000);

it('deactivation: REST 401 within 1 s on the other gateway, socket closed within 5 s, sign-in like a wrong password', async () => {
  const socket = await connect(gatewayB, carol.token);
  clients.push(socket);
  let revoked = false;
  socket.socket.on('session:revoked', () => (revoked = true));
  expect((await api(gatewayB, carol.token, 'GET', '/api/me')).status).toBe(200);
  const wrong = await login('carol', 'not the password at all');
  const started = Date.now();
  const r = await api(stack, alice.token, 'POST', `/api/admin/users/${carol.id}/deactivate`, { reason: 'spam' });
  expect(r.status).toBe(204);
  let restMs = -1;
  while (Date.now() - started < 3000) {
    if ((await api(gatewayB, carol.token, 'GET', '/api/me')).status === 401) {
      restMs = Date.now() - started;
      break;
    }
    await sleep(20);
  }
  expect(restMs).toBeGreaterThanOrEqual(0);
  expect(restMs).toBeLessThan(1000);
  expect(await until(() => !socket.socket.connected, 5000)).toBe(true);
  const socketMs = Date.now() - started;
  expect(revoked).toBe(true);
  process.stdout.write(`deactivation: REST 401 after ${restMs} ms, socket closed after ≤ ${socketMs} ms\n`);
  // the right password now answers exactly like a wrong one
  const refused = await login('carol');
  expect(refused.status).toBe(wrong.status);
  expect(refused.body.message).toEqual(wrong.body.message);
  expect(refused.body.error).toEqual(wrong.body.error);
  const listed = await api(stack, alice.token, 'GET', '/api/admin/users?status=deactivated');
  expect(listed.body.users.map((u: { user: { id: string } }) => u.user.id)).toEqual([carol.id]);
  // reactivated: the password works again
  expect((await api(stack, alice.token, 'POST', `/api/admin/users/${carol.id}/reactivate`)).status).toBe(204);
  const back = await login('carol');
  expect(back.status).toBe(200);
  carol.token = back.body.accessToken;
  const entries = await audit('user.deactivate');
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({ actor: { id: alice.id }, target: { id: carol.id }, reason: 'spam' });
  expect(await audit('user.reactivate')).toHaveLength(1);
  // nobody deactivates themselves
  expect((await api(stack, alice.token, 'POST', `/api/admin/users/${alice.id}/deactivate`, {})).status).toBe(403);
}, 60000);

it('a reset link is one-time, checks the password first and ends every session', async () => {
  const link = await api(stack, alice.token, 'POST', `/api/admin/users/${carol.id}/password-reset`);
  expect(link.status).toBe(201);
  expect(link.body.resetUrl).toMatch(/\/reset#token=[A-Za-z0-9_-]{43}$/);
  const ttl = Date.parse(link.body.expiresAt) - Date.now();
  expect(ttl).toBeGreaterThan(29 * 60_000);
  expect(ttl).toBeLessThanOrEqual(30 * 60_000);
  const token = (link.body.resetUrl as string).split('#token=')[1];
  // a refused password leaves the link usable
  expect((await api(stack, undefined, 'POST', '/api/auth/reset', { token, password: 'password' })).status).toBe(400);
  const fresh = 'a brand new secret phrase 42';
  const started = Date.now();
  expect((await api(stack, undefined, 'POST', '/api/auth/reset', { token, password: fresh })).status).toBe(204);
  let out = false;
  while (!out && Date.now() - started < 1000) out = (await api(gatewayB, carol.token, 'GET', '/api/me')).status === 401;
  expect(out).toBe(true);
  expect((await login('carol')).status).toBe(401);
  expect((await login('carol', fresh)).status).toBe(200);
  // once only
  expect(
    (await api(stack, undefined, 'POST', '/api/auth/reset', { token, password: 'yet another phrase 77' })).status,
  ).toBe(401);
  expect((await api(stack, undefined, 'POST', '/api/auth/reset', { token: 'short', password: fresh })).status).toBe(
    400,
  );
  expect(await audit('user.password-reset')).toHaveLength(1);
  // an admin cannot get a link for the owner
  expect((await api(stack, alice.token, 'POST', `/api/admin/users/${owner.id}/password-reset`)).status).toBe(403);
}, 60000);

it('registration closed, invite-only with limited invites, and guests off', async () => {
  const set = (body: unknown) => api(stack, alice.token, 'PATCH', '/api/admin/settings', body);
  expect((await set({ registration: 'closed' })).body).toEqual({
    registration: 'closed',
    guests: true,
    require2fa: false,
  });
  const closed = await api(stack, undefined, 'POST', '/api/auth/register', { username: 'dave', password: PASSWORD });
  expect(closed.status).toBe(403);
  expect((await set({ registration: 'invite' })).status).toBe(200);
  expect(
    (await api(stack, undefined, 'POST', '/api/auth/register', { username: 'dave', password: PASSWORD })).status,
  ).toBe(403);
  const inv = await api(gatewayB, alice.token, 'POST', '/api/admin/invites', { maxUses: 1, expiresInSec: 3600 });
  expect(inv.status).toBe(201);
  expect(inv.body.url).toBe(`${gatewayB}/register#invite=${inv.body.token}`);
  await register('dave', { inviteToken: inv.body.token });
  const used = await api(stack, undefined, 'POST', '/api/auth/register', {
    username: 'erin',
    password: PASSWORD,
    inviteToken: inv.body.token,
  });
  expect(used.status).toBe(403);
  // a registration that fails (name taken) does not use up the invite
  const two = await api(stack, alice.token, 'POST', '/api/admin/invites', { maxUses: 1 });
  const taken = await api(stack, undefined, 'POST', '/api/auth/register', {
    username: 'dave',
    password: PASSWORD,
    inviteToken: two.body.token,
  });
  expect(taken.status).toBe(409);
  await register('erin', { inviteToken: two.body.token });
  // guests off: refused within the settings' reload interval (≤ 1 s)
  expect((await set({ guests: false, registration: 'open' })).body).toEqual({
    registration: 'open',
    guests: false,
    require2fa: false,
  });
  let refused = false;
  const t0 = Date.now();
  while (!refused && Date.now() - t0 < 3000) {
    refused = (await api(stack, undefined, 'POST', '/api/auth/guest', {})).status === 403;
    if (!refused) await sleep(100);
  }
  expect(refused).toBe(true);
  expect((await set({ guests: true })).status).toBe(200);
  expect((await api(stack, alice.token, 'GET', '/api/admin/settings')).body).toEqual({
    registration: 'open',
    guests: true,
    require2fa: false,
  });
  // hostile settings and invites
  for (const bad of [{ registration: 'anyone' }, { guests: 'yes' }, { registration: { $ne: 1 } }])
    expect((await set(bad)).status).toBe(400);
  for (const bad of [
    { maxUses: -1 },
    { maxUses: 1.5 },
    { maxUses: 1e9 },
    { expiresInSec: 0 },
    { expiresInSec: 31_536_001 },
  ])
    expect([bad, (await api(stack, alice.token, 'POST', '/api/admin/invites', bad)).status]).toEqual([bad, 400]);
  expect(await audit('settings.update')).toHaveLength(4);
  expect(await audit('invite.create')).toHaveLength(2);
}, 90000);

it('hostile reasons are refused; the audit log pages, filters and cannot be edited', async () => {
  for (const reason of ['x'.repeat(1001), 'evil \u202e reversed', '\u0000', '', 42])
    expect((await api(stack, alice.token, 'POST', `/api/admin/users/${bob.id}/deactivate`, { reason })).status).toBe(
      400,
    );
  expect((await api(stack, bob.token, 'GET', '/api/me')).status).toBe(200); // nothing happened
  const all = await audit();
  const page1 = await api(stack, owner.token, 'GET', '/api/admin/audit?limit=3');
  expect(page1.body.entries).toHaveLength(3);
  const page2 = await api(stack, owner.token, 'GET', `/api/admin/audit?limit=3&cursor=${page1.body.nextCursor}`);
  expect([...page1.body.entries, ...page2.body.entries].map((e: { id: string }) => e.id)).toEqual(
    all.slice(0, 6).map((e) => (e as unknown as { id: string }).id),
  );
  const byOwner = await api(stack, owner.token, 'GET', '/api/admin/audit?actor=olivia');
  expect(byOwner.body.entries.map((e: { action: string }) => e.action)).toEqual(['user.role']);
  const byId = await api(stack, owner.token, 'GET', `/api/admin/audit?actor=${owner.id}`);
  expect(byId.body.entries).toHaveLength(1);
  for (const [method, path] of [
    ['DELETE', '/api/admin/audit'],
    ['PATCH', `/api/admin/audit/${page1.body.entries[0].id}`],
    ['DELETE', `/api/admin/audit/${page1.body.entries[0].id}`],
  ])
    expect((await api(stack, owner.token, method, path, {})).status).toBe(404);
  expect((await audit()).length).toBe(all.length);
  const stats = await api(stack, alice.token, 'GET', '/api/admin/stats');
  expect(stats.body).toMatchObject({ users: 6, deactivatedUsers: 0, activeUsers7d: 6 });
}, 60000);

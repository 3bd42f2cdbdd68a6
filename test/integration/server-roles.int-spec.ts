/**
 * Server roles (SPEC §7) with real processes: auth and two gateways against real Redis and
 * MongoDB-wire; chat is played by this test (a bus server on chat's queue) so that it sees
 * exactly the `actor` every gateway sends — the role chat will decide with. First account owner
 * (two at once: one owner), HIHI_ADMINS at registration and sign-in, the admin CLI, and a role
 * change reaching both gateways' REST and socket actors within 1 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { of } from 'rxjs';
import { RedisRpcServer } from '@hihi/common/bus';
import { BusEnvelope, CLIENT_EVENTS, PublicUser, ServerRole } from '@hihi/contracts';
import { freePort, repoRoot } from '@hihi/infra';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, sleep } from './chat-helpers';

const CLI = join(repoRoot(), 'dist', 'apps', 'auth', 'apps', 'auth', 'src', 'admin', 'admin.cli.js');
const PASSWORD = 'roles are a serious matter 7';

/** chat, as far as the gateways need it here; remembers the actor of every request. */
class FakeChat {
  readonly seen: Array<{ pattern: string; actor?: PublicUser; at: number }> = [];
  private readonly server: RedisRpcServer;

  constructor(url: string) {
    this.server = new RedisRpcServer({ url, prefix: 'hihi', service: 'chat' });
    const answer = (pattern: string, data: () => unknown) =>
      this.server.addHandler(pattern, (env: BusEnvelope<unknown>) => {
        this.seen.push({ pattern, actor: env?.actor, at: Date.now() });
        return Promise.resolve(of({ ok: true, data: data() }));
      });
    answer('chat.ping', () => ({ service: 'chat', pid: process.pid, postgres: { status: 'up' } }));
    answer('chat.users.provision', () => ({
      room: { id: 'duck:x', name: 'duck', kind: 'bot', unread: 0, lastSeq: 0 },
    }));
    answer('chat.rooms.list', () => []);
    this.server.addHandler('chat.room.join', (env: BusEnvelope<unknown>) => {
      this.seen.push({ pattern: 'chat.room.join', actor: env?.actor, at: Date.now() });
      return Promise.resolve(of({ ok: false, error: { code: 'not_found', message: 'no such room' } }));
    });
  }

  start(): Promise<void> {
    return new Promise((resolve) => this.server.listen(() => resolve()));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The role in the latest request of `pattern` by this user. */
  lastRole(pattern: string, userId: string): ServerRole | undefined {
    for (let i = this.seen.length - 1; i >= 0; i--) {
      const s = this.seen[i];
      if (s.pattern === pattern && s.actor?.id === userId) return s.actor.role;
    }
    return undefined;
  }
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

let stack: Stack;
let chat: FakeChat;
let gatewayB = '';
const clients: Client[] = [];
const emptyDataDir = mkdtempSync(join(tmpdir(), 'hihi-roles-cli-'));

beforeAll(async () => {
  stack = new Stack({ services: ['auth'], env: { HIHI_ADMINS: ' Carol , erin' } });
  await stack.start();
  chat = new FakeChat(stack.redisUrl);
  await chat.start();
  stack.spawn('gateway');
  const portB = await freePort();
  stack.spawn('gateway', { PORT: String(portB) });
  gatewayB = `http://127.0.0.1:${portB}`;
  await stack.waitHealthy();
  await stack.waitHealthy(gatewayB);
}, 120000);

afterAll(async () => {
  for (const c of clients) c.socket.disconnect();
  await chat?.close();
  await stack?.stop();
  rmSync(emptyDataDir, { recursive: true, force: true });
}, 60000);

async function register(base: string, username: string): Promise<{ user: PublicUser; accessToken: string }> {
  const r = await api(base, undefined, 'POST', '/api/auth/register', { username, password: PASSWORD });
  expect(r.status).toBe(201);
  return r.body;
}

async function login(base: string, username: string): Promise<{ user: PublicUser; accessToken: string }> {
  const r = await api(base, undefined, 'POST', '/api/auth/login', { username, password: PASSWORD });
  expect(r.status).toBe(200);
  return r.body;
}

const dbEnv = (): NodeJS.ProcessEnv => ({
  MONGO_URL: stack.mongoUrl,
  REDIS_URL: stack.redisUrl,
  HIHI_DATA_DIR: emptyDataDir,
});

let alice: { user: PublicUser; accessToken: string };
let bob: { user: PublicUser; accessToken: string };

it('the first account of a new server is its owner — of two registering at once, exactly one', async () => {
  // one through each gateway, at the same moment
  [alice, bob] = await Promise.all([register(stack.url, 'alice'), register(gatewayB, 'bob')]);
  const roles = [alice.user.role, bob.user.role].sort();
  expect(roles).toEqual(['member', 'owner']);
  // from here on `alice` is the owner, `bob` the member (whoever won)
  if (bob.user.role === 'owner') [alice, bob] = [bob, alice];
  const me = await api(gatewayB, alice.accessToken, 'GET', '/api/me');
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ id: alice.user.id, role: 'owner', guest: false });
  // later accounts are members
  const frank = await register(stack.url, 'frank');
  expect(frank.user.role).toBe('member');
  // a guest is a guest
  const g = await api(stack.url, undefined, 'POST', '/api/auth/guest', {});
  expect(g.body.user.role).toBe('guest');
  expect((await api(stack.url, g.body.accessToken, 'GET', '/api/me')).body.role).toBe('guest');
});

it('the gateways send the role with the actor: REST and socket commands, on both gateways', async () => {
  for (const base of [stack.url, gatewayB]) {
    expect((await api(base, alice.accessToken, 'GET', '/api/rooms')).status).toBe(200);
    expect(chat.lastRole('chat.rooms.list', alice.user.id)).toBe('owner');
    expect((await api(base, bob.accessToken, 'GET', '/api/rooms')).status).toBe(200);
    expect(chat.lastRole('chat.rooms.list', bob.user.id)).toBe('member');
  }
  const c = await connect(gatewayB, bob.accessToken);
  clients.push(c);
  await ack(c, CLIENT_EVENTS.roomJoin, { roomId: 'lobby' });
  expect(chat.lastRole('chat.room.join', bob.user.id)).toBe('member');
});

it('HIHI_ADMINS makes a listed account admin when it registers, and again when it signs in', async () => {
  const carol = await register(gatewayB, 'carol');
  expect(carol.user.role).toBe('admin');
  expect((await api(stack.url, carol.accessToken, 'GET', '/api/me')).body.role).toBe('admin');
  // demoted by the CLI, carol is admin again at the next sign-in (HIHI_ADMINS still lists her)
  const r = await runCli(['role', 'carol', 'member'], dbEnv());
  expect(r.code).toBe(0);
  expect((await api(stack.url, carol.accessToken, 'GET', '/api/me')).body.role).toBe('member');
  const again = await login(stack.url, 'carol');
  expect(again.user.role).toBe('admin');
  // not listed: a member stays a member at sign-in
  expect((await login(stack.url, 'frank')).user.role).toBe('member');
}, 30000);

it('a role set by the CLI reaches both gateways (REST and an open socket) within 1 s', async () => {
  const socket = clients[0]; // bob's, on gateway B, connected while he was a member
  const r = await runCli(['role', bob.user.username, 'moderator'], dbEnv());
  const done = Date.now();
  expect(r.code).toBe(0);
  expect(r.out).toContain(`${bob.user.username} is now moderator (was member)`);
  // how long after the CLI finished each path first carries the new role (-1: not within 3 s)
  const seenBy = async (pattern: string, send: () => Promise<unknown>): Promise<number> => {
    const mark = chat.seen.length;
    while (Date.now() - done < 3000) {
      await send();
      const hit = chat.seen
        .slice(mark)
        .find((s) => s.pattern === pattern && s.actor?.id === bob.user.id && s.actor.role === 'moderator');
      if (hit) return hit.at - done;
      await sleep(25);
    }
    return -1;
  };
  const [restA, restB, sock] = await Promise.all([
    seenBy('chat.rooms.list', () => api(stack.url, bob.accessToken, 'GET', '/api/rooms')),
    seenBy('chat.rooms.list', () => api(gatewayB, bob.accessToken, 'GET', '/api/rooms')),
    seenBy('chat.room.join', () => ack(socket, CLIENT_EVENTS.roomJoin, { roomId: 'lobby' })),
  ]);
  process.stdout.write(
    `role change carried after ${restA} ms (REST, gateway A), ${restB} ms (REST, B), ${sock} ms (socket, B)\n`,
  );
  for (const ms of [restA, restB, sock]) {
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(1000);
  }
  expect((await api(gatewayB, bob.accessToken, 'GET', '/api/me')).body.role).toBe('moderator');
  // and back down: member again within 1 s on the other gateway
  expect((await runCli(['role', bob.user.username, 'member'], dbEnv())).code).toBe(0);
  const down = Date.now();
  let member = false;
  while (!member && Date.now() - down < 1000) {
    await api(stack.url, bob.accessToken, 'GET', '/api/rooms');
    member = chat.lastRole('chat.rooms.list', bob.user.id) === 'member';
  }
  expect(member).toBe(true);
}, 30000);

it('the CLI refuses bad input clearly and changes nothing', async () => {
  const unknown = await runCli(['role', 'nobody-here', 'admin'], dbEnv());
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain('no account named "nobody-here"');
  const badRole = await runCli(['role', bob.user.username, 'emperor'], dbEnv());
  expect(badRole.code).toBe(2);
  expect(badRole.err).toContain('role must be one of owner, admin, moderator, member');
  const guestRole = await runCli(['role', bob.user.username, 'guest'], dbEnv());
  expect(guestRole.code).toBe(2);
  const usage = await runCli(['promote', 'bob'], dbEnv());
  expect(usage.code).toBe(2);
  expect(usage.err).toContain('usage: npm run admin -- role <username>');
  expect((await api(stack.url, bob.accessToken, 'GET', '/api/me')).body.role).toBe('member');
}, 60000);

it('a change made by the CLI while the server cannot be told (no Redis) applies when auth starts', async () => {
  // MONGO_URL only, no running server in this data folder: the database is changed, nobody is told
  const r = await runCli(['role', 'frank', 'admin'], { MONGO_URL: stack.mongoUrl, HIHI_DATA_DIR: emptyDataDir });
  expect(r.code).toBe(0);
  expect(r.out).toContain('applies when it starts');
  const frank = await login(stack.url, 'frank');
  expect(frank.user.role).toBe('admin'); // auth reads the account
  await api(gatewayB, frank.accessToken, 'GET', '/api/rooms');
  expect(chat.lastRole('chat.rooms.list', frank.user.id)).toBe('member'); // the gateways were not told
  // auth (re)starts: it compares the gateways' table with the accounts and publishes the difference
  await stack.proc('auth').stop(10000);
  stack.spawn('auth');
  await stack.waitHealthy(gatewayB, 60000);
  let applied = false;
  const end = Date.now() + 10000;
  while (!applied && Date.now() < end) {
    await api(gatewayB, frank.accessToken, 'GET', '/api/rooms');
    applied = chat.lastRole('chat.rooms.list', frank.user.id) === 'admin';
    if (!applied) await sleep(100);
  }
  if (!applied)
    process.stderr.write(
      stack.procs
        .filter((p) => p.service === 'auth')
        .flatMap((p) => p.lines)
        .join('\n'),
    );
  expect(applied).toBe(true);
}, 90000);

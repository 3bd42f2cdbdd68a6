/**
 * One validation pipeline for HTTP, sockets and the bus (docs/api.md "Validation"): each rule
 * checked through each door against the real processes, and deeply nested bodies under load.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { AUTH_PATTERNS, CHAT_PATTERNS, CLIENT_EVENTS, LIMITS, LOBBY_ROOM_ID, PublicUser } from '@hihi/contracts';
import { BusClient, RedisRpcClient } from '@hihi/common/bus';
import { Stack } from '../support/stack';
import { ack, Client, connect, makeUser } from './chat-helpers';

const stack = new Stack();
const clients: Client[] = [];
let chatBus: BusClient;
let authBus: BusClient;
let actor: PublicUser;
let socket: Client;

beforeAll(async () => {
  await stack.start();
  const bus = (service: 'auth' | 'chat') => {
    const t = new RedisRpcClient({ url: stack.redisUrl, prefix: 'hihi', service });
    return t.connect().then(() => new BusClient(t, service, 3000));
  };
  [chatBus, authBus] = await Promise.all([bus('chat'), bus('auth')]);
  const user = makeUser(stack);
  actor = { id: user.id, username: user.username, displayName: user.displayName, guest: false, role: 'member' };
  socket = await connect(stack.url, user.token);
  clients.push(socket);
}, 60000);
afterAll(async () => {
  for (const c of clients) c.socket.close();
  await Promise.all([chatBus?.close(), authBus?.close()]);
  await stack.stop();
}, 30000);

/** A JSON text sent as is (so `__proto__` really travels as a key). */
async function postRaw(
  path: string,
  body: string | Buffer,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function expect400(r: { status: number; body: Record<string, unknown> }, message: RegExp): void {
  expect(r.status).toBe(400);
  expect(r.body).toEqual({
    statusCode: 400,
    error: 'Bad Request',
    message: expect.anything(),
    correlationId: expect.any(String),
  });
  expect(JSON.stringify(r.body.message)).toMatch(message);
  expect(JSON.stringify(r.body)).not.toMatch(/at .*\.js:\d+/);
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** Deep enough for any rule, shallow enough for the test's own JSON.stringify (socket.io-client, bus client). */
const DEEP = 1000;
const send = (text: string) => `{"roomId":"${LOBBY_ROOM_ID}","clientMsgId":"${randomUUID()}","text":${text}`;
const VALIDATION = { ok: false, error: { code: 'validation', message: expect.any(String) } };

/** Each rule as [HTTP body for POST /api/auth/login, socket message:send payload, expected message]. */
const RULES: [string, string, string, RegExp][] = [
  [
    'unknown field',
    '{"username":"abcd","password":"abcdefgh","admin":true}',
    `${send('"x"')},"admin":true}`,
    /should not exist/,
  ],
  [
    '__proto__ key',
    '{"username":"abcd","password":"abcdefgh","__proto__":{"admin":true}}',
    `${send('"x"')},"__proto__":{"admin":true}}`,
    /__proto__/,
  ],
  [
    'constructor key',
    '{"username":"abcd","password":"abcdefgh","constructor":{"prototype":{"admin":true}}}',
    `${send('"x"')},"constructor":{"prototype":{}}}`,
    /constructor/,
  ],
  [
    'nested prototype key',
    '{"username":{"prototype":1},"password":"abcdefgh"}',
    `${send('{"prototype":1}')}}`,
    /prototype/,
  ],
  ['deep nesting', `{"username":${nested(5000)},"password":"abcdefgh"}`, `${send(nested(DEEP))}}`, /nested too deeply/],
  [
    'too many values',
    `{"username":[${Array(LIMITS.payloadValues).fill(1).join(',')}],"password":"abcdefgh"}`,
    `${send(`[${Array(LIMITS.payloadValues).fill(1).join(',')}]`)}}`,
    /too many values/,
  ],
  ['lone surrogate', '{"username":"ab\\ud800cd","password":"abcdefgh"}', `${send('"x\\ud800"')}}`, /UTF-8/],
  [
    'U+FFFD (bytes that were not UTF-8)',
    '{"username":"ab\uFFFDcd","password":"abcdefgh"}',
    `${send('"x\uFFFD"')}}`,
    /UTF-8/,
  ],
];

describe.each(RULES)('rule: %s', (_rule, httpBody, socketPayload, message) => {
  it('HTTP: 400 in the error shape', async () => {
    expect400(await postRaw('/api/auth/login', httpBody), message);
  });

  it('socket: a validation ack, the socket stays connected', async () => {
    const payload: unknown = JSON.parse(socketPayload);
    expect(await ack(socket, CLIENT_EVENTS.messageSend, payload)).toEqual(VALIDATION);
    expect(socket.socket.connected).toBe(true);
  });

  it('bus: chat and auth answer validation', async () => {
    const data: unknown = JSON.parse(socketPayload);
    expect(await chatBus.callRaw(CHAT_PATTERNS.send, data, { correlationId: 'v', actor })).toEqual(VALIDATION);
    const authData: unknown = JSON.parse(httpBody.replace(nested(5000), nested(DEEP)));
    expect(await authBus.callRaw(AUTH_PATTERNS.login, authData, { correlationId: 'v' })).toEqual(VALIDATION);
  });
});

describe('invalid UTF-8 bytes', () => {
  it('HTTP: a body that is not UTF-8 is 400 (guest nickname, display name)', async () => {
    const bytes = (before: string, after: string) =>
      Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(after)]);
    expect400(await postRaw('/api/auth/guest', bytes('{"nickname":"', '"}')), /not valid UTF-8/);
    const register = bytes('{"username":"utf8test","password":"abcdefghij","displayName":"', '"}');
    expect400(await postRaw('/api/auth/register', register), /not valid UTF-8/);
  });
});

/**
 * The flood runs in a worker thread: its own event loop, so the probes below measure the
 * gateway, not this process being busy sending. Five senders at once: on the shared 2-core test
 * host, twenty at once measured the host's load rather than the gateway (health p99 was the same
 * with trivial `[]` bodies as with deep ones); before the fix, each deep request cost a stack
 * overflow and a logged stack trace, which five senders are plenty to expose.
 */
const FLOOD = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, deep } = workerData;
const paths = ['/api/auth/login', '/api/auth/register', '/api/auth/refresh', '/api/auth/guest'];
const statuses = [];
let next = 0;
async function worker() {
  while (next < 1000) {
    const i = next++;
    const body = i % 2 ? deep : '{"username":' + deep + ',"password":"abcdefgh"}';
    const res = await fetch(url + paths[i % paths.length], {
      method: 'POST', headers: { 'content-type': 'application/json' }, body,
    });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
}
Promise.all(Array.from({ length: 5 }, worker)).then(() => parentPort.postMessage(statuses));
`;

async function probeHealth(until: () => boolean): Promise<number[]> {
  const times: number[] = [];
  do {
    const t0 = performance.now();
    const r = await fetch(`${stack.url}/api/health`);
    await r.arrayBuffer();
    times.push(performance.now() - t0);
    expect(r.status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
  } while (!until());
  return times;
}

const p99 = (times: number[]) => [...times].sort((a, b) => a - b)[Math.ceil(times.length * 0.99) - 1];

describe('1,000 deeply nested requests', () => {
  it('are all 400, never slow health down (p99 < 200 ms), and log no stack trace', async () => {
    let n = 0;
    const before = await probeHealth(() => ++n >= 50);
    const flood = new Worker(FLOOD, { eval: true, workerData: { url: stack.url, deep: nested(5000) } });
    let statuses: number[] | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      flood.once('message', (s: number[]) => resolve(void (statuses = s)));
      flood.once('error', reject);
    });
    const during = await probeHealth(() => statuses !== undefined);
    await finished;
    await flood.terminate();
    process.stderr.write(
      `health p99: ${p99(before).toFixed(1)} ms before, ${p99(during).toFixed(1)} ms during the flood ` +
        `(${during.length} probes)\n`,
    );
    expect(statuses).toHaveLength(1000);
    expect(new Set(statuses)).toEqual(new Set([400]));
    expect(during.length).toBeGreaterThan(10);
    expect(p99(during)).toBeLessThan(200);
    for (const service of ['gateway', 'auth', 'chat'] as const) {
      const logs = stack.proc(service).lines.join('\n');
      expect(logs).not.toMatch(/RangeError|Maximum call stack|"stack"|\n\s+at /);
    }
  }, 120000);
});

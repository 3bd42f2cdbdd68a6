/**
 * Fuzz every socket event, the handshake and every REST body with fast-check (thousands of
 * cases) against the real stack: no crash, every reply well-formed, the stack healthy after.
 */
import fc from 'fast-check';
import { io, Socket } from 'socket.io-client';
import { randomBytes } from 'node:crypto';
import { ERROR_CODES, PROTOCOL, SOCKET_COMMANDS } from '@hihi/contracts';
import { BenchStack } from '../../bench/lib/stack';
import { benchUserId, mintAccessToken } from '../../bench/lib/tokens';
import { httpJson } from '../../bench/lib/targets';

jest.setTimeout(300_000);

const RUNS = Number(process.env.FUZZ_RUNS ?? 1) || 1;
const CODES: readonly string[] = ERROR_CODES;
/** every socket command of the protocol table */
const EVENTS: string[] = SOCKET_COMMANDS.map((k) => PROTOCOL[k].event);

let stack: BenchStack;
let token: string;
let roomId: string;
let socket: Socket;
const run = randomBytes(3).toString('hex');
const problems: string[] = [];

function connect(auth: unknown): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(stack.url, {
      transports: ['websocket'],
      auth: auth as Record<string, unknown>,
      reconnection: false,
      forceNew: true,
    });
    const t = setTimeout(() => {
      s.disconnect();
      reject(new Error('handshake: no answer within 5 s'));
    }, 5000);
    s.once('connect', () => {
      clearTimeout(t);
      resolve(s);
    });
    s.once('connect_error', (e) => {
      clearTimeout(t);
      s.disconnect();
      reject(e);
    });
  });
}

beforeAll(async () => {
  // the fuzz checks validation, not the per-socket budgets (chatty-clients.int-spec.ts does): 2,000
  // commands as fast as acks come back would be cut off as a flood
  stack = await new BenchStack({
    env: {
      SOCKET_COMMAND_RATE_PER_SEC: '100000',
      SOCKET_COMMAND_BURST: '100000',
      SOCKET_COALESCED_RATE_PER_SEC: '100000',
    },
  }).start();
  token = mintAccessToken(stack.jwtSecret, benchUserId(run, 1), `fuzz${run}`);
  const r = await httpJson(
    `${stack.url}/api/rooms`,
    'POST',
    { name: `fuzz-${run}` },
    { authorization: `Bearer ${token}` },
  );
  roomId = (r.body as { id: string }).id;
  socket = await connect({ token });
  const j = (await socket.emitWithAck('room:join', { roomId })) as { ok: boolean };
  expect(j.ok).toBe(true);
}, 120_000);

afterAll(async () => {
  socket?.disconnect();
  await stack?.stop();
  if (problems.length) process.stderr.write(`first problems:\n${problems.slice(0, 10).join('\n')}\n`);
});

function wellFormedAck(a: unknown): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const o = a as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (o.ok === true) return true;
  return (
    o.ok === false &&
    typeof o.error === 'object' &&
    o.error !== null &&
    CODES.includes(o.error.code as string) &&
    typeof o.error.message === 'string'
  );
}

const roomIdArb = () =>
  fc.oneof(
    fc.constant(() => roomId),
    fc.string().map((s) => () => s),
    fc.anything().map((x) => () => x),
  );
const payloadArb = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 3 }) },
  {
    weight: 5,
    arbitrary: fc
      .record(
        {
          roomId: roomIdArb(),
          text: fc.oneof(
            fc.string(),
            fc.string({ unit: 'grapheme', maxLength: 200 }),
            fc.string({ minLength: 3990, maxLength: 4100 }),
            fc.anything(),
          ),
          clientMsgId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,70}$/), fc.anything()),
          sinceSeq: fc.oneof(fc.integer(), fc.double(), fc.bigInt().map(String), fc.anything()),
          seq: fc.oneof(fc.integer(), fc.double(), fc.anything()),
          typing: fc.anything(),
          messageId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,130}$/), fc.anything()),
          emoji: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.anything()),
          on: fc.anything(),
          replyTo: fc.anything(),
          attachments: fc.oneof(fc.array(fc.string()), fc.anything()),
          // a computed key: a plain `__proto__:` would set the model's prototype, not add a key
          ['__proto__']: fc.anything(),
          constructor: fc.anything(),
        },
        { requiredKeys: [] },
      )
      .map((r) => {
        const o = { ...r } as Record<string, unknown>;
        if (typeof o.roomId === 'function') o.roomId = (o.roomId as () => unknown)();
        return o;
      }),
  },
);

test('every socket event with any payload: a well-formed ack, never a disconnect', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...EVENTS, 'nonsense', 'constructor', '__proto__', 'message:new'),
      payloadArb,
      fc.integer({ min: 0, max: 3 }),
      async (event, payload, shape) => {
        if (!socket.connected) throw new Error('socket was disconnected');
        const args = shape === 0 ? [] : shape === 1 ? [payload] : shape === 2 ? [payload, payload] : [payload, 1, 'x'];
        let ack: unknown;
        if (!EVENTS.includes(event)) {
          // unknown events are ignored (no ack is right): fire and forget
          socket.emit(event, ...args, () => undefined);
          return true;
        }
        try {
          ack = await socket.timeout(5000).emitWithAck(event, ...args);
        } catch {
          if (EVENTS.includes(event)) {
            problems.push(`${event} ${JSON.stringify(args).slice(0, 200)}: no ack within 5 s`);
            return false;
          }
          return true; // unknown events are ignored: no ack is right
        }
        if (!wellFormedAck(ack)) {
          problems.push(`${event} ${JSON.stringify(args).slice(0, 200)} → ${JSON.stringify(ack).slice(0, 200)}`);
          return false;
        }
        return true;
      },
    ),
    { numRuns: 2000 * RUNS },
  );
  expect(socket.connected).toBe(true);
}, 300_000);

test('handshake with any auth: connect_error "unauthorized", never a crash', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.object(),
        fc.record({
          token: fc.oneof(
            fc.string(),
            fc.anything(),
            fc.constant(`${token}x`),
            fc.constant(token.split('.').slice(0, 2).join('.') + '.'),
          ),
        }),
      ),
      async (auth) => {
        try {
          const s = await connect(auth);
          s.disconnect();
          problems.push(`handshake accepted ${JSON.stringify(auth).slice(0, 200)}`);
          return false;
        } catch (e) {
          if ((e as Error).message === 'unauthorized') return true;
          problems.push(`handshake ${JSON.stringify(auth).slice(0, 200)}: ${(e as Error).message}`);
          return false;
        }
      },
    ),
    { numRuns: 300 * RUNS },
  );
}, 120_000);

interface Endpoint {
  method: string;
  path: () => string;
  auth: boolean;
  fields: string[];
}
const ENDPOINTS: Endpoint[] = [
  {
    method: 'POST',
    path: () => '/api/auth/register',
    auth: false,
    fields: ['username', 'password', 'displayName', 'rememberMe'],
  },
  { method: 'POST', path: () => '/api/auth/login', auth: false, fields: ['username', 'password', 'rememberMe'] },
  { method: 'POST', path: () => '/api/auth/refresh', auth: false, fields: ['refreshToken'] },
  { method: 'POST', path: () => '/api/auth/logout', auth: false, fields: ['refreshToken'] },
  { method: 'POST', path: () => '/api/auth/guest', auth: false, fields: ['nickname'] },
  { method: 'POST', path: () => '/api/rooms', auth: true, fields: ['name'] },
  { method: 'POST', path: () => '/api/dms', auth: true, fields: ['username'] },
  { method: 'GET', path: () => `/api/rooms/${roomId}/messages`, auth: true, fields: [] },
  { method: 'GET', path: () => '/api/me', auth: true, fields: [] },
];

function wellFormedHttp(status: number, body: unknown): boolean {
  if (status >= 500 && status !== 503) return false;
  if (status < 400) return [200, 201, 204].includes(status);
  const b = body as { statusCode?: unknown; error?: unknown; message?: unknown; correlationId?: unknown };
  return (
    typeof b === 'object' &&
    b !== null &&
    b.statusCode === status &&
    typeof b.error === 'string' &&
    (typeof b.message === 'string' || (Array.isArray(b.message) && b.message.every((m) => typeof m === 'string'))) &&
    typeof b.correlationId === 'string' &&
    !/\bat \S+ \(/.test(JSON.stringify(b))
  );
}

test.each(
  ENDPOINTS.map(
    (e) => [`${e.method} ${e.path === ENDPOINTS[7].path ? '/api/rooms/:id/messages' : e.path()}`, e] as const,
  ),
)(
  '%s with any body or query: a well-formed reply',
  async (_name, ep) => {
    const bodyArb = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => ({ raw: JSON.stringify(v) })),
      fc.string().map((raw) => ({ raw })),
      fc
        .record(
          Object.fromEntries(
            ep.fields.map((f) => [f, fc.oneof(fc.string({ maxLength: 140 }), fc.jsonValue({ maxDepth: 2 }))]),
          ),
          { requiredKeys: [] },
        )
        .map((v) => ({ raw: JSON.stringify(v) })),
    );
    const queryArb = fc.dictionary(
      fc.constantFrom('beforeSeq', 'afterSeq', 'limit', 'x', '__proto__'),
      fc.oneof(fc.string(), fc.integer().map(String), fc.double().map(String)),
    );
    const authArb = ep.auth
      ? fc.oneof({ weight: 4, arbitrary: fc.constant(`Bearer ${token}`) }, { weight: 1, arbitrary: fc.string() })
      : fc.constant(undefined);
    await fc.assert(
      fc.asyncProperty(bodyArb, queryArb, authArb, async (body, query, auth) => {
        const qs = new URLSearchParams(query as Record<string, string>).toString();
        const url = `${stack.url}${ep.path()}${ep.method === 'GET' && qs ? `?${qs}` : ''}`;
        const headers: Record<string, string> = {};
        if (auth) headers.authorization = auth.replace(/[^\t\x20-\x7e]/g, '');
        let r: { status: number; body: unknown };
        try {
          if (ep.method === 'GET') r = await httpJson(url, 'GET', undefined, headers);
          else {
            const res = await fetch(url, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: body.raw,
            });
            const text = await res.text();
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* keep text */
            }
            r = { status: res.status, body: parsed };
          }
        } catch (e) {
          problems.push(`${ep.method} ${url}: request failed ${(e as Error).message}`);
          return false;
        }
        if (!wellFormedHttp(r.status, r.body)) {
          problems.push(
            `${ep.method} ${url} ${body.raw.slice(0, 200)} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`,
          );
          return false;
        }
        return true;
      }),
      {
        numRuns:
          (ep.path().startsWith('/api/auth/register') || ep.path().startsWith('/api/auth/login') ? 250 : 400) * RUNS,
      },
    );
  },
  300_000,
);

test('after the fuzzing: every process alive, healthy, and a message still goes round', async () => {
  for (const p of stack.procs)
    expect({ service: p.service, exit: p.proc.exitCode, signal: p.proc.signalCode }).toEqual({
      service: p.service,
      exit: null,
      signal: null,
    });
  expect(await stack.health()).toBe(200);
  const otherToken = mintAccessToken(stack.jwtSecret, benchUserId(run, 2), `fuzz${run}b`);
  // public rooms are joined explicitly (SPEC §7) before their events reach a socket
  const joined = await httpJson(`${stack.url}/api/rooms/${roomId}/join`, 'POST', undefined, {
    authorization: `Bearer ${otherToken}`,
  });
  expect(joined.status).toBe(200);
  const other = await connect({ token: otherToken });
  expect(((await other.emitWithAck('room:join', { roomId })) as { ok: boolean }).ok).toBe(true);
  const got = new Promise<{ clientMsgId?: string }>((r) =>
    other.on('message:new', (m: { clientMsgId?: string }) => m.clientMsgId === 'after-fuzz' && r(m)),
  );
  await new Promise((r) => setTimeout(r, 2500)); // let the fuzzer's send-rate bucket refill
  const a = (await socket
    .timeout(5000)
    .emitWithAck('message:send', { roomId, text: 'still here', clientMsgId: 'after-fuzz' })) as { ok: boolean };
  expect(a.ok).toBe(true);
  expect((await got).clientMsgId).toBe('after-fuzz');
  other.disconnect();
}, 60_000);

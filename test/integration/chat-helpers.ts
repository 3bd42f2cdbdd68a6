import { io, Socket } from 'socket.io-client';
import { randomUUID } from 'node:crypto';
import { BusClient, RedisRpcClient, signAccessToken } from '@hihi/common';
import { CHAT_PATTERNS, Message, SearchReply, SERVER_EVENTS, SOCKET_PATH } from '@hihi/contracts';
import type { Stack } from '../support/stack';

/** Helpers for the chat integration specs: tokens, sockets with acks, REST calls, event logs. */

export interface TestUser {
  id: string;
  username: string;
  displayName: string;
  guest: boolean;
  token: string;
}

let counter = 0;

export function makeUser(stack: Stack, name?: string, guest = false): TestUser {
  counter++;
  const username = name ?? `u${counter}_${randomUUID().slice(0, 6)}`;
  const id = guest ? `guest:${randomUUID()}` : randomUUID();
  const displayName = guest ? `Guest ${counter}` : `User ${username}`;
  const token = signAccessToken(
    stack.env.JWT_SECRET!,
    { sub: id, username, displayName, use: guest ? 'guest' : 'access' },
    900,
  );
  return { id, username, displayName, guest, token };
}

/**
 * What the gateway does when a user signs up, signs in or arrives as a guest (tokens made by
 * makeUser skip that): tell chat, which records the user and creates the duck room and greeting.
 */
export async function provision(stack: Stack, ...users: TestUser[]): Promise<void> {
  const proxy = new RedisRpcClient({
    url: stack.redisUrl,
    prefix: stack.env.REDIS_PREFIX ?? 'hihi',
    service: 'chat',
  });
  await proxy.connect();
  const bus = new BusClient(proxy, 'chat', 5000);
  try {
    for (const u of users) {
      const actor = {
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        guest: u.guest,
        role: u.guest ? ('guest' as const) : ('member' as const),
      };
      const res = await bus.call(CHAT_PATTERNS.provision, {}, { correlationId: randomUUID(), actor });
      if (!res.ok) throw new Error(`provisioning ${u.username} failed: ${res.error.message}`);
    }
  } finally {
    await proxy.close();
  }
}

export interface Client {
  socket: Socket;
  /** every message:new received, in arrival order */
  received: Message[];
  events: { event: string; args: unknown[] }[];
}

export function connect(url: string, token: string | undefined, opts: { timeoutMs?: number } = {}): Promise<Client> {
  const socket = io(url, {
    path: SOCKET_PATH,
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const client: Client = { socket, received: [], events: [] };
  socket.on(SERVER_EVENTS.messageNew, (m: Message) => client.received.push(m));
  socket.onAny((event: string, ...args: unknown[]) => client.events.push({ event, args }));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('connect timeout')), opts.timeoutMs ?? 5000);
    socket.once('connect', () => {
      clearTimeout(t);
      resolve(client);
    });
    socket.once('connect_error', (err: Error) => {
      clearTimeout(t);
      socket.close();
      reject(err);
    });
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAck = any;

export async function ack(client: Client, event: string, payload: unknown, timeoutMs = 5000): Promise<AnyAck> {
  return client.socket.timeout(timeoutMs).emitWithAck(event, payload);
}

export async function api(
  stack: Stack | string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: AnyAck }> {
  const base = typeof stack === 'string' ? stack : stack.url;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

/** POST /api/rooms/:id/join: public rooms are joined explicitly (SPEC §7). */
export async function joinRoom(stack: Stack | string, user: TestUser, roomId: string): Promise<void> {
  const res = await api(stack, user.token, 'POST', `/api/rooms/${roomId}/join`);
  if (res.status !== 200) throw new Error(`joining ${roomId} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until(pred: () => boolean, timeoutMs = 5000, stepMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(stepMs);
  }
  return pred();
}

/**
 * GET /api/search until its answer satisfies `want` (new text is searchable once chat's indexer has
 * run, within ~2 s of the ack — docs/api.md), at most `timeoutMs`; answers the last reply.
 */
export async function searchUntil(
  stack: Stack | string,
  token: string,
  query: string,
  want: (reply: SearchReply) => boolean,
  timeoutMs = 3000,
): Promise<{ status: number; body: SearchReply; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const res = (await api(stack, token, 'GET', `/api/search?${query}`)) as { status: number; body: SearchReply };
    if ((res.status === 200 && want(res.body)) || Date.now() - t0 >= timeoutMs) return { ...res, ms: Date.now() - t0 };
    await sleep(50);
  }
}

/** All messages of a room through REST paging (ascending seq). */
export async function fullHistory(stack: Stack | string, token: string, roomId: string): Promise<Message[]> {
  const all: Message[] = [];
  let after = 0;
  for (;;) {
    const r = await api(stack, token, 'GET', `/api/rooms/${roomId}/messages?afterSeq=${after}&limit=100`);
    if (r.status !== 200) throw new Error(`history ${r.status}: ${JSON.stringify(r.body)}`);
    all.push(...r.body.messages);
    if (!r.body.hasMore || !r.body.messages.length) return all;
    after = r.body.messages[r.body.messages.length - 1].seq;
  }
}

export function expectGapFree(messages: Message[], from = 1): void {
  const seqs = messages.map((m) => m.seq);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + from));
}

import { fork, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { BenchStack } from './stack';
import { SystemKind } from './clients';
import { benchUserId, mintAccessToken } from './tokens';
import { freePort } from '../../libs/infra/src/net';
import Redis from 'ioredis';
import { roomEventsChannel } from '../../libs/contracts/src/patterns';

/** A system under test: one of the two baselines or the real Hihi stack. */
export interface Target {
  kind: SystemKind;
  label: string;
  url: string;
  /** process trees whose CPU we charge to the system */
  pids(): { name: string; pid: number }[];
  /** the process whose RSS is "memory per socket" (the Socket.IO / ws server) */
  socketPid(): number;
  /** token (hihi) for user i */
  token(i: number): string | undefined;
  userName(i: number): string;
  /** create n rooms, return their ids */
  makeRooms(n: number, tag: string): Promise<string[]>;
  /** make user i a member of the room (hihi: POST /api/rooms/:id/join — public rooms are joined explicitly, SPEC §7) */
  joinRoom(roomId: string, i: number): Promise<void>;
  stop(): Promise<void>;
  stack?: BenchStack;
  /** hihi: publish a message:new room event straight to Redis (bypasses chat and the database) */
  injector?(): Promise<{
    inject: (roomId: string, clientMsgId: string, text: string, seq: number) => void;
    close: () => void;
  }>;
}

function startBaseline(kind: 'ws' | 'sio', port: number): Promise<ChildProcess> {
  const script = join(__dirname, '..', 'baselines', kind === 'ws' ? 'ws-server.js' : 'sio-server.js');
  return new Promise((resolve, reject) => {
    const child = fork(script, [String(port)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) resolve(child);
    });
    child.once('exit', (c) => reject(new Error(`${kind} baseline exited ${c}`)));
  });
}

export async function baselineTarget(kind: 'ws' | 'sio'): Promise<Target> {
  const port = await freePort();
  const child = await startBaseline(kind, port);
  child.removeAllListeners('exit');
  return {
    kind,
    label: kind === 'ws' ? 'bare ws' : 'plain Socket.IO',
    url: `http://127.0.0.1:${port}`,
    pids: () => [{ name: 'server', pid: child.pid! }],
    socketPid: () => child.pid!,
    token: () => undefined,
    userName: (i) => `u${i}`,
    makeRooms: async (n, tag) => Array.from({ length: n }, (_, i) => `${tag}-${i}`),
    joinRoom: () => Promise.resolve(),
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

export function httpJson(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
  localAddress?: string,
): Promise<{ status: number; body: unknown; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      url,
      {
        method,
        localAddress,
        headers: {
          ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}),
          ...headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0 });
        });
      },
    );
    req.setTimeout(15000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

export async function hihiTarget(
  opts: { nodeOptions?: Record<string, string>; env?: NodeJS.ProcessEnv } = {},
): Promise<Target> {
  const stack = await new BenchStack({
    env: {
      // the storm measures throughput, not the limiter; message sends keep the product default
      REGISTER_RATE_LIMIT: '100000',
      // the bench makes its rooms as one user
      ROOM_CREATE_LIMIT: '100000',
      ...opts.env,
    },
    nodeOptions: opts.nodeOptions,
  }).start();
  const run = randomBytes(3).toString('hex');
  const tokens = new Map<number, string>();
  const t: Target = {
    kind: 'hihi',
    label: 'Hihi Chat',
    url: stack.url,
    stack,
    pids: () => stack.pids(),
    socketPid: () => stack.running('gateway')[0].proc.pid!,
    userName: (i) => `bench${run}u${i}`,
    token: (i) => {
      let tok = tokens.get(i);
      if (!tok) tokens.set(i, (tok = mintAccessToken(stack.jwtSecret, benchUserId(run, i), t.userName(i))));
      return tok;
    },
    makeRooms: async (n, tag) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = await httpJson(
          `${stack.url}/api/rooms`,
          'POST',
          { name: `${tag}-${run}-${i}` },
          { authorization: `Bearer ${t.token(0)}` },
        );
        const room = r.body as { id?: string };
        if (r.status !== 201 || !room.id) throw new Error(`POST /api/rooms → ${r.status} ${JSON.stringify(r.body)}`);
        ids.push(room.id);
      }
      return ids;
    },
    joinRoom: async (roomId, i) => {
      if (i === 0) return; // the creator
      const r = await httpJson(`${stack.url}/api/rooms/${roomId}/join`, 'POST', undefined, {
        authorization: `Bearer ${t.token(i)}`,
      });
      if (r.status !== 200) throw new Error(`POST /api/rooms/${roomId}/join → ${r.status} ${JSON.stringify(r.body)}`);
    },
    stop: () => stack.stop(),
    injector: async () => {
      const redis = new Redis(stack.env.REDIS_URL!, { enableAutoPipelining: true });
      const channel = roomEventsChannel(stack.env.REDIS_PREFIX ?? 'hihi');
      const sender = { id: benchUserId(run, 0), username: t.userName(0), displayName: t.userName(0), bot: false };
      let ids = 0;
      // gateways drop a (room, seq) they emitted already (a republished retry): injected
      // messages get seqs no other injected message had (receivers match by clientMsgId)
      let seqs = 0;
      return {
        inject: (roomId, clientMsgId, text) => {
          const message = {
            id: (++ids).toString(16).padStart(24, 'f'),
            roomId,
            seq: ++seqs,
            clientMsgId,
            sender,
            text,
            createdAt: new Date().toISOString(),
          };
          void redis.publish(channel, JSON.stringify({ type: 'message:new', roomId, message }));
        },
        close: () => redis.disconnect(),
      };
    },
  };
  return t;
}

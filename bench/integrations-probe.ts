/**
 * Integrations (SPEC §9) against the socket in the same run: messages/s and latency of
 * `message:send` over Socket.IO, `POST /api/rooms/:id/messages` with a personal access token, and
 * posts to an incoming webhook, each from CONCURRENCY callers for SECONDS, one after the other on
 * the same stack (the send budget and the hook limit raised so they measure the path, not the
 * limits).
 *   node dist/bench/bench/integrations-probe.js [--seconds=10] [--concurrency=16]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { io, Socket } from 'socket.io-client';
import { BenchStack } from './lib/stack';
import { cliArgs } from './lib/args';

const args = cliArgs();
const SECONDS = Number(args.get('seconds') ?? 10);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);

function log(s: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
}

async function json(
  url: string,
  method: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

interface Result {
  path: string;
  ops: number;
  errors: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** CONCURRENCY loops calling `op` until SECONDS pass. */
async function drive(path: string, op: (n: number) => Promise<boolean>): Promise<Result> {
  const lat: number[] = [];
  let errors = 0;
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const ok = await op(n++).catch(() => false);
        if (ok) lat.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  const r = {
    path,
    ops: lat.length,
    errors,
    perSec: Math.round(lat.length / secs),
    p50Ms: pct(lat, 50),
    p99Ms: pct(lat, 99),
  };
  log(`${path}: ${r.perSec}/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${errors} errors`);
  return r;
}

async function main(): Promise<void> {
  const stack = await new BenchStack({
    env: {
      SEND_RATE_PER_SEC: '10000',
      SEND_BURST: '100000',
      WEBHOOK_POSTS_PER_MIN: '1000000',
      SOCKET_COMMAND_RATE_PER_SEC: '100000',
      SOCKET_COMMAND_BURST: '100000',
    },
  }).start();
  let socket: Socket | undefined;
  try {
    const reg = await json(`${stack.url}/api/auth/register`, 'POST', undefined, {
      username: 'bench_alice',
      password: 'integrations bench password 1',
    });
    const token = String(reg.body.accessToken);
    const room = await json(`${stack.url}/api/rooms`, 'POST', token, { name: 'bench-integrations' });
    const roomId = String(room.body.id);
    const patRes = await json(`${stack.url}/api/me/tokens`, 'POST', token, {
      name: 'bench',
      scopes: ['messages:write'],
    });
    const pat = String(patRes.body.token);
    const hookRes = await json(`${stack.url}/api/rooms/${roomId}/webhooks`, 'POST', token, { name: 'bench' });
    const hook = String(hookRes.body.url);
    socket = io(stack.url, { path: '/socket.io', transports: ['websocket'], auth: { token } });
    await new Promise<void>((ok, fail) => {
      socket!.once('connect', () => ok());
      socket!.once('connect_error', fail);
    });
    await socket.timeout(5000).emitWithAck('room:join', { roomId });
    const results: Result[] = [];
    results.push(
      await drive('socket message:send', async (n) => {
        const ack = await socket!
          .timeout(10000)
          .emitWithAck('message:send', { roomId, text: `socket ${n}`, clientMsgId: `s-${n}` });
        return ack.ok === true;
      }),
    );
    results.push(
      await drive('REST POST /api/rooms/:id/messages (PAT)', async (n) => {
        const r = await json(`${stack.url}/api/rooms/${roomId}/messages`, 'POST', pat, {
          text: `rest ${n}`,
          clientMsgId: `r-${n}`,
        });
        return r.status === 201;
      }),
    );
    results.push(
      await drive('incoming webhook POST', async (n) => {
        const r = await json(hook, 'POST', undefined, { text: `hook ${n}` });
        return r.status === 200;
      }),
    );
    const resDir = resolve('bench/results');
    mkdirSync(resDir, { recursive: true });
    const file = join(resDir, `integrations-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ seconds: SECONDS, concurrency: CONCURRENCY, results }, null, 2));
    log(`results: ${file}`);
  } finally {
    socket?.disconnect();
    await stack.stop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});

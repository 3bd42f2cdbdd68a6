/**
 * auth on its embedded database (FerretDB 1.x on SQLite, which indexes nothing): sign-in latency
 * as the users collection grows — where does it stop serving? Registers one real account, then
 * adds copies of its document under other names straight into the database, and signs in.
 *   node dist/bench/bench/auth-probe.js [--sizes=1000,10000,100000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { BenchStack } from './lib/stack';
import { cliArgs } from './lib/args';

const args = cliArgs();
const SIZES = (args.get('sizes') ?? '1000,10000,100000').split(',').map(Number);
const LOGINS = 30;

function log(s: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]);
}

async function post(url: string, body: unknown, ip: string): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  await res.arrayBuffer();
  return res.status;
}

async function main(): Promise<void> {
  const stack = await new BenchStack({
    env: { TRUST_PROXY: '1', REGISTER_RATE_LIMIT: '100000', LOGIN_MAX_FAILURES_PER_IP: '100000' },
  }).start();
  const out: { users: number; loginP50Ms: number; loginP99Ms: number; failures: number; fillMs: number }[] = [];
  const mongo = await new MongoClient(stack.env.MONGO_URL!).connect();
  try {
    const username = `probe_${randomBytes(3).toString('hex')}`;
    const password = 'correct horse battery staple';
    const status = await post(`${stack.url}/api/auth/register`, { username, password }, '10.9.0.1');
    if (status !== 201) throw new Error(`register → ${status}`);
    const users = mongo.db().collection('users');
    const template = await users.findOne({ username });
    if (!template) throw new Error('registered user not found in the database');
    let count = await users.countDocuments();
    for (const size of SIZES) {
      const t = performance.now();
      while (count < size) {
        const n = Math.min(1000, size - count);
        const docs = Array.from({ length: n }, (_, i) => {
          const name = `filler${count + i}x${randomBytes(2).toString('hex')}`;
          const { _id: _unused, ...rest } = template;
          void _unused;
          return { ...rest, username: name, usernameKey: name, usernameSkeleton: name, displayName: name };
        });
        await users.insertMany(docs, { ordered: false });
        count += n;
      }
      const fillMs = Math.round(performance.now() - t);
      const times: number[] = [];
      let failures = 0;
      for (let i = 0; i < LOGINS; i++) {
        const t0 = performance.now();
        const code = await post(`${stack.url}/api/auth/login`, { username, password }, `10.9.${i}.2`).catch(() => 0);
        times.push(performance.now() - t0);
        if (code !== 200) failures++;
      }
      const r = { users: size, loginP50Ms: pct(times, 50), loginP99Ms: pct(times, 99), failures, fillMs };
      out.push(r);
      log(
        `${size} users: sign-in p50 ${r.loginP50Ms} ms, p99 ${r.loginP99Ms} ms, ${failures}/${LOGINS} failed (filled in ${fillMs} ms)`,
      );
    }
    const dir = resolve('bench/results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `auth-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(out, null, 2));
    log(`results: ${file}`);
  } finally {
    await mongo.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${String((e as Error).stack ?? e)}\n`);
    process.exit(1);
  },
);

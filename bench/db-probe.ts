/**
 * What one stored message costs in the database, by query, as the messages collection grows —
 * the same queries as apps/chat's MessageStore (findByClientMsgId, lastSeq, insert, claim),
 * against a private FerretDB (or mongod when installed). Usage: node dist/bench/bench/db-probe.js [sizes]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startMongo } from '../libs/infra/src/mongo';
import { cpuMsOf, processTree } from './lib/procstat';

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '0,1000,5000').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'hihi-dbprobe-'));
  const m = await startMongo(dir, 'probe', () => undefined);
  const client = await new MongoClient(m.url).connect();
  const db = client.db();
  const msgs = db.collection<{ _id: string; [k: string]: unknown }>('messages');
  const claims = db.collection<{ _id: string; [k: string]: unknown }>('claims');
  await msgs.createIndex({ roomId: 1, seq: 1 }, { unique: true });
  await msgs.createIndex({ senderId: 1, clientMsgId: 1 }, { unique: true });
  const dbCpu = () => processTree(m.proc.proc.pid!).reduce((a, p) => a + cpuMsOf(p), 0);
  const rooms = 10;
  let n = 0;
  const text = 'x'.repeat(60);
  const doc = (i: number) => ({
    _id: `m${i}`,
    roomId: `r${i % rooms}`,
    seq: Math.floor(i / rooms) + 1,
    clientMsgId: `c${i}`,
    senderId: `u${i % 100}`,
    sender: { id: `u${i % 100}`, username: 'u', displayName: 'u', bot: false },
    text,
    createdAt: new Date(),
  });
  process.stdout.write(`engine ${m.engine}\nsize   op                      ms/op (wall)  db CPU ms/op\n`);
  for (const size of sizes) {
    while (n < size) {
      const batch = [];
      for (let k = 0; k < 1000 && n < size; k++) batch.push(doc(n++));
      await msgs.insertMany(batch);
    }
    const ops: [string, (i: number) => Promise<unknown>][] = [
      ['findOne {senderId,clientMsgId}', (i) => msgs.findOne({ senderId: `u${i % 100}`, clientMsgId: `nope${i}` })],
      [
        'lastSeq sort seq -1 limit 1',
        (i) => msgs.findOne({ roomId: `r${i % rooms}` }, { sort: { seq: -1 }, projection: { seq: 1 } }),
      ],
      ['findOne {_id}', (i) => msgs.findOne({ _id: `m${i % Math.max(1, n)}` })],
      ['insertOne message', async () => msgs.insertOne(doc(n++))],
      ['insertOne claim', (i) => claims.insertOne({ _id: `k${size}-${i}`, at: new Date() })],
    ];
    for (const [name, op] of ops) {
      const reps = 40;
      const c0 = dbCpu();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) await op(i);
      const wall = (performance.now() - t0) / reps;
      const cpu = (dbCpu() - c0) / reps;
      process.stdout.write(
        `${String(size).padEnd(6)} ${name.padEnd(31)} ${wall.toFixed(2).padStart(8)}  ${cpu.toFixed(2).padStart(10)}\n`,
      );
    }
  }
  await client.close();
  await m.proc.stop(3000);
  rmSync(dir, { recursive: true, force: true });
}
void main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

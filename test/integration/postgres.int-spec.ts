import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { freePort, startPostgres, StartedPostgres, waitFor } from '@hihi/infra';
import { CLIENT_EVENTS, LOBBY_ROOM_ID } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, Client, connect, makeUser } from './chat-helpers';

/**
 * chat's PostgreSQL as an operator meets it: several chat processes starting on an empty
 * database, and the database going away and coming back under a running stack.
 */
describe('chat and its PostgreSQL (real processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hihi-pg-'));
  let pg: StartedPostgres;
  let port = 0;
  const stack = new Stack({ services: ['auth', 'chat', 'chat', 'gateway'] });
  const clients: Client[] = [];
  const before = process.env.DATABASE_URL;

  beforeAll(async () => {
    port = await freePort();
    pg = await startPostgres(join(dir, 'postgres'), { dbName: 'hihi', persistent: false, port }, () => undefined);
    process.env.DATABASE_URL = pg.url;
    // two chat processes start at the same moment against the empty database
    await stack.start();
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
    await pg.proc.stop(5000);
    if (before === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = before;
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('two chat processes starting together on an empty database both come up (migrations applied once)', async () => {
    const chats = stack.procs.filter((p) => p.service === 'chat');
    expect(chats).toHaveLength(2);
    for (const c of chats) {
      expect(c.proc.exitCode).toBeNull();
      expect(await waitFor(async () => c.lines.some((l) => l.includes('schema up to date')), 10_000)).toBe(true);
    }
    const applied = chats.flatMap((c) => c.lines.filter((l) => /migration 0001-initial: Success/.test(l)));
    expect(applied).toHaveLength(1);
    expect((await stack.health()).status).toBe(200);
  });

  it('PostgreSQL down: sends answered unavailable within 3 s, health names postgres; back up: all recovers without a restart', async () => {
    const alice = makeUser(stack);
    const a = await connect(stack.url, alice.token);
    clients.push(a);
    expect((await ack(a, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID })).ok).toBe(true);
    const first = await ack(a, CLIENT_EVENTS.messageSend, {
      roomId: LOBBY_ROOM_ID,
      text: 'before',
      clientMsgId: randomUUID(),
    });
    expect(first.ok).toBe(true);
    const pids = stack.procs.map((p) => p.proc.pid);

    await pg.proc.stop(5000);
    const t0 = Date.now();
    const down = await ack(
      a,
      CLIENT_EVENTS.messageSend,
      { roomId: LOBBY_ROOM_ID, text: 'during', clientMsgId: randomUUID() },
      10_000,
    );
    expect(down.ok).toBe(false);
    expect(down.error.code).toBe('unavailable');
    expect(Date.now() - t0).toBeLessThan(3000);
    const health = await stack.health();
    expect(health.status).toBe(503);
    expect(health.body.down).toContain('postgres');
    expect(health.body.details.postgres.status).toBe('down');

    pg = await startPostgres(join(dir, 'postgres'), { dbName: 'hihi', persistent: false, port }, () => undefined);
    expect(await waitFor(async () => (await stack.health()).status === 200, 15_000, 200)).toBe(true);
    const retry = await ack(a, CLIENT_EVENTS.messageSend, {
      roomId: LOBBY_ROOM_ID,
      text: 'after',
      clientMsgId: randomUUID(),
    });
    expect(retry.ok).toBe(true);
    expect(retry.message.seq).toBe(first.message.seq + 1);
    expect(stack.procs.map((p) => p.proc.pid)).toEqual(pids);
    // none exited (on failure: which one, with its last log lines)
    const exited = stack.procs
      .filter((p) => p.proc.exitCode !== null)
      .map((p) => ({ service: p.service, code: p.proc.exitCode, last: p.lines.slice(-40) }));
    expect(exited).toEqual([]);
  }, 60_000);
});

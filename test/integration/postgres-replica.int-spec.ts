import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { freePort, startPostgresWithStandby, StartedPrimaryAndStandby } from '@hihi/infra';
import { CLIENT_EVENTS, Message } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, connect, makeUser } from './chat-helpers';

/**
 * DATABASE_REPLICA_URL (SPEC §11) on a real streaming standby: history, search and room lists are
 * read from the replica when it holds what the reader has been sent, else from the primary —
 * checked while the standby's replay is deliberately paused (pg_wal_replay_pause()).
 */
describe('PostgreSQL read replica', () => {
  let dir = '';
  let pg: StartedPrimaryAndStandby;
  let stack: Stack;
  let metricsPort = 0;
  let standby: PgClient;
  const dbName = `hihi_rep_${randomUUID().slice(0, 8).replace(/-/g, '')}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hihi-replica-'));
    pg = await startPostgresWithStandby(dir, { dbName, persistent: false }, () => undefined);
    metricsPort = await freePort();
    stack = new Stack({
      databaseUrl: pg.primary.url,
      services: ['auth'],
      env: { DATABASE_REPLICA_URL: pg.standby.url, SEND_RATE_PER_SEC: '1000', SEND_BURST: '1000' },
    });
    await stack.start();
    stack.spawn('chat', { METRICS_PORT: String(metricsPort) });
    stack.spawn('gateway');
    await stack.waitHealthy(stack.url, 60000);
    standby = new PgClient({ connectionString: pg.standby.url });
    await standby.connect();
  }, 120000);

  afterAll(async () => {
    await standby?.query('select pg_wal_replay_resume()').catch(() => undefined);
    await standby?.end().catch(() => undefined);
    await stack?.stop();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60000);

  /** hihi_db_reads_total{target, reason} of the chat process */
  async function reads(): Promise<Record<string, number>> {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^hihi_db_reads_total\{([^}]*)\} (\d+)/gm)) {
      const target = /target="(\w+)"/.exec(m[1])?.[1];
      const reason = /reason="(\w+)"/.exec(m[1])?.[1];
      out[`${target}:${reason}`] = Number(m[2]);
    }
    return out;
  }
  /** has the standby replayed the room up to `seq`? (waits up to 5 s) */
  async function replayed(roomId: string, seq: number): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      const r = await standby.query<{ last_seq: string }>('select last_seq from rooms where id = $1', [roomId]);
      if (Number(r.rows[0]?.last_seq) >= seq) return true;
      await new Promise((res) => setTimeout(res, 50));
    }
    return false;
  }
  const delta = (a: Record<string, number>, b: Record<string, number>, key: string) => (b[key] ?? 0) - (a[key] ?? 0);
  /**
   * have these messages been indexed for search (chat's indexer, within ~2 s of the ack) — on the
   * primary, or also replayed on the standby? (waits up to 5 s; asked of PostgreSQL directly so
   * that chat's read counters see only the reads under test)
   */
  async function indexed(ids: string[], on: 'primary' | 'standby'): Promise<boolean> {
    const db = on === 'standby' ? standby : new PgClient({ connectionString: pg.primary.url });
    if (on === 'primary') await db.connect();
    try {
      for (let i = 0; i < 100; i++) {
        const r = await db.query<{ n: number }>(
          'select count(*)::int as n from message_search where id = any($1::uuid[])',
          [ids],
        );
        if (r.rows[0].n === ids.length) return true;
        await new Promise((res) => setTimeout(res, 50));
      }
      return false;
    } finally {
      if (on === 'primary') await db.end();
    }
  }

  it('health names the replica', async () => {
    const h = await stack.health();
    expect(h.status).toBe(200);
    const replica = (h.body.details as Record<string, { status: string; message?: string }>).postgresReplica;
    expect(replica.status).toBe('up');
    expect(replica.message).toMatch(/streaming replica/);
  });

  it('history, search and room lists come from the replica when it is current, from the primary while it lags', async () => {
    const u = makeUser(stack);
    const c = await connect(stack.url, u.token);
    try {
      const roomId = (await api(stack, u.token, 'POST', '/api/rooms', { name: `R ${randomUUID().slice(0, 8)}` })).body
        .id as string;
      expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
      const sent: Message[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await ack(c, CLIENT_EVENTS.messageSend, { roomId, text: `kiwi ${i}`, clientMsgId: randomUUID() });
        expect(r.ok).toBe(true);
        sent.push(r.message as Message);
      }
      // the replica catches up (streaming), search's copy too once chat's indexer has run
      expect(await replayed(roomId, 5)).toBe(true);
      expect(
        await indexed(
          sent.map((m) => m.id),
          'standby',
        ),
      ).toBe(true);

      let before = await reads();
      const page = await api(stack, u.token, 'GET', `/api/rooms/${roomId}/messages`);
      expect(page.status).toBe(200);
      expect((page.body.messages as Message[]).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
      const search = await api(stack, u.token, 'GET', `/api/search?q=kiwi&roomId=${encodeURIComponent(roomId)}`);
      expect(search.status).toBe(200);
      expect(search.body.results).toHaveLength(5);
      expect((await api(stack, u.token, 'GET', '/api/rooms')).status).toBe(200);
      let after = await reads();
      expect(delta(before, after, 'replica:fresh')).toBe(3);
      expect(delta(before, after, 'primary:behind')).toBe(0);

      // replay paused: what is sent now is on the primary only
      await standby.query('select pg_wal_replay_pause()');
      const late = await ack(c, CLIENT_EVENTS.messageSend, { roomId, text: 'kiwi late', clientMsgId: randomUUID() });
      expect(late.ok).toBe(true);
      expect(await indexed([late.message.id as string], 'primary')).toBe(true);
      expect(Number((await standby.query('select last_seq from rooms where id = $1', [roomId])).rows[0].last_seq)).toBe(
        5,
      );

      before = await reads();
      // the newest page must include what the reader was sent: the primary answers
      const newest = await api(stack, u.token, 'GET', `/api/rooms/${roomId}/messages`);
      expect((newest.body.messages as Message[]).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      // paging forward from 5 too
      const forward = await api(stack, u.token, 'GET', `/api/rooms/${roomId}/messages?afterSeq=5`);
      expect((forward.body.messages as Message[]).map((m) => m.text)).toEqual(['kiwi late']);
      // search and room lists wait briefly for the replica, then read the primary
      const search2 = await api(stack, u.token, 'GET', `/api/search?q=kiwi&roomId=${encodeURIComponent(roomId)}`);
      expect(search2.body.results).toHaveLength(6);
      const rooms = await api(stack, u.token, 'GET', '/api/rooms');
      expect((rooms.body as { id: string; lastSeq: number }[]).find((r) => r.id === roomId)?.lastSeq).toBe(6);
      after = await reads();
      expect(delta(before, after, 'primary:behind')).toBe(4);
      expect(delta(before, after, 'replica:fresh')).toBe(0);

      // a page back from seq 4 covers only what the paused replica has: the replica answers
      before = await reads();
      const back = await api(stack, u.token, 'GET', `/api/rooms/${roomId}/messages?beforeSeq=4`);
      expect((back.body.messages as Message[]).map((m) => m.seq)).toEqual([1, 2, 3]);
      after = await reads();
      expect(delta(before, after, 'replica:fresh')).toBe(1);

      // replay resumed: the replica is current again and serves the newest page
      await standby.query('select pg_wal_replay_resume()');
      expect(await replayed(roomId, 6)).toBe(true);
      before = await reads();
      const again = await api(stack, u.token, 'GET', `/api/rooms/${roomId}/messages`);
      expect((again.body.messages as Message[]).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      after = await reads();
      expect(delta(before, after, 'replica:fresh')).toBe(1);
    } finally {
      c.socket.close();
    }
  }, 90000);
});

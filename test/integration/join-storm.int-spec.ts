import { CLIENT_EVENTS, Room } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, makeUser, TestUser, joinRoom } from './chat-helpers';

/**
 * A room of 200 members who all join at the same moment (as after a gateway restart): every
 * join succeeds, within 5 s, and the acks carry the capped online list with the full count.
 */
describe('join storm (real processes)', () => {
  const stack = new Stack();
  const clients: Client[] = [];
  beforeAll(() => stack.start(), 60_000);
  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30_000);

  it('200 members joining one room at once all succeed within 5 s', async () => {
    const owner = makeUser(stack);
    const created = await api(stack, owner.token, 'POST', '/api/rooms', { name: `storm-${Date.now()}` });
    expect(created.status).toBe(201);
    const room = created.body as Room;
    const users: TestUser[] = Array.from({ length: 200 }, () => makeUser(stack));
    // members first (POST /api/rooms/:id/join, SPEC §7), a few at a time: the storm is the sockets'
    for (let i = 0; i < users.length; i += 10)
      await Promise.all(users.slice(i, i + 10).map((u) => joinRoom(stack, u, room.id)));
    for (let i = 0; i < users.length; i += 50) {
      clients.push(
        ...(await Promise.all(users.slice(i, i + 50).map((u) => connect(stack.url, u.token, { timeoutMs: 15_000 })))),
      );
    }
    const t0 = Date.now();
    const acks = await Promise.all(
      clients.map(async (c) => {
        const res = await ack(c, CLIENT_EVENTS.roomJoin, { roomId: room.id }, 10_000);
        return { res, ms: Date.now() - t0 };
      }),
    );
    const failed = acks.filter((a) => !a.res.ok);
    expect(failed.map((a) => a.res.error)).toEqual([]);
    const slowest = Math.max(...acks.map((a) => a.ms));
    expect(slowest).toBeLessThan(5000);
    // the online list is capped, its count is not; the last joiners see (nearly) everyone
    for (const { res } of acks) {
      expect(res.online.length).toBeLessThanOrEqual(100);
      expect(res.onlineCount).toBeGreaterThanOrEqual(res.online.length);
    }
    expect(Math.max(...acks.map((a) => a.res.onlineCount))).toBeGreaterThan(100);
    // and reading: each reader's mark answers that reader's own room view
    const reads = await Promise.all(
      clients.slice(0, 100).map((c) => ack(c, CLIENT_EVENTS.roomRead, { roomId: room.id, seq: 0 })),
    );
    expect(reads.every((r) => r.ok && r.room.id === room.id)).toBe(true);
    process.stderr.write(`join storm: 200 joins, slowest ack ${slowest} ms\n`);
  }, 90_000);
});

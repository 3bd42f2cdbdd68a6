import { randomUUID } from 'node:crypto';
import { freePort } from '@hihi/infra';
import { CLIENT_EVENTS, Message } from '@hihi/contracts';
import { Stack } from '../support/stack';
import {
  ack,
  api,
  Client,
  connect,
  expectGapFree,
  fullHistory,
  makeUser,
  sleep,
  until,
  joinRoom,
} from './chat-helpers';

describe('scale-out: two gateways and two chat processes', () => {
  const stack = new Stack({ env: { SEND_RATE_PER_SEC: '1000', SEND_BURST: '1000' } });
  const clients: Client[] = [];
  let url2 = '';
  beforeAll(async () => {
    await stack.start();
    stack.spawn('chat');
    const port = await freePort();
    stack.spawn('gateway', { PORT: String(port) });
    url2 = `http://127.0.0.1:${port}`;
    await stack.waitHealthy(url2, 30000);
  }, 90000);
  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30000);

  it('clients on different gateways see every message exactly once; every message is stored once, gap-free', async () => {
    expect(stack.procs.filter((p) => p.service === 'chat' && p.proc.exitCode === null)).toHaveLength(2);
    const users = [0, 1, 2, 3].map(() => makeUser(stack));
    const roomId: string = (
      await api(stack, users[0].token, 'POST', '/api/rooms', { name: `Scale ${randomUUID().slice(0, 8)}` })
    ).body.id;
    for (const u of users.slice(1)) await joinRoom(stack, u, roomId);
    const conns = await Promise.all(users.map((u, i) => connect(i % 2 ? url2 : stack.url, u.token)));
    clients.push(...conns);
    for (const c of conns) expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);

    const PER_USER = 30;
    const acked: Message[][] = await Promise.all(
      conns.map(async (c, i) => {
        const mine: Message[] = [];
        for (let n = 0; n < PER_USER; n++) {
          const r = await ack(
            c,
            CLIENT_EVENTS.messageSend,
            { roomId, text: `u${i} #${n}`, clientMsgId: randomUUID() },
            8000,
          );
          expect(r.ok).toBe(true);
          mine.push(r.message);
        }
        return mine;
      }),
    );
    const total = PER_USER * conns.length;
    const allIds = new Set(acked.flat().map((m) => m.id));
    expect(allIds.size).toBe(total);

    for (const c of conns) {
      await until(() => c.received.filter((m) => m.roomId === roomId).length >= total, 10000);
    }
    await sleep(500);
    for (const c of conns) {
      const got = c.received.filter((m) => m.roomId === roomId);
      expect(got).toHaveLength(total);
      expect(new Set(got.map((m) => m.id))).toEqual(allIds);
      // each sender's messages arrive in the order they were sent (and acked)
      for (const mine of acked) {
        const ids = new Set(mine.map((m) => m.id));
        expect(got.filter((m) => ids.has(m.id)).map((m) => m.id)).toEqual(mine.map((m) => m.id));
      }
    }
    const history = await fullHistory(stack, users[0].token, roomId);
    expect(history).toHaveLength(total);
    expectGapFree(history);
    expect(new Set(history.map((m) => m.id))).toEqual(allIds);

    // the same history through the other gateway
    const history2 = await fullHistory(url2, users[1].token, roomId);
    expect(history2.map((m) => m.id)).toEqual(history.map((m) => m.id));
  }, 90000);

  it('a clientMsgId retried through the other gateway (and so maybe the other chat process) is stored once', async () => {
    const u = makeUser(stack);
    const a = await connect(stack.url, u.token);
    const b = await connect(url2, u.token);
    clients.push(a, b);
    const id = randomUUID();
    const rs = await Promise.all(
      [a, b, a, b, a, b].map((c) =>
        ack(c, CLIENT_EVENTS.messageSend, { roomId: 'lobby', text: 'both ways', clientMsgId: id }),
      ),
    );
    for (const r of rs) expect(r.ok).toBe(true);
    expect(new Set(rs.map((r) => r.message.id)).size).toBe(1);
    const history = await fullHistory(stack, u.token, 'lobby');
    expect(history.filter((m) => m.clientMsgId === id)).toHaveLength(1);
    expectGapFree(history);
  }, 30000);
});

import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS, Message } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, expectGapFree, fullHistory, makeUser, sleep } from './chat-helpers';

describe('faults: the chat service dies mid-stream', () => {
  const stack = new Stack({ env: { SEND_RATE_PER_SEC: '1000', SEND_BURST: '1000' } });
  let client: Client | undefined;
  beforeAll(() => stack.start(), 60000);
  afterAll(async () => {
    client?.socket.close();
    await stack.stop();
  }, 30000);

  it('kill -9 while a client sends 200 messages with retries: every acked message stored once, no seq gaps', async () => {
    const user = makeUser(stack);
    const roomId: string = (
      await api(stack, user.token, 'POST', '/api/rooms', { name: `Fault ${randomUUID().slice(0, 8)}` })
    ).body.id;
    client = await connect(stack.url, user.token);
    expect((await ack(client, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);

    const TOTAL = 200;
    const acked: Message[] = [];
    const unavailableAfterMs: number[] = [];
    let attempts = 0;
    let killed = false;
    let restarted = false;

    const sender = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        const clientMsgId = randomUUID();
        for (;;) {
          attempts++;
          const started = Date.now();
          let r;
          try {
            r = await ack(client!, CLIENT_EVENTS.messageSend, { roomId, text: `msg ${i}`, clientMsgId }, 4000);
          } catch {
            continue; // ack timeout: retry with the same clientMsgId
          }
          if (r.ok) {
            acked.push(r.message);
            break;
          }
          if (r.error.code === 'unavailable') unavailableAfterMs.push(Date.now() - started);
          expect(['unavailable', 'rate_limited']).toContain(r.error.code);
          await sleep(50);
        }
      }
    })();

    const chaos = (async () => {
      while (acked.length < 60) await sleep(5);
      stack.proc('chat').proc.kill('SIGKILL');
      killed = true;
      await sleep(2500);
      stack.spawn('chat');
      restarted = true;
    })();

    await Promise.all([sender, chaos]);
    expect(killed && restarted).toBe(true);
    expect(acked).toHaveLength(TOTAL);
    expect(attempts).toBeGreaterThan(TOTAL); // some sends were retried
    expect(unavailableAfterMs.length).toBeGreaterThan(0);
    expect(Math.max(...unavailableAfterMs)).toBeLessThan(3000);

    const history = await fullHistory(stack, user.token, roomId);
    expectGapFree(history);
    const byClientId = new Map<string, number>();
    for (const m of history) byClientId.set(m.clientMsgId!, (byClientId.get(m.clientMsgId!) ?? 0) + 1);
    for (const n of byClientId.values()) expect(n).toBe(1);
    for (const m of acked) {
      const stored = history.find((h) => h.id === m.id);
      expect(stored).toEqual(m);
    }
    expect(history).toHaveLength(TOTAL);
    // live delivery never duplicates (at most once; history fills any gap)
    const live = client.received.filter((m) => m.roomId === roomId).map((m) => m.id);
    expect(new Set(live).size).toBe(live.length);
  }, 120000);
});

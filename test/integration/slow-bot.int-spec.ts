import { createServer, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { freePort } from '@hihi/infra';
import { CLIENT_EVENTS, Message } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, Client, connect, makeUser, provision, until } from './chat-helpers';

const SLOW_MS = 10_000;

/**
 * The whole stack with BOT=llm against a local OpenAI-compatible endpoint that takes 10 s to
 * start answering: the sender's ack does not wait for the bot, and the duck's answer still comes,
 * streamed into its reply.
 */
describe('a bot that takes 10 s never delays a send (real processes)', () => {
  let llm: Server;
  let stack: Stack;
  const clients: Client[] = [];

  beforeAll(async () => {
    const port = await freePort();
    llm = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (const piece of ['嘎嘎，', '我想了', '十秒钟。']) {
            res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: piece } }] })}\n\n`);
          }
          res.end('data: [DONE]\n\n');
        }, SLOW_MS);
      });
    });
    await new Promise<void>((r) => llm.listen(port, '127.0.0.1', r));
    stack = new Stack({
      env: { BOT: 'llm', LLM_URL: `http://127.0.0.1:${port}/v1`, LLM_MODEL: 'slow-test', LLM_TIMEOUT_MS: '30000' },
    });
    await stack.start();
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack?.stop();
    await new Promise((r) => llm.close(r));
  }, 30_000);

  it('acks at once; the duck answers ~10 s later as a stored message', async () => {
    const alice = makeUser(stack);
    await provision(stack, alice);
    const rooms = await fetch(`${stack.url}/api/rooms`, { headers: { authorization: `Bearer ${alice.token}` } });
    const duckRoom = ((await rooms.json()) as { id: string; kind: string }[]).find((r) => r.kind === 'bot')!;
    const a = await connect(stack.url, alice.token);
    clients.push(a);
    expect((await ack(a, CLIENT_EVENTS.roomJoin, { roomId: duckRoom.id })).ok).toBe(true);

    const t0 = Date.now();
    const sent = await ack(a, CLIENT_EVENTS.messageSend, {
      roomId: duckRoom.id,
      text: 'think about this slowly',
      clientMsgId: randomUUID(),
    });
    const ackMs = Date.now() - t0;
    expect(sent.ok).toBe(true);
    expect(ackMs).toBeLessThan(1000);
    // a second message is not held up either
    const t1 = Date.now();
    expect(
      (await ack(a, CLIENT_EVENTS.messageSend, { roomId: duckRoom.id, text: 'and this', clientMsgId: randomUUID() }))
        .ok,
    ).toBe(true);
    expect(Date.now() - t1).toBeLessThan(1000);

    const fromDuck = () => a.received.filter((m: Message) => m.sender.bot && m.seq > sent.message.seq);
    expect(await until(() => fromDuck().length > 0, SLOW_MS + 15_000, 100)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(SLOW_MS - 500);
    process.stderr.write(`slow bot: send acked in ${ackMs} ms, the duck answered after ${Date.now() - t0} ms\n`);
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, joinRoom, makeUser, sleep, TestUser } from './chat-helpers';

/**
 * Read positions off the hot path (docs/operations.md "Read positions"): marks wait in memory —
 * coalesced on the gateway, batched in chat — yet unread counts stay exact across kill -9 of
 * chat (an unrecorded mark was never acked; the gateway sends it again) and of the gateway (only
 * the marks it held back, never acked, are lost: those messages are counted again until the
 * client marks again). Wide intervals make the windows easy to hit.
 */
const CHAT_HOLD_MS = 1000;
const GATEWAY_HOLD_MS = 3000;

describe('read positions across kill -9', () => {
  const stack = new Stack({
    env: {
      SEND_RATE_PER_SEC: '1000',
      SEND_BURST: '1000',
      SOCKET_COALESCE_MS: String(GATEWAY_HOLD_MS),
      READ_FLUSH_MS: String(CHAT_HOLD_MS),
    },
  });
  const clients: Client[] = [];
  let roomId = '';
  let sender: Client;
  const seqs: number[] = [];

  const open = async (user: TestUser): Promise<Client> => {
    await joinRoom(stack, user, roomId).catch(() => undefined); // public rooms are joined explicitly (SPEC §7); the owner is a member
    const c = await connect(stack.url, user.token);
    clients.push(c);
    expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    return c;
  };
  const unreadOf = async (user: TestUser): Promise<{ unread: number; lastSeq: number }> => {
    const rooms = await api(stack, user.token, 'GET', '/api/rooms');
    return rooms.body.find((r: { id: string }) => r.id === roomId);
  };
  const settles = async (user: TestUser, want: (r: { unread: number; lastSeq: number }) => boolean, ms = 30000) => {
    const end = Date.now() + ms;
    for (;;) {
      try {
        if (want(await unreadOf(user))) return true;
      } catch {
        /* gateway or chat still coming back */
      }
      if (Date.now() > end) return false;
      await sleep(200);
    }
  };

  beforeAll(async () => {
    await stack.start();
    const owner = makeUser(stack);
    roomId = (await api(stack, owner.token, 'POST', '/api/rooms', { name: `Reads ${randomUUID().slice(0, 8)}` })).body
      .id;
    sender = await open(owner);
    for (let i = 0; i < 10; i++) {
      const r = await ack(sender, CLIENT_EVENTS.messageSend, { roomId, text: `m${i}`, clientMsgId: randomUUID() });
      seqs.push(r.message.seq);
    }
  }, 60000);

  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30000);

  it('kill -9 of chat with marks in its memory: the gateway sends them again, the count is exact', async () => {
    const other = await open(makeUser(stack));
    const reader = makeUser(stack);
    const c = await open(reader);
    // another reader's mark starts chat's batch interval: the next marks wait in chat's memory
    expect((await ack(other, CLIENT_EVENTS.roomRead, { roomId, seq: seqs[1] })).ok).toBe(true);
    const answer = ack(c, CLIENT_EVENTS.roomRead, { roomId, seq: seqs[7] }, 20000).catch(() => undefined);
    await sleep(300);
    stack.proc('chat').proc.kill('SIGKILL');
    stack.spawn('chat');
    // the first answer reports the failure (the mark was never recorded by the killed process) …
    const first = await answer;
    expect(first?.ok).not.toBe(true);
    // … and the gateway's next try records it with the restarted process
    expect(await settles(reader, (r) => r.unread === r.lastSeq - seqs[7])).toBe(true);
  }, 60000);

  it('kill -9 of the gateway: acked marks stay; the one it held back (never acked) is re-counted until marked again', async () => {
    const reader = makeUser(stack);
    let c = await open(reader);
    const acked = ack(c, CLIENT_EVENTS.roomRead, { roomId, seq: seqs[3] }); // goes at once
    c.socket.emit(CLIENT_EVENTS.roomRead, { roomId, seq: seqs[8] }); // held back for GATEWAY_HOLD_MS
    expect((await acked).ok).toBe(true); // recorded (within CHAT_HOLD_MS)
    stack.proc('gateway').proc.kill('SIGKILL');
    stack.spawn('gateway');
    await stack.waitHealthy();
    await sleep(GATEWAY_HOLD_MS);
    // exact as of the last acked mark: the messages after it count as unread again
    const after = await unreadOf(reader);
    expect(after.unread).toBe(after.lastSeq - seqs[3]);
    // the client marks again after reconnecting (apps/web does when it re-joins the open room)
    c = await open(reader);
    expect((await ack(c, CLIENT_EVENTS.roomRead, { roomId, seq: seqs[8] })).ok).toBe(true);
    const marked = await unreadOf(reader);
    expect(marked.unread).toBe(marked.lastSeq - seqs[8]);
  }, 60000);
});

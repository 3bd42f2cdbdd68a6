import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS, ClientEvent, Message, PROTOCOL, SERVER_EVENTS, TypingEvent } from '@hihi/contracts';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, joinRoom, makeUser, sleep, TestUser, until } from './chat-helpers';

/**
 * SPEC §6 "Chatty clients": every socket command is bounded. room:read and typing are coalesced
 * per socket and room (latest wins, at most one per SOCKET_COALESCE_MS); everything else has a
 * per-socket token bucket answering `rate_limited`; a socket that keeps flooding after being told
 * is cut off with `server:disconnect` — and the other members keep chatting.
 */
const COALESCE_MS = 500;
const env = {
  SEND_RATE_PER_SEC: '1000',
  SEND_BURST: '1000',
  SOCKET_COMMAND_RATE_PER_SEC: '20',
  SOCKET_COMMAND_BURST: '40',
  SOCKET_COALESCED_RATE_PER_SEC: '100',
  SOCKET_COALESCED_BURST: '200',
  SOCKET_FLOOD_STRIKES: '100',
  SOCKET_COALESCE_MS: String(COALESCE_MS),
};

interface Flood {
  acks: { ok: boolean; error?: { code: string; retryAfterMs?: number } }[];
  cutOff?: { reason: string; retryAfterMs: number };
  disconnectReason?: string;
}

/** Emit `count` commands without waiting, as a careless bot does; collect what comes back. */
async function flood(
  client: Client,
  event: ClientEvent,
  payload: (i: number) => unknown,
  count: number,
): Promise<Flood> {
  const result: Flood = { acks: [] };
  client.socket.on(SERVER_EVENTS.serverDisconnect, (e: Flood['cutOff']) => (result.cutOff = e));
  client.socket.on('disconnect', (reason: string) => (result.disconnectReason = reason));
  for (let i = 0; i < count && client.socket.connected; i++) {
    client.socket.emit(event, payload(i), (a: Flood['acks'][number]) => result.acks.push(a));
    if (i % 200 === 199) await sleep(1); // let acks and the cut-off in, as a real socket would
  }
  await until(() => result.disconnectReason !== undefined, 15000);
  return result;
}

describe('chatty clients: every socket command bounded', () => {
  const stack = new Stack({ env });
  const clients: Client[] = [];
  let roomId = '';
  let owner: TestUser;
  let memberA: Client;
  let memberB: Client;
  let messageId = '';

  const open = async (user: TestUser): Promise<Client> => {
    await joinRoom(stack, user, roomId).catch(() => undefined); // public rooms are joined explicitly (SPEC §7); the owner is a member
    const c = await connect(stack.url, user.token);
    clients.push(c);
    expect((await ack(c, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    return c;
  };

  beforeAll(async () => {
    await stack.start();
    owner = makeUser(stack);
    roomId = (await api(stack, owner.token, 'POST', '/api/rooms', { name: `Chatty ${randomUUID().slice(0, 8)}` })).body
      .id;
    memberA = await open(makeUser(stack));
    memberB = await open(makeUser(stack));
    const sent = await ack(memberA, CLIENT_EVENTS.messageSend, { roomId, text: 'hello', clientMsgId: randomUUID() });
    expect(sent.ok).toBe(true);
    messageId = sent.message.id;
  }, 60000);

  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30000);

  /** The other members still chat: a send is acked and delivered to the other member. */
  const membersStillChat = async (): Promise<void> => {
    const text = `still here ${randomUUID()}`;
    const r = await ack(memberA, CLIENT_EVENTS.messageSend, { roomId, text, clientMsgId: randomUUID() });
    expect(r.ok).toBe(true);
    expect(await until(() => memberB.received.some((m: Message) => m.text === text), 5000)).toBe(true);
  };

  const commands: [string, ClientEvent, (i: number) => unknown][] = [
    ['room:join (with sinceSeq)', CLIENT_EVENTS.roomJoin, () => ({ roomId, sinceSeq: 0 })],
    ['room:leave', CLIENT_EVENTS.roomLeave, () => ({ roomId })],
    ['message:send', CLIENT_EVENTS.messageSend, (i) => ({ roomId, text: `flood ${i}`, clientMsgId: randomUUID() })],
    ['message:edit', CLIENT_EVENTS.messageEdit, (i) => ({ roomId, messageId, text: `edit ${i}` })],
    ['message:delete', CLIENT_EVENTS.messageDelete, () => ({ roomId, messageId: randomUUID() })],
    ['message:react', CLIENT_EVENTS.messageReact, (i) => ({ roomId, messageId, emoji: '👍', on: i % 2 === 0 })],
    ['room:read', CLIENT_EVENTS.roomRead, () => ({ roomId, seq: 1 })],
    ['typing', CLIENT_EVENTS.typing, (i) => ({ roomId, typing: i % 2 === 0 })],
  ];

  it.each(commands)(
    'a socket flooding %s is answered rate_limited, then cut off; the others keep chatting',
    async (_name, event, payload) => {
      const flooderUser = makeUser(stack);
      const flooder = await open(flooderUser);
      const before = memberB.events.length;
      const started = Date.now();
      const f = await flood(flooder, event, payload, 3000);
      const elapsedMs = Date.now() - started;

      const limited = f.acks.filter((a) => !a.ok && a.error?.code === 'rate_limited');
      expect(limited.length).toBeGreaterThan(0);
      expect(limited.every((a) => (a.error?.retryAfterMs ?? 0) > 0)).toBe(true);
      // bounded: of 3000 commands, at most the bucket (burst + refill) got through
      const coalesced = event === CLIENT_EVENTS.roomRead || event === CLIENT_EVENTS.typing;
      // a join reads history: it costs PROTOCOL.roomJoin.cost tokens
      const cost = event === CLIENT_EVENTS.roomJoin ? PROTOCOL.roomJoin.cost : 1;
      const budget = coalesced ? 200 + (100 * elapsedMs) / 1000 : (40 + (20 * elapsedMs) / 1000) / cost;
      expect(f.acks.filter((a) => a.ok || a.error?.code !== 'rate_limited').length).toBeLessThanOrEqual(budget + 1);
      // then cut off, with the reason first
      expect(f.cutOff?.reason).toMatch(/flooding/);
      expect(f.cutOff?.retryAfterMs).toBeGreaterThan(0);
      expect(f.disconnectReason).toBe('io server disconnect');
      // reconnecting at once gets no fresh budget: the handshake is refused for a while
      await expect(connect(stack.url, flooderUser.token)).rejects.toThrow('rate_limited');
      if (event === CLIENT_EVENTS.typing) {
        // coalesced: the room saw at most one typing state per interval (and the end)
        const typings = memberB.events.slice(before).filter((e) => e.event === SERVER_EVENTS.typing);
        expect(typings.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / COALESCE_MS) + 3);
        // the last state the room saw is "not typing" (ended on disconnect)
        expect(
          await until(() => {
            const last = memberB.events.filter((e) => e.event === SERVER_EVENTS.typing).pop();
            return (last?.args[0] as TypingEvent | undefined)?.typing === false;
          }),
        ).toBe(true);
      }
      await membersStillChat();
    },
    60000,
  );

  it('room:read is coalesced per socket and room: latest wins, every mark acked, the count exact', async () => {
    const reader = makeUser(stack);
    const c = await open(reader);
    const seqs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await ack(memberA, CLIENT_EVENTS.messageSend, { roomId, text: `m${i}`, clientMsgId: randomUUID() });
      seqs.push(r.message.seq);
    }
    const updatesBefore = c.events.filter((e) => e.event === SERVER_EVENTS.roomUpdated).length;
    // a mark per message, as a naive bot does (out of order too): 20 marks within a few ms
    const marks = [...seqs].reverse().slice(0, 5).concat(seqs);
    const acks = await Promise.all(marks.map((seq) => ack(c, CLIENT_EVENTS.roomRead, { roomId, seq })));
    expect(acks.every((a) => a.ok)).toBe(true);
    const last = seqs[seqs.length - 1];
    // the marks that waited were answered by the flush that carried the highest one
    expect(acks[acks.length - 1].room.unread).toBe(0);
    await sleep(COALESCE_MS + 200);
    const updates = c.events.filter((e) => e.event === SERVER_EVENTS.roomUpdated).length - updatesBefore;
    expect(updates).toBeLessThanOrEqual(3); // at most one per interval, not one per mark
    const rooms = await api(stack, reader.token, 'GET', '/api/rooms');
    const room = rooms.body.find((r: { id: string }) => r.id === roomId);
    expect(room.lastSeq).toBeGreaterThanOrEqual(last);
    expect(room.unread).toBe(room.lastSeq - last);
  }, 30000);

  it('a read mark held back is sent when the socket disconnects (never lost)', async () => {
    const reader = makeUser(stack);
    const c = await open(reader);
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      seqs.push(
        (await ack(memberA, CLIENT_EVENTS.messageSend, { roomId, text: `d${i}`, clientMsgId: randomUUID() })).message
          .seq,
      );
    }
    expect((await ack(c, CLIENT_EVENTS.roomRead, { roomId, seq: seqs[0] })).ok).toBe(true);
    c.socket.emit(CLIENT_EVENTS.roomRead, { roomId, seq: seqs[2] }); // held back: the interval is not over
    await sleep(50);
    c.socket.close();
    expect(
      await untilAsync(async () => {
        const rooms = await api(stack, reader.token, 'GET', '/api/rooms');
        const room = rooms.body.find((r: { id: string }) => r.id === roomId);
        return room.unread === room.lastSeq - seqs[2];
      }),
    ).toBe(true);
  }, 30000);

  it('typing ends are never lost: a held-back end, and a typing still on, end when the socket goes', async () => {
    for (const endFirst of [true, false]) {
      const typist = makeUser(stack);
      const c = await open(typist);
      const seen = (): TypingEvent[] =>
        memberB.events
          .filter((e) => e.event === SERVER_EVENTS.typing)
          .map((e) => e.args[0] as TypingEvent)
          .filter((t) => t.user.id === typist.id);
      expect((await ack(c, CLIENT_EVENTS.typing, { roomId, typing: true })).ok).toBe(true);
      expect(await until(() => seen().length === 1)).toBe(true);
      if (endFirst) expect((await ack(c, CLIENT_EVENTS.typing, { roomId, typing: false })).ok).toBe(true);
      c.socket.close();
      expect(await until(() => seen().length === 2)).toBe(true);
      expect(seen().map((t) => t.typing)).toEqual([true, false]);
    }
  }, 30000);
});

/** until() with an async predicate. */
async function untilAsync(pred: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return true;
    await sleep(50);
  }
  return pred();
}

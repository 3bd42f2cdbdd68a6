import { randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import { CLIENT_EVENTS, Message, SERVER_EVENTS, SOCKET_PATH } from '@hihi/contracts';
import { freePort } from '@hihi/infra';
import { Stack, ServiceProc } from '../support/stack';
import { api, expectGapFree, fullHistory, makeUser, sleep, TestUser, until, joinRoom } from './chat-helpers';

/**
 * A client as a real one behaves: it knows every gateway (as a load balancer would), moves to
 * another when told to reconnect or cut off, rejoins with `sinceSeq`, and resends what was not
 * acked with the same clientMsgId.
 */
class ResilientClient {
  socket?: Socket;
  readonly acked: Message[] = [];
  /** message id → deliveries to this client (live events and rejoin catch-up) */
  readonly seen = new Map<string, number>();
  /** live deliveries per connection, to catch a socket that gets one message twice */
  duplicateLive = 0;
  /** times a gateway told this client to reconnect (graceful shutdown) */
  toldToReconnect = 0;
  private lastSeq = 0;
  private connecting?: Promise<void>;

  constructor(
    private readonly urls: () => string[],
    private readonly user: TestUser,
    private readonly roomId: string,
    private index: number,
  ) {}

  private record(m: Message): void {
    if (m.roomId !== this.roomId) return;
    this.seen.set(m.id, (this.seen.get(m.id) ?? 0) + 1);
    this.lastSeq = Math.max(this.lastSeq, m.seq);
  }

  ensure(): Promise<void> {
    if (this.socket?.connected) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    for (;;) {
      const urls = this.urls();
      const url = urls[this.index % urls.length];
      const socket = io(url, {
        path: SOCKET_PATH,
        auth: { token: this.user.token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 2000,
      });
      const ok = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('connect_error', () => resolve(false));
      });
      if (!ok) {
        socket.close();
        this.index++;
        await sleep(100);
        continue;
      }
      const liveIds = new Set<string>();
      socket.on(SERVER_EVENTS.messageNew, (m: Message) => {
        if (liveIds.has(m.id)) this.duplicateLive++;
        liveIds.add(m.id);
        this.record(m);
      });
      socket.on(SERVER_EVENTS.serverReconnect, () => {
        this.toldToReconnect++;
        socket.close();
        this.index++;
      });
      socket.on('disconnect', () => {
        if (this.socket === socket) this.socket = undefined;
      });
      try {
        const joined = await socket
          .timeout(4000)
          .emitWithAck(CLIENT_EVENTS.roomJoin, { roomId: this.roomId, sinceSeq: this.lastSeq });
        if (!joined.ok) throw new Error(joined.error.code);
        for (const m of joined.messages as Message[]) this.record(m);
      } catch {
        socket.close();
        this.index++;
        await sleep(100);
        continue;
      }
      this.socket = socket;
      return;
    }
  }

  async send(text: string): Promise<void> {
    const clientMsgId = randomUUID();
    for (;;) {
      await this.ensure();
      try {
        const r = await this.socket!.timeout(4000).emitWithAck(CLIENT_EVENTS.messageSend, {
          roomId: this.roomId,
          text,
          clientMsgId,
        });
        if (r.ok) {
          this.acked.push(r.message as Message);
          return;
        }
      } catch {
        /* ack timeout or socket gone: retry with the same clientMsgId */
      }
      await sleep(100);
    }
  }

  close(): void {
    this.socket?.close();
  }
}

async function sigterm(p: ServiceProc): Promise<number> {
  const t0 = Date.now();
  await p.stop(15000);
  return Date.now() - t0;
}

describe('rolling restart of every service under traffic (real processes)', () => {
  const stack = new Stack({ env: { SEND_RATE_PER_SEC: '1000', SEND_BURST: '1000' } });
  const clients: ResilientClient[] = [];
  const gatewayUrls: string[] = [];
  beforeAll(async () => {
    await stack.start();
    const port2 = await freePort();
    stack.spawn('chat');
    stack.spawn('gateway', { PORT: String(port2) });
    gatewayUrls.push(stack.url, `http://127.0.0.1:${port2}`);
    await stack.waitHealthy(gatewayUrls[1]);
  }, 90000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await stack.stop();
  }, 60000);

  it('loses no acked message, stores none twice, keeps seqs gap-free; each process exits in time', async () => {
    const owner = makeUser(stack);
    const created = await api(stack, owner.token, 'POST', '/api/rooms', {
      name: `Rolling ${randomUUID().slice(0, 8)}`,
    });
    expect(created.status).toBe(201);
    const roomId: string = created.body.id;
    const users = [makeUser(stack), makeUser(stack)];
    for (const u of users) await joinRoom(stack, u, roomId);
    users.forEach((u, i) => clients.push(new ResilientClient(() => gatewayUrls, u, roomId, i)));
    await Promise.all(clients.map((c) => c.ensure()));

    const PER_CLIENT = 120;
    const senders = clients.map(async (c, ci) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        await c.send(`client ${ci} message ${i}`);
        await sleep(20);
      }
    });
    const stopTimes: Record<string, number> = {};
    const chaos = (async () => {
      await sleep(800);
      // chat: stop one of two, start a replacement
      const chat = stack.procs.find((p) => p.service === 'chat' && p.proc.exitCode === null)!;
      stopTimes.chat = await sigterm(chat);
      stack.spawn('chat');
      await sleep(800);
      // gateway: stop the first, start a replacement on the same port (what a load balancer sees)
      const gw = stack.proc('gateway');
      stopTimes.gateway = await sigterm(gw);
      stack.spawn('gateway');
      await stack.waitHealthy(gatewayUrls[0]);
      await sleep(500);
      // auth: stop and replace
      stopTimes.auth = await sigterm(stack.proc('auth'));
      stack.spawn('auth');
      await stack.waitHealthy(gatewayUrls[0]);
    })();
    await Promise.all([...senders, chaos]);

    // the stopped gateway told its clients to go elsewhere before closing
    expect(clients.reduce((n, c) => n + c.toldToReconnect, 0)).toBeGreaterThanOrEqual(1);
    for (const [service, ms] of Object.entries(stopTimes))
      expect({ service, ms: ms < 15000 }).toEqual({ service, ms: true });

    const history = await fullHistory(stack, owner.token, roomId);
    expectGapFree(history);
    const ids = history.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = history.map((m) => `${m.sender.id}/${m.clientMsgId}`);
    expect(new Set(keys).size).toBe(keys.length);
    const stored = new Set(ids);
    const acked = clients.flatMap((c) => c.acked);
    expect(acked).toHaveLength(PER_CLIENT * clients.length);
    for (const m of acked) expect(stored.has(m.id)).toBe(true);
    expect(history).toHaveLength(PER_CLIENT * clients.length);

    // every client ends up with every message, and no socket got one twice
    for (const c of clients) {
      await c.ensure();
      await c.send('final');
    }
    const finalHistory = await fullHistory(stack, owner.token, roomId);
    for (const c of clients) {
      expect(await until(() => finalHistory.every((m) => c.seen.has(m.id)), 5000)).toBe(true);
      expect(c.duplicateLive).toBe(0);
    }
  }, 120000);
});

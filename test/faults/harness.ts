import { createServer, connect as tcpConnect, Server, Socket as TcpSocket } from 'node:net';
import { io, Socket } from 'socket.io-client';
import { randomBytes } from 'node:crypto';
import { BenchStack } from '../../bench/lib/stack';
import { benchUserId, mintAccessToken } from '../../bench/lib/tokens';
import { httpJson } from '../../bench/lib/targets';
import { sleep } from '../../libs/infra/src/net';

/** A TCP round-robin balancer over the live gateways (what Caddy does in docker compose). */
export class TcpBalancer {
  private server?: Server;
  private next = 0;
  readonly conns = new Set<TcpSocket>();
  port = 0;
  constructor(private readonly backends: () => number[]) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      this.conns.add(client);
      client.on('close', () => this.conns.delete(client));
      client.on('error', () => undefined);
      client.pause();
      const ports = this.backends();
      const tryBackend = (left: number): void => {
        if (left === 0) return void client.destroy();
        const port = ports[this.next++ % ports.length];
        const up = tcpConnect({ host: '127.0.0.1', port });
        up.once('connect', () => {
          client.pipe(up).pipe(client);
          client.resume();
          up.on('close', () => client.destroy());
          client.on('close', () => up.destroy());
        });
        up.once('error', () => {
          up.destroy();
          tryBackend(left - 1);
        });
      };
      tryBackend(ports.length);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    return this;
  }

  stop(): void {
    for (const c of this.conns) c.destroy();
    this.server?.close();
  }
}

interface Msg {
  id: string;
  roomId: string;
  seq: number;
  clientMsgId?: string;
  sender: { id: string };
}

type AckReply = {
  ok: boolean;
  error?: { code: string; message: string };
  message?: Msg;
  messages?: Msg[];
  hasMore?: boolean;
};

/**
 * A chat client that behaves like a careful real one: reconnects, re-joins its room with the
 * last seq it holds, repairs a seq gap by re-joining, and re-sends an unacked message with the
 * SAME clientMsgId until it is acked. It records everything the checks need.
 */
export class FaultClient {
  socket!: Socket;
  /** seq → message id, everything this client holds */
  readonly held = new Map<number, string>();
  /** live message:new events for a seq already received live (the server delivered it twice) */
  duplicates = 0;
  /**
   * live message:new events for a seq this client had fetched from history (a catch-up or a gap
   * repair) first: a retried send republishes a message whose first publish was lost in the
   * fault, and the gateway, which never saw the first, emits it once. Harmless — a client keeps
   * messages by seq and id, as apps/web does — so counted, not failed.
   */
  liveAfterHistory = 0;
  /** seqs this client holds from history rather than from a live event */
  private readonly fromHistory = new Set<number>();
  /** seqs obtained by repairing a gap (live delivery missed while connected) */
  repaired = 0;
  /** ms from each disconnect to re-joined */
  readonly outages: number[] = [];
  readonly acked = new Map<string, Msg>();
  sendFailures: Record<string, number> = {};
  private downSince = 0;
  private syncing = false;
  private closed = false;
  private sent = 0;
  lastAckAt = 0;
  private readonly waiters: (() => void)[] = [];
  readonly user: string;
  readonly userId: string;

  constructor(
    private readonly url: () => string,
    private readonly token: string,
    readonly roomId: string,
    name: string,
    userId: string,
  ) {
    this.user = name;
    this.userId = userId;
  }

  get lastSeq(): number {
    let s = 0;
    while (this.held.has(s + 1)) s++;
    return s;
  }

  get maxSeq(): number {
    return Math.max(0, ...this.held.keys());
  }

  connect(): Promise<void> {
    this.closed = false;
    this.socket = io(this.url(), {
      transports: ['websocket'],
      auth: { token: this.token },
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
      forceNew: true,
    });
    this.socket.on('message:new', (m: Msg) => {
      if (m.roomId !== this.roomId) return;
      if (this.held.has(m.seq)) {
        if (this.held.get(m.seq) !== m.id) return;
        if (this.fromHistory.delete(m.seq)) this.liveAfterHistory++;
        else this.duplicates++;
        return;
      }
      this.held.set(m.seq, m.id);
      if (m.seq > this.lastSeq + 1 && !this.syncing) {
        // a gap: something was not delivered live; repair (counted)
        setTimeout(() => {
          if (this.maxSeq > this.lastSeq + 1) void this.sync(true);
        }, 500);
      }
    });
    this.socket.on('disconnect', () => {
      if (!this.downSince) this.downSince = performance.now();
    });
    this.socket.on('connect', () => void this.sync(false));
    return this.whenJoined(15000);
  }

  /** room:join with sinceSeq = what we hold contiguously; pages on with REST when hasMore. */
  async sync(repair: boolean): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      for (let attempt = 0; attempt < 50 && !this.closed; attempt++) {
        if (!this.socket.connected) return;
        const since = this.lastSeq;
        const a = (await this.socket
          .timeout(5000)
          .emitWithAck('room:join', { roomId: this.roomId, sinceSeq: since })
          .catch(() => undefined)) as AckReply | undefined;
        if (!a?.ok) {
          await sleep(200);
          continue;
        }
        let msgs = a.messages ?? [];
        let more = a.hasMore ?? false;
        const take = (list: Msg[]) => {
          for (const m of list)
            if (!this.held.has(m.seq)) {
              this.held.set(m.seq, m.id);
              this.fromHistory.add(m.seq);
              if (repair) this.repaired++;
            }
        };
        take(msgs);
        while (more) {
          const r = await httpJson(
            `${this.url()}/api/rooms/${this.roomId}/messages?afterSeq=${this.lastSeq}&limit=100`,
            'GET',
            undefined,
            { authorization: `Bearer ${this.token}` },
          );
          const page = r.body as { messages?: Msg[]; hasMore?: boolean };
          if (r.status !== 200 || !page.messages) {
            await sleep(200);
            continue;
          }
          msgs = page.messages;
          take(msgs);
          more = !!page.hasMore && msgs.length > 0;
        }
        if (this.downSince) {
          this.outages.push(performance.now() - this.downSince);
          this.downSince = 0;
        }
        for (const f of this.waiters.splice(0)) f();
        return;
      }
    } finally {
      this.syncing = false;
    }
  }

  /** Send one message, retrying with the same clientMsgId until acked (or `giveUpMs`). */
  async send(giveUpMs = 60000): Promise<void> {
    const clientMsgId = `f-${this.user}-${++this.sent}`;
    const until = performance.now() + giveUpMs;
    while (performance.now() < until && !this.closed) {
      if (!this.socket.connected) {
        await sleep(100);
        continue;
      }
      const a = (await this.socket
        .timeout(4000)
        .emitWithAck('message:send', { roomId: this.roomId, text: `fault test ${clientMsgId}`, clientMsgId })
        .catch(() => ({ ok: false, error: { code: 'timeout', message: '' } }))) as AckReply;
      if (a.ok && a.message) {
        this.acked.set(clientMsgId, a.message);
        this.lastAckAt = performance.now();
        return;
      }
      const code = a.error?.code ?? 'unknown';
      this.sendFailures[code] = (this.sendFailures[code] ?? 0) + 1;
      await sleep(code === 'rate_limited' ? 500 : 200);
    }
  }

  /** Drop the connection for a while (the client is "away"). */
  disconnect(): void {
    this.downSince = performance.now();
    this.socket.disconnect();
  }

  /** resolves at the next successful (re-)join */
  whenJoined(timeoutMs = 30000): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.user}: not joined within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async reconnect(): Promise<void> {
    const p = this.whenJoined();
    this.socket.connect();
    await p;
  }

  close(): void {
    this.closed = true;
    this.socket?.disconnect();
  }
}

export interface World {
  stack: BenchStack;
  lb?: TcpBalancer;
  url: string;
  roomId: string;
  clients: FaultClient[];
  token(i: number): string;
}

/** Stack + a room + n careful clients joined to it (through a balancer when there are 2 gateways). */
export async function world(opts: { gateways?: number; clients?: number } = {}): Promise<World> {
  const stack = await new BenchStack({ gateways: opts.gateways ?? 1 }).start();
  let lb: TcpBalancer | undefined;
  if ((opts.gateways ?? 1) > 1) {
    // a dead gateway refuses the connection and the balancer tries the next one
    lb = await new TcpBalancer(() => stack.gatewayPorts).start();
  }
  const url = lb ? `http://127.0.0.1:${lb.port}` : stack.url;
  const run = randomBytes(3).toString('hex');
  const token = (i: number) => mintAccessToken(stack.jwtSecret, benchUserId(run, i), `fault${run}u${i}`);
  const r = await httpJson(
    `${url}/api/rooms`,
    'POST',
    { name: `faults-${run}` },
    { authorization: `Bearer ${token(0)}` },
  );
  const roomId = (r.body as { id: string }).id;
  if (r.status !== 201) throw new Error(`create room: ${r.status} ${JSON.stringify(r.body)}`);
  // public rooms are joined explicitly (SPEC §7); client 0 created it
  for (let i = 1; i < (opts.clients ?? 6); i++) {
    const j = await httpJson(`${url}/api/rooms/${roomId}/join`, 'POST', undefined, {
      authorization: `Bearer ${token(i)}`,
    });
    if (j.status !== 200) throw new Error(`join room: ${j.status} ${JSON.stringify(j.body)}`);
  }
  const clients = Array.from(
    { length: opts.clients ?? 6 },
    (_, i) => new FaultClient(() => url, token(i), roomId, `fault${run}u${i}`, benchUserId(run, i)),
  );
  for (const c of clients) await c.connect();
  return { stack, lb, url, roomId, clients, token };
}

/** Steady load: every client sends one message every `periodMs` (staggered) until stopped. */
export function steadyLoad(w: World, periodMs = 1500): { stop: () => Promise<void> } {
  let running = true;
  const loops = w.clients.map(async (c, i) => {
    await sleep((periodMs / w.clients.length) * i);
    while (running) {
      const t0 = performance.now();
      await c.send();
      await sleep(Math.max(0, periodMs - (performance.now() - t0)));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

export interface Verdict {
  acked: number;
  stored: number;
  lost: string[];
  storedTwice: string[];
  gaps: number[];
  clientsMissing: { user: string; missing: number }[];
  duplicates: number;
  liveAfterHistory: number;
  repaired: number;
  maxOutageMs: number;
  sendFailures: Record<string, number>;
}

/**
 * After the load stops: the room's stored history (REST) must be seq 1..N without gaps, hold each
 * acked message exactly once, and every client must hold all of it (after one last catch-up,
 * which a real client does on its next reconnect) with no message delivered twice.
 */
export async function verdict(w: World): Promise<Verdict> {
  await sleep(1500);
  const all: Msg[] = [];
  let after = 0;
  for (;;) {
    const r = await httpJson(`${w.url}/api/rooms/${w.roomId}/messages?afterSeq=${after}&limit=100`, 'GET', undefined, {
      authorization: `Bearer ${w.token(0)}`,
    });
    const page = r.body as { messages: Msg[]; hasMore: boolean };
    if (r.status !== 200) throw new Error(`history: ${r.status} ${JSON.stringify(r.body)}`);
    all.push(...page.messages);
    if (!page.hasMore || !page.messages.length) break;
    after = page.messages[page.messages.length - 1].seq;
  }
  const gaps: number[] = [];
  all.forEach((m, i) => {
    if (m.seq !== i + 1) gaps.push(i + 1);
  });
  const byCid = new Map<string, number>();
  for (const m of all)
    if (m.clientMsgId)
      byCid.set(`${m.sender.id}|${m.clientMsgId}`, (byCid.get(`${m.sender.id}|${m.clientMsgId}`) ?? 0) + 1);
  const lost: string[] = [];
  let acked = 0;
  const storedIds = new Set(all.map((m) => m.id));
  for (const c of w.clients)
    for (const [cid, m] of c.acked) {
      acked++;
      if (!storedIds.has(m.id) || !byCid.has(`${c.userId}|${cid}`)) lost.push(cid);
    }
  const storedTwice = [...byCid.entries()].filter(([, n]) => n > 1).map(([k]) => k);
  for (const c of w.clients) if (c.socket.connected) await c.sync(true);
  const clientsMissing = w.clients
    .map((c) => ({ user: c.user, missing: all.filter((m) => c.held.get(m.seq) !== m.id).length }))
    .filter((x) => x.missing > 0);
  const sendFailures: Record<string, number> = {};
  for (const c of w.clients)
    for (const [k, v] of Object.entries(c.sendFailures)) sendFailures[k] = (sendFailures[k] ?? 0) + v;
  return {
    acked,
    stored: all.length,
    lost,
    storedTwice,
    gaps,
    clientsMissing,
    duplicates: w.clients.reduce((a, c) => a + c.duplicates, 0),
    liveAfterHistory: w.clients.reduce((a, c) => a + c.liveAfterHistory, 0),
    repaired: w.clients.reduce((a, c) => a + c.repaired, 0),
    maxOutageMs: Math.round(Math.max(0, ...w.clients.flatMap((c) => c.outages))),
    sendFailures,
  };
}

export function expectClean(v: Verdict, opts: { maxOutageMs?: number } = {}): void {
  process.stderr.write(
    `verdict: ${JSON.stringify({ ...v, lost: v.lost.length, storedTwice: v.storedTwice.length, gaps: v.gaps.length })}\n`,
  );
  expect(v.acked).toBeGreaterThan(0);
  expect(v.lost).toEqual([]);
  expect(v.storedTwice).toEqual([]);
  expect(v.gaps).toEqual([]);
  expect(v.duplicates).toBe(0);
  expect(v.clientsMissing).toEqual([]);
  expect(v.maxOutageMs).toBeLessThanOrEqual(opts.maxOutageMs ?? 5000);
}

/** ms from `since` until some client gets a send acked (the system is back), or -1 after timeoutMs. */
export async function backAfter(w: World, since: number, timeoutMs = 30000): Promise<number> {
  while (performance.now() - since < timeoutMs) {
    const last = Math.max(...w.clients.map((c) => c.lastAckAt));
    if (last > since) return Math.round(last - since);
    await sleep(50);
  }
  return -1;
}

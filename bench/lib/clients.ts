import { io, Socket } from 'socket.io-client';
import WebSocket from 'ws';

/** What a receiver needs of a delivered message. */
export interface Delivered {
  roomId: string;
  seq: number;
  clientMsgId?: string;
}

export interface Ack {
  ok: boolean;
  message?: Delivered;
  error?: { code: string; message: string };
}

export type SystemKind = 'ws' | 'sio' | 'hihi';

export interface ConnectOptions {
  /** http://127.0.0.1:port */
  url: string;
  /** user id / name (baselines) */
  user: string;
  /** access token (hihi) */
  token?: string;
  /** source address, e.g. 127.0.0.7, to spread ephemeral ports */
  localAddress?: string;
  onMessage?: (m: Delivered) => void;
  /** called when the connection drops */
  onClose?: () => void;
  /** reconnect automatically (Socket.IO clients; fault tests) */
  reconnect?: boolean;
}

/** One client connection, the same interface for the three systems. */
export interface Conn {
  join(roomId: string, sinceSeq?: number): Promise<Ack>;
  send(roomId: string, text: string, clientMsgId: string): Promise<Ack>;
  close(): void;
  readonly connected: boolean;
  /** the underlying Socket.IO socket (hihi / sio only) */
  readonly socket?: Socket;
}

const ACK_TIMEOUT_MS = 10_000;

class WsConn implements Conn {
  private acks = new Map<number, (a: Ack) => void>();
  private next = 1;
  constructor(
    private readonly ws: WebSocket,
    onMessage?: (m: Delivered) => void,
  ) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as { e: string; a?: number; ok?: boolean; m?: Delivered };
      if (f.e === 'new') onMessage?.(f.m!);
      else if (f.e === 'ack') {
        const cb = this.acks.get(f.a!);
        this.acks.delete(f.a!);
        cb?.({ ok: !!f.ok, message: f.m });
      }
    });
  }
  get connected(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }
  private request(frame: Record<string, unknown>): Promise<Ack> {
    return new Promise((resolve) => {
      const a = this.next++;
      const timer = setTimeout(() => {
        this.acks.delete(a);
        resolve({ ok: false, error: { code: 'timeout', message: 'no ack' } });
      }, ACK_TIMEOUT_MS);
      this.acks.set(a, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.ws.send(JSON.stringify({ ...frame, a }));
    });
  }
  join(roomId: string): Promise<Ack> {
    return this.request({ e: 'join', r: roomId });
  }
  send(roomId: string, text: string, clientMsgId: string): Promise<Ack> {
    return this.request({ e: 'send', r: roomId, x: text, c: clientMsgId });
  }
  close(): void {
    this.ws.terminate();
  }
}

class SioConn implements Conn {
  constructor(readonly socket: Socket) {}
  get connected(): boolean {
    return this.socket.connected;
  }
  private request(event: string, payload: unknown): Promise<Ack> {
    return this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck(event, payload)
      .then(
        (a: Ack) => a,
        () => ({ ok: false, error: { code: 'timeout', message: 'no ack' } }),
      );
  }
  join(roomId: string, sinceSeq?: number): Promise<Ack> {
    return this.request('room:join', sinceSeq === undefined ? { roomId } : { roomId, sinceSeq });
  }
  send(roomId: string, text: string, clientMsgId: string): Promise<Ack> {
    return this.request('message:send', { roomId, text, clientMsgId });
  }
  close(): void {
    this.socket.disconnect();
  }
}

/**
 * A lean Socket.IO client speaking the wire protocol (Engine.IO v4 + Socket.IO v5 over a bare
 * `ws` WebSocket: "0" open, "40" connect, "42[…]" event, "42<id>[…]" / "43<id>[…]" ack, "2"/"3"
 * ping/pong). It costs the generator about half the CPU of socket.io-client per received
 * message, so the generator saturates later; the server cannot tell the difference.
 */
class RawSioConn implements Conn {
  private acks = new Map<number, (a: Ack) => void>();
  private next = 1;
  private open = false;
  constructor(
    private readonly ws: WebSocket,
    auth: Record<string, unknown>,
    onMessage: ((m: Delivered) => void) | undefined,
    onConnect: (err?: Error) => void,
  ) {
    ws.on('message', (data) => {
      const f = data.toString();
      const c = f.charCodeAt(0);
      if (c === 52 /* 4: socket.io packet */) {
        const t = f.charCodeAt(1);
        if (t === 50 /* 2: event */) {
          // only message:new is parsed (presence lists can be large and are not measured)
          if (onMessage && f.startsWith('42["message:new",'))
            onMessage((JSON.parse(f.slice(2)) as [string, Delivered])[1]);
        } else if (t === 51 /* 3: ack */) {
          const b = f.indexOf('[');
          const id = Number(f.slice(2, b));
          const cb = this.acks.get(id);
          this.acks.delete(id);
          cb?.((JSON.parse(f.slice(b)) as Ack[])[0]);
        } else if (t === 48 /* 0: connect */) {
          this.open = true;
          onConnect();
        } else if (t === 52 /* 4: connect_error */) {
          const e = JSON.parse(f.slice(2)) as { message?: string };
          onConnect(new Error(e.message ?? 'connect_error'));
        }
      } else if (c === 50 /* 2: ping */) ws.send('3');
      else if (c === 48 /* 0: engine.io open */) ws.send(`40${JSON.stringify(auth)}`);
    });
  }
  get connected(): boolean {
    return this.open && this.ws.readyState === WebSocket.OPEN;
  }
  private request(event: string, payload: unknown): Promise<Ack> {
    return new Promise((resolve) => {
      const id = this.next++;
      const timer = setTimeout(() => {
        this.acks.delete(id);
        resolve({ ok: false, error: { code: 'timeout', message: 'no ack' } });
      }, ACK_TIMEOUT_MS);
      this.acks.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }
  join(roomId: string, sinceSeq?: number): Promise<Ack> {
    return this.request('room:join', sinceSeq === undefined ? { roomId } : { roomId, sinceSeq });
  }
  send(roomId: string, text: string, clientMsgId: string): Promise<Ack> {
    return this.request('message:send', { roomId, text, clientMsgId });
  }
  close(): void {
    this.open = false;
    this.ws.terminate();
  }
}

/** Which client library drives Socket.IO targets: the lean protocol client or socket.io-client. */
export let SIO_CLIENT: 'raw' | 'socket.io-client' = 'raw';
export function useSocketIoClient(which: 'raw' | 'socket.io-client'): void {
  SIO_CLIENT = which;
}

/** Connect one client; resolves once the connection is open (rejects on failure). */
export function connect(
  kind: SystemKind,
  o: ConnectOptions,
  timeoutMs = 20_000,
  lean = SIO_CLIENT === 'raw',
): Promise<Conn> {
  if (kind !== 'ws' && lean && !o.reconnect) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${o.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
        localAddress: o.localAddress,
        perMessageDeflate: false,
        handshakeTimeout: timeoutMs,
      });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      const conn = new RawSioConn(ws, kind === 'hihi' ? { token: o.token } : { u: o.user }, o.onMessage, (err) => {
        clearTimeout(timer);
        if (err) {
          ws.terminate();
          reject(err);
        } else resolve(conn);
      });
      ws.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      ws.once('close', () => o.onClose?.());
    });
  }
  if (kind === 'ws') {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${o.url.replace(/^http/, 'ws')}/?u=${encodeURIComponent(o.user)}`, {
        localAddress: o.localAddress,
        perMessageDeflate: false,
        handshakeTimeout: timeoutMs,
      });
      const conn = new WsConn(ws, o.onMessage);
      ws.once('open', () => resolve(conn));
      ws.once('error', reject);
      ws.once('close', () => o.onClose?.());
    });
  }
  return new Promise((resolve, reject) => {
    const socket = io(o.url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: kind === 'hihi' ? { token: o.token } : { u: o.user },
      reconnection: !!o.reconnect,
      reconnectionDelay: 250,
      reconnectionDelayMax: 1000,
      timeout: timeoutMs,
      forceNew: true,
      localAddress: o.localAddress,
    } as Parameters<typeof io>[1]);
    if (o.onMessage) socket.on('message:new', o.onMessage);
    socket.on('disconnect', () => o.onClose?.());
    const conn = new SioConn(socket);
    socket.once('connect', () => resolve(conn));
    socket.once('connect_error', (e) => {
      if (!o.reconnect) socket.disconnect();
      reject(e);
    });
  });
}

/** Source addresses 127.0.0.1 … 127.0.0.n, round-robin. */
export function sourceAddress(i: number, n = 16): string {
  return `127.0.0.${1 + (i % n)}`;
}

/** Connect many clients with bounded concurrency. */
export async function connectMany<T>(
  count: number,
  concurrency: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await make(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

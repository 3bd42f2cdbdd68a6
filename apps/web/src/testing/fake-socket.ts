import type { IoFactory } from '../app/core/socket/socket.service';

type Handler = (...args: never[]) => void;

interface FakeOpts {
  path?: string;
  auth: (cb: (data: { token: string | null }) => void) => void;
  [key: string]: unknown;
}

/** A stand-in for a socket.io-client Socket, driven by the test. */
export class FakeSocket {
  connected = false;
  active = true;
  readonly handlers = new Map<string, Handler[]>();
  readonly emitted: { event: string; payload: unknown }[] = [];
  connectCalls = 0;
  /** answers emitWithAck; return a value or throw to simulate a timeout */
  ackHandler: (event: string, payload: never) => unknown = () => ({ ok: true });
  lastTimeout = 0;

  constructor(
    readonly uri: string,
    readonly opts: FakeOpts,
  ) {}

  on(event: string, handler: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  removeAllListeners(): this {
    this.handlers.clear();
    return this;
  }
  emit(event: string, payload: unknown): this {
    this.emitted.push({ event, payload });
    return this;
  }
  timeout(ms: number): { emitWithAck: (event: string, payload: unknown) => Promise<unknown> } {
    this.lastTimeout = ms;
    return {
      emitWithAck: async (event: string, payload: unknown) => {
        this.emitted.push({ event, payload });
        return this.ackHandler(event, payload as never);
      },
    };
  }
  connect(): this {
    this.connectCalls++;
    return this;
  }
  disconnect(): this {
    this.connected = false;
    return this;
  }

  /** Test helpers. */
  fire(event: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) (h as (...a: unknown[]) => void)(...args);
  }
  simulateConnect(): void {
    this.connected = true;
    this.fire('connect');
  }
  simulateDisconnect(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }
  /** Resolves the token the `auth` option function hands over. */
  authPayload(): Promise<{ token: string | null }> {
    return new Promise((resolve) => this.opts.auth(resolve));
  }
}

export function fakeIoFactory(): { factory: IoFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const factory = ((uri: string, opts: FakeOpts) => {
    const s = new FakeSocket(uri, opts);
    sockets.push(s);
    return s;
  }) as unknown as IoFactory;
  return { factory, sockets };
}

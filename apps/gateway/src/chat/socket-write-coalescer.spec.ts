import { EventEmitter } from 'node:events';
import { createServer, Server, Socket } from 'node:net';
import { coalesceSocketWrites, CorkableStream, WriteCoalescer } from './socket-write-coalescer';

class FakeStream implements CorkableStream {
  destroyed = false;
  writableCorked = 0;
  corks = 0;
  uncorks = 0;
  cork(): void {
    this.corks++;
    this.writableCorked++;
  }
  uncork(): void {
    this.uncorks++;
    this.writableCorked--;
  }
}

describe('WriteCoalescer', () => {
  let deferred: (() => void)[];
  const defer = (fn: () => void): void => void deferred.push(fn);
  const runTurnEnd = (): void => {
    const fns = deferred;
    deferred = [];
    for (const fn of fns) fn();
  };
  beforeEach(() => (deferred = []));

  it('corks a stream once per turn, however often it is flushed, and uncorks it at the end of the turn', () => {
    const c = new WriteCoalescer(defer);
    const s = new FakeStream();
    c.cork(s);
    c.cork(s);
    c.cork(s);
    expect(s.corks).toBe(1);
    expect(s.writableCorked).toBe(1);
    expect(deferred).toHaveLength(1);
    runTurnEnd();
    expect(s.uncorks).toBe(1);
    expect(s.writableCorked).toBe(0);
    expect(c.size).toBe(0);
    // the next turn corks it again
    c.cork(s);
    expect(s.corks).toBe(2);
    runTurnEnd();
    expect(s.writableCorked).toBe(0);
  });

  it('uncorks every stream of the turn with one deferred call', () => {
    const c = new WriteCoalescer(defer);
    const streams = [new FakeStream(), new FakeStream(), new FakeStream()];
    for (const s of streams) c.cork(s);
    expect(deferred).toHaveLength(1);
    expect(c.size).toBe(3);
    runTurnEnd();
    expect(streams.map((s) => s.writableCorked)).toEqual([0, 0, 0]);
  });

  it('leaves destroyed streams alone', () => {
    const c = new WriteCoalescer(defer);
    const gone = new FakeStream();
    gone.destroyed = true;
    c.cork(gone);
    expect(gone.corks).toBe(0);
    const dying = new FakeStream();
    c.cork(dying);
    dying.destroyed = true;
    runTurnEnd();
    expect(dying.uncorks).toBe(0);
    expect(c.size).toBe(0);
  });

  it("corks only WebSocket connections' TCP sockets on engine.io's flush", () => {
    const engine = new EventEmitter();
    const c = coalesceSocketWrites(engine, new WriteCoalescer(defer));
    const ws = new FakeStream();
    const polling = new FakeStream();
    engine.emit('flush', { transport: { name: 'websocket', socket: { _socket: ws } } });
    engine.emit('flush', { transport: { name: 'polling', socket: { _socket: polling } } });
    engine.emit('flush', { transport: { name: 'websocket', socket: {} } });
    engine.emit('flush', {});
    expect(ws.corks).toBe(1);
    expect(polling.corks).toBe(0);
    expect(c.size).toBe(1);
    runTurnEnd();
    expect(ws.writableCorked).toBe(0);
  });

  describe('on a real TCP socket', () => {
    let server: Server;
    let client: Socket;
    let peer: Socket;
    beforeEach(async () => {
      server = createServer();
      const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      client = new Socket();
      await new Promise<void>((resolve) => client.connect(port, '127.0.0.1', resolve));
      peer = await accepted;
    });
    afterEach(async () => {
      client.destroy();
      peer.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('holds what the turn writes and sends it, in order, once the turn is over', async () => {
      const c = new WriteCoalescer();
      const received: Buffer[] = [];
      client.on('data', (d: Buffer) => received.push(d));
      const written: string[] = [];
      c.cork(peer);
      for (let i = 0; i < 20; i++) {
        peer.write(`frame ${i};`, () => written.push(String(i)));
        // ws corks and uncorks around each frame: the turn's cork still holds
        peer.cork();
        peer.uncork();
      }
      expect(peer.writableCorked).toBe(1);
      expect(peer.writableLength).toBeGreaterThan(0);
      expect(written).toEqual([]);
      const all = Array.from({ length: 20 }, (_, i) => `frame ${i};`).join('');
      await new Promise<void>((resolve) => {
        const check = () => (Buffer.concat(received).toString() === all ? resolve() : setTimeout(check, 5));
        check();
      });
      expect(peer.writableCorked).toBe(0);
      expect(written).toHaveLength(20);
    });
  });
});

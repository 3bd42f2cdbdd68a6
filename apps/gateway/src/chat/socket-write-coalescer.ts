import type { EventEmitter } from 'node:events';

/** The part of a TCP socket the coalescer uses (node:net Socket). */
export interface CorkableStream {
  readonly destroyed: boolean;
  readonly writableCorked: number;
  cork(): void;
  uncork(): void;
}

/** An engine.io connection as the coalescer sees it: its transport, and under a WebSocket one the TCP socket. */
export interface FlushedConnection {
  transport?: { name?: string; socket?: { _socket?: CorkableStream } };
}

/** Sockets corked this turn of the event loop, uncorked together once the turn's I/O is handled. */
export class WriteCoalescer {
  private readonly corked = new Set<CorkableStream>();
  private scheduled = false;

  constructor(private readonly defer: (fn: () => void) => void = (fn) => void setImmediate(fn)) {}

  /** The stream's writes until the end of this turn go out together (one writev). */
  cork(stream: CorkableStream): void {
    if (stream.destroyed || this.corked.has(stream)) return;
    stream.cork();
    this.corked.add(stream);
    if (!this.scheduled) {
      this.scheduled = true;
      this.defer(() => this.uncorkAll());
    }
  }

  /** How many streams are corked now (tests, metrics). */
  get size(): number {
    return this.corked.size;
  }

  uncorkAll(): void {
    this.scheduled = false;
    const streams = [...this.corked];
    this.corked.clear();
    // a stream destroyed meanwhile has dropped what it held; uncorking it is harmless either way
    for (const s of streams) if (!s.destroyed) s.uncork();
  }
}

/**
 * One write per socket per turn of the event loop (issue 24, docs/performance.md "Item 4 again"):
 * engine.io writes each packet of a WebSocket as its own frame, and ws writes each frame with
 * its own `writev` — a system call that on loopback also carries the receiver's side, the
 * gateway's largest cost under load. Everything one turn sends to a socket (the live messages
 * of a Redis read, the acks of its commands, room updates) is instead buffered in the TCP
 * socket (`cork`) from the first flush of the turn and written in one `writev` when the turn's
 * I/O callbacks are done (`setImmediate`): the same bytes in the same order, sub-millisecond
 * later, and fewer system calls the busier the gateway is. Long-polling connections are left
 * alone (each poll is one HTTP response already).
 */
export function coalesceSocketWrites(engine: EventEmitter, coalescer = new WriteCoalescer()): WriteCoalescer {
  engine.on('flush', (conn: FlushedConnection) => {
    const transport = conn.transport;
    if (transport?.name !== 'websocket') return;
    const stream = transport.socket?._socket;
    if (stream && typeof stream.cork === 'function') coalescer.cork(stream);
  });
  return coalescer;
}

import * as hdr from 'hdr-histogram-js';
import { Ack, connect, connectMany, Conn, Delivered, sourceAddress } from './clients';
import { Target } from './targets';
import { CpuMeter, selfCpuMs } from './procstat';
import { sleep } from '../../libs/infra/src/net';

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  // microseconds, 1 µs … 120 s, 3 significant digits
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** ms figures from a µs histogram */
export function summarize(h: Histogram): LatencySummary {
  const ms = (v: number) => Math.round(v / 10) / 100;
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

/** Percentile curve (HDR style) for charts: [percentile, ms] */
export function percentileCurve(h: Histogram): [number, number][] {
  const ps = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100];
  return ps.map((p) => [p, Math.round(h.getValueAtPercentile(p) / 10) / 100]);
}

/** Bucketed histogram for charts: log-spaced ms buckets → counts */
export function buckets(h: Histogram): { upToMs: number; count: number }[] {
  const edges = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 25, 35, 50, 75, 100, 150, 250, 500, 1000, 2500, 1e9];
  let prev = 0;
  return edges.map((e) => {
    const upTo = Math.min(e * 1000, h.maxValue + 1);
    const c = e * 1000 <= prev ? 0 : countBetween(h, prev, upTo);
    prev = Math.max(prev, upTo);
    return { upToMs: e, count: c };
  });
}

function countBetween(h: Histogram, lo: number, hi: number): number {
  if (hi <= lo || h.totalCount === 0) return 0;
  return Math.max(0, Math.round((h.totalCount * (rankOf(h, hi) - rankOf(h, lo))) / 100));
}

function rankOf(h: Histogram, v: number): number {
  // binary search the percentile whose value is ≥ v
  let lo = 0;
  let hi = 100;
  if (v > h.maxValue) return 100;
  if (v <= 0) return 0;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (h.getValueAtPercentile(mid) < v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Wait until the system under test uses < 10 % of a core (sampled over 500 ms), at most 90 s. */
export async function quiesce(cpu: CpuMeter, maxMs = 90_000): Promise<number> {
  const t0 = performance.now();
  let prev = cpu.sample().total;
  while (performance.now() - t0 < maxMs) {
    await sleep(500);
    const now = cpu.sample().total;
    const busy = now - prev;
    prev = now;
    if (busy < 50) break;
  }
  return Math.round(performance.now() - t0);
}

/** A room × member topology of connected clients, all in this process. */
export class Fleet {
  conns: Conn[] = [];
  roomIds: string[] = [];
  /** conns[room * members + k] is member k of room */
  constructor(
    readonly target: Target,
    readonly rooms: number,
    readonly members: number,
    private readonly onDelivery: (m: Delivered) => void,
  ) {}

  async open(
    concurrency = 100,
    joinConcurrency = 200,
  ): Promise<{ connectMs: number; joinMs: number; settleMs: number }> {
    this.roomIds = await this.target.makeRooms(this.rooms, `r${this.rooms}x${this.members}`);
    const n = this.rooms * this.members;
    await connectMany(n, 50, (i) => this.target.joinRoom(this.roomIds[Math.floor(i / this.members)], i));
    const t0 = performance.now();
    // user index = global client index; 0 is the room creator
    this.conns = await connectMany(n, concurrency, (i) =>
      connect(this.target.kind, {
        url: this.target.url,
        user: this.target.userName(i),
        token: this.target.token(i),
        localAddress: sourceAddress(i),
        onMessage: this.onDelivery,
      }),
    );
    const t1 = performance.now();
    // joins go through the bus to chat and the database: bounded concurrency, retried when busy
    const acks = await connectMany(n, joinConcurrency, async (i) => {
      let a: Ack = { ok: false };
      for (let attempt = 0; attempt < 5; attempt++) {
        a = await this.conns[i].join(this.roomIds[Math.floor(i / this.members)]);
        if (a.ok || (a.error?.code !== 'unavailable' && a.error?.code !== 'timeout')) break;
      }
      return a;
    });
    const bad = acks.filter((a) => !a.ok);
    if (bad.length) throw new Error(`${bad.length} room:join failed, e.g. ${JSON.stringify(bad[0])}`);
    const joinMs = Math.round(performance.now() - t1);
    // wait until the system is quiet again (Hihi keeps pushing presence lists after the joins)
    const settleMs = await quiesce(new CpuMeter(this.target.pids()));
    return { connectMs: Math.round(t1 - t0), joinMs, settleMs };
  }

  close(): void {
    for (const c of this.conns) c.close();
    this.conns = [];
  }
}

export interface StepResult {
  offeredDeliveriesPerSec: number;
  offeredMsgsPerSec: number;
  durationSec: number;
  sent: number;
  acked: number;
  ackErrors: Record<string, number>;
  expectedDeliveries: number;
  delivered: number;
  deliveredPerSec: number;
  deliveryRatio: number;
  latency: LatencySummary;
  ackLatency: LatencySummary;
  cpuMs: Record<string, number>;
  cpuUsPerDelivery: number;
  /** CPU µs per acked (stored) message, per process (gateway, chat, postgres, redis …) and total */
  cpuUsPerMessage: Record<string, number>;
  generatorCpuPct: number;
  generatorSaturated: boolean;
  pass?: boolean;
  /** the first attempt at this rate failed and this is the retry */
  retried?: boolean;
  curve?: [number, number][];
  histogram?: { upToMs: number; count: number }[];
}

const TEXT = 'The quick brown fox jumps over the lazy dog — 敏捷的棕色狐狸跳过了懒狗。';

/**
 * Drives a Fleet open-loop: messages are due at fixed times (start + i / rate) whatever the
 * system does; each carries its due time (µs of this process's monotonic clock) in its
 * clientMsgId, so receivers in this process measure latency from the *intended* send time
 * (no coordinated omission).
 */
export class LoadDriver {
  private step = 0;
  private hist = newHistogram();
  private ackHist = newHistogram();
  private delivered = 0;
  private warmUntilUs = 0;
  private readonly prefix = `b${Math.floor(Math.random() * 1e6).toString(36)}`;

  constructor(private readonly cpu: () => CpuMeter) {}

  /** Receiver callback for every delivered message. */
  readonly onDelivery = (m: Delivered): void => {
    const id = m.clientMsgId;
    if (!id) return;
    const parts = id.split('.');
    if (Number(parts[1]) !== this.step) return;
    this.delivered++;
    const due = Number(parts[3]);
    if (due < this.warmUntilUs) return;
    const lat = performance.now() * 1000 - due;
    this.hist.recordValue(lat > 1 ? lat : 1);
  };

  /**
   * @param inject when given, messages are not sent through message:send (chat + database) but
   *   handed to `inject` (which publishes a message:new room event straight to Redis pub/sub):
   *   that measures the gateway's fan-out alone.
   */
  async run(
    fleet: Fleet,
    deliveriesPerSec: number,
    durationSec: number,
    warmupSec = 1,
    drainMs = 3000,
    inject?: (roomId: string, clientMsgId: string, text: string, seq: number) => void,
  ): Promise<StepResult> {
    this.step++;
    this.hist = newHistogram();
    this.ackHist = newHistogram();
    this.delivered = 0;
    const members = fleet.members;
    const msgRate = deliveriesPerSec / members;
    const cpu = this.cpu();
    const c0 = cpu.sample();
    const g0 = selfCpuMs();
    const w0 = performance.now();
    const start = performance.now() + 5;
    this.warmUntilUs = (start + warmupSec * 1000) * 1000;
    const total = Math.round(msgRate * durationSec);
    const ackErrors: Record<string, number> = {};
    let sent = 0;
    let acked = 0;
    const step = this.step;
    const n = fleet.rooms;
    const onAck = (due: number) => (a: Ack) => {
      if (a.ok) {
        acked++;
        if (due >= this.warmUntilUs) this.ackHist.recordValue(Math.max(1, performance.now() * 1000 - due));
      } else {
        const code = a.error?.code ?? 'unknown';
        ackErrors[code] = (ackErrors[code] ?? 0) + 1;
      }
    };
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - start) * msgRate) / 1000) + 1);
        while (sent < due) {
          const i = sent++;
          const dueUs = Math.round((start + (i * 1000) / msgRate) * 1000);
          const room = i % n;
          // rotate senders through every member so per-user send rates stay tiny
          const member = Math.floor(i / n) % members;
          const cid = `${this.prefix}.${step}.${i}.${dueUs}`;
          if (inject) {
            inject(fleet.roomIds[room], cid, TEXT, i + 1);
            acked++;
            continue;
          }
          const conn = fleet.conns[room * members + member];
          conn.send(fleet.roomIds[room], TEXT, cid).then(onAck(dueUs));
        }
        if (sent >= total) resolve();
        else setTimeout(tick, 1);
      };
      setTimeout(tick, Math.max(0, start - performance.now()));
    });
    const expected = sent * members;
    const endSend = performance.now();
    while (this.delivered < expected && performance.now() - endSend < drainMs) await sleep(20);
    await sleep(50);
    const wall = performance.now() - w0;
    const c1 = cpu.sample();
    const g1 = selfCpuMs();
    const cpuMs = CpuMeter.diff(c0, c1);
    const deliveredPerSec = this.delivered / durationSec;
    const genPct = Math.round(((g1 - g0) / wall) * 1000) / 10;
    return {
      offeredDeliveriesPerSec: deliveriesPerSec,
      offeredMsgsPerSec: Math.round(msgRate * 10) / 10,
      durationSec,
      sent,
      acked,
      ackErrors,
      expectedDeliveries: expected,
      delivered: this.delivered,
      deliveredPerSec: Math.round(deliveredPerSec),
      deliveryRatio: Math.round((this.delivered / Math.max(1, expected)) * 10000) / 10000,
      latency: summarize(this.hist),
      ackLatency: summarize(this.ackHist),
      cpuMs,
      cpuUsPerDelivery: Math.round(((cpuMs.total * 1000) / Math.max(1, this.delivered)) * 100) / 100,
      cpuUsPerMessage: Object.fromEntries(
        Object.entries(cpuMs).map(([k, ms]) => [k, Math.round((ms * 1000) / Math.max(1, acked))]),
      ),
      generatorCpuPct: genPct,
      generatorSaturated: genPct >= 90,
      curve: percentileCurve(this.hist),
      histogram: buckets(this.hist),
    };
  }
}

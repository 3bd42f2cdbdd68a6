import { io, Socket } from 'socket.io-client';
import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS, REALTIME, SERVER_EVENTS, SOCKET_PATH } from '../../libs/contracts/src';
import { connect as connectConn, connectMany, Conn, sourceAddress } from './clients';
import { newHistogram, summarize, LatencySummary } from './load';
import { CpuMeter, selfCpuMs } from './procstat';
import { Target } from './targets';

/**
 * The "web clients" scenario (issue 10): one room of N members who connect and join at the same
 * moment — as after a gateway restart — then chat while every client marks the room read the
 * way apps/web does: at most one room:read per REALTIME.readMarkIntervalMs carrying the latest
 * seq (trailing). Rates rise until the target is missed. A bare `ws` server runs the same
 * fan-out (no storage, no read marks) in the same run as the baseline.
 */

export interface WebStep {
  offeredMsgsPerSec: number;
  storedMsgsPerSec: number;
  deliveriesPerSec: number;
  deliveryRatio: number;
  delivery: LatencySummary;
  ack: LatencySummary;
  failedSends: number;
  /** edits and reactions acked per second (the changeShare of the offered rate) */
  changesPerSec: number;
  failedChanges: number;
  readMarksPerSec: number;
  failedReadMarks: number;
  cpuMsPerSec: Record<string, number>;
  pass: boolean;
}

export interface WebClientsResult {
  system: string;
  members: number;
  connectMs: number;
  joinMs: number;
  failedJoins: number;
  steps: WebStep[];
  /** highest rate that passed */
  maxSustained?: WebStep;
}

interface Member {
  send(text: string, clientMsgId: string): Promise<boolean>;
  /** Hihi only: edit one's last message, or toggle a 👍 on a recent message of the room */
  change?(kind: 'edit' | 'react'): Promise<boolean>;
  close(): void;
}

const P99_TARGET_MS = 250;

class ReadMarker {
  private latest = 0;
  private sent = 0;
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly mark: (seq: number) => void,
    /** a mark on every message received (a naive bot), instead of apps/web's one per interval */
    private readonly every = false,
  ) {}

  /** As apps/web: the latest seq, at most once per interval, the last one always sent (trailing). */
  saw(seq: number): void {
    if (seq <= this.latest) return;
    this.latest = seq;
    if (this.every) {
      this.mark(seq);
      return;
    }
    if (this.timer) return;
    const wait = Math.max(0, this.sent + REALTIME.readMarkIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sent = Date.now();
      this.mark(this.latest);
    }, wait);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

export async function webClients(
  target: Target,
  members: number,
  rates: number[],
  stepSec: number,
  cpu: () => CpuMeter,
  log: (s: string) => void,
  /** called when the rate steps start and when they end (CPU profiling) */
  onSteps: () => void = () => undefined,
  /** share of the offered operations that are edits and reactions instead of new messages (0–1) */
  changeShare = 0,
  /** every client marks the room read on every message it receives (issue 24) */
  markEvery = false,
): Promise<WebClientsResult> {
  /** ids of recent messages of the room (reaction targets) */
  const recent: (string | undefined)[] = new Array<string | undefined>(32);
  const sentAt = new Map<string, number>();
  const deliveries = { count: 0, hist: newHistogram() };
  const reads = { sent: 0, failed: 0 };
  const onMessage = (clientMsgId: string | undefined) => {
    const t = clientMsgId ? sentAt.get(clientMsgId) : undefined;
    if (t === undefined) return;
    deliveries.count++;
    deliveries.hist.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
  };
  const [roomId] = await target.makeRooms(1, 'web');
  await connectMany(members, 25, (i) => target.joinRoom(roomId, i));
  const result: WebClientsResult = {
    system: markEvery ? `${target.label} (read mark on every message)` : target.label,
    members,
    connectMs: 0,
    joinMs: 0,
    failedJoins: 0,
    steps: [],
  };
  const t0 = Date.now();
  const markers: ReadMarker[] = [];
  const sockets: Socket[] = [];
  const conns: Conn[] = [];
  let list: Member[];
  if (target.kind === 'hihi') {
    list = await connectMany(members, 25, async (i) => {
      const socket = io(target.url, {
        path: SOCKET_PATH,
        transports: ['websocket'],
        auth: { token: target.token(i) },
        reconnection: false,
        forceNew: true,
        localAddress: sourceAddress(i),
      } as Parameters<typeof io>[1]);
      sockets.push(socket);
      const marker = new ReadMarker((seq) => {
        reads.sent++;
        socket
          .timeout(10_000)
          .emitWithAck(CLIENT_EVENTS.roomRead, { roomId, seq })
          .then((a: { ok: boolean }) => void (a.ok || reads.failed++))
          .catch(() => reads.failed++);
      }, markEvery);
      markers.push(marker);
      let lastOwn: string | undefined;
      let reacted = false;
      socket.on(SERVER_EVENTS.messageNew, (m: { id: string; seq: number; clientMsgId?: string }) => {
        recent[m.seq % recent.length] = m.id;
        onMessage(m.clientMsgId);
        // apps/web marks the room read when a message arrives while the room is open and visible
        marker.saw(m.seq);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return {
        send: async (text, clientMsgId) => {
          try {
            const a = (await socket
              .timeout(10_000)
              .emitWithAck(CLIENT_EVENTS.messageSend, { roomId, text, clientMsgId })) as {
              ok: boolean;
              message?: { id: string };
            };
            if (a.ok) lastOwn = a.message?.id;
            return a.ok;
          } catch {
            return false;
          }
        },
        change: async (kind) => {
          const target = kind === 'edit' ? lastOwn : recent.find(Boolean);
          if (!target) return true; // nothing to change yet: not a failure
          try {
            const a = (await (kind === 'edit'
              ? socket
                  .timeout(10_000)
                  .emitWithAck(CLIENT_EVENTS.messageEdit, { roomId, messageId: target, text: `edited ${Date.now()}` })
              : socket.timeout(10_000).emitWithAck(CLIENT_EVENTS.messageReact, {
                  roomId,
                  messageId: target,
                  emoji: '👍',
                  on: (reacted = !reacted),
                }))) as { ok: boolean };
            return a.ok;
          } catch {
            return false;
          }
        },
        close: () => socket.close(),
      };
    });
  } else {
    list = await connectMany(members, 50, async (i) => {
      const c = await connectConn(target.kind, {
        url: target.url,
        user: target.userName(i),
        localAddress: sourceAddress(i),
        onMessage: (m) => onMessage(m.clientMsgId),
      });
      conns.push(c);
      return {
        send: async (text, clientMsgId) => (await c.send(roomId, text, clientMsgId)).ok,
        close: () => c.close(),
      };
    });
  }
  result.connectMs = Date.now() - t0;
  // everyone joins at the same moment
  const tj = Date.now();
  const joins = await Promise.all(
    target.kind === 'hihi'
      ? sockets.map((s) =>
          s
            .timeout(15_000)
            .emitWithAck(CLIENT_EVENTS.roomJoin, { roomId })
            .then((a: { ok: boolean }) => a.ok)
            .catch(() => false),
        )
      : conns.map((c) => c.join(roomId).then((a) => a.ok)),
  );
  result.joinMs = Date.now() - tj;
  result.failedJoins = joins.filter((ok) => !ok).length;
  log(
    `  ${target.label}: ${members} connected in ${result.connectMs} ms, joined in ${result.joinMs} ms (${result.failedJoins} failed)`,
  );
  await new Promise((r) => setTimeout(r, 1500));

  onSteps();
  try {
    for (const rate of rates) {
      deliveries.count = 0;
      deliveries.hist.reset();
      reads.sent = 0;
      reads.failed = 0;
      sentAt.clear();
      const ackHist = newHistogram();
      let stored = 0;
      let failed = 0;
      let changes = 0;
      let failedChanges = 0;
      const meter = cpu();
      // the generator (this process) too: shown not to be the limit
      const cpuBefore = { ...meter.sample(), generator: selfCpuMs() };
      const total = Math.round(rate * stepSec);
      const started = performance.now();
      const inflight: Promise<void>[] = [];
      for (let k = 0; k < total; k++) {
        const due = started + (k * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const from = list[k % list.length];
        const every = changeShare > 0 ? Math.round(1 / changeShare) : 0;
        if (every && k % every === every - 1 && from.change) {
          const t = performance.now();
          const kind = (k / every) % 2 < 1 ? 'edit' : 'react';
          inflight.push(
            from.change(kind).then((ok) => {
              if (ok) {
                changes++;
                ackHist.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
              } else failedChanges++;
            }),
          );
          continue;
        }
        const id = randomUUID();
        const t = performance.now();
        sentAt.set(id, t);
        inflight.push(
          from.send(`web clients ${k}`, id).then((ok) => {
            if (ok) {
              stored++;
              ackHist.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
            } else failed++;
          }),
        );
      }
      await Promise.all(inflight);
      const elapsed = (performance.now() - started) / 1000;
      // let the last deliveries and read marks arrive
      await new Promise((r) => setTimeout(r, 1500));
      const cpuUse = CpuMeter.diff(cpuBefore, { ...meter.sample(), generator: selfCpuMs() });
      const sends = total - changes - failedChanges;
      const expected = sends * members;
      const step: WebStep = {
        offeredMsgsPerSec: rate,
        storedMsgsPerSec: Math.round(stored / elapsed),
        deliveriesPerSec: Math.round(deliveries.count / elapsed),
        deliveryRatio: expected ? deliveries.count / expected : 0,
        delivery: summarize(deliveries.hist),
        ack: summarize(ackHist),
        failedSends: failed,
        changesPerSec: Math.round(changes / elapsed),
        failedChanges,
        readMarksPerSec: Math.round(reads.sent / elapsed),
        failedReadMarks: reads.failed,
        cpuMsPerSec: Object.fromEntries(Object.entries(cpuUse).map(([k, v]) => [k, Math.round(v / elapsed)])),
        pass: false,
      };
      step.pass =
        step.failedSends === 0 &&
        step.failedChanges === 0 &&
        step.failedReadMarks === 0 &&
        step.deliveryRatio >= 0.999 &&
        step.delivery.p99 <= P99_TARGET_MS;
      result.steps.push(step);
      log(
        `  ${target.label} ${step.pass ? 'ok  ' : 'FAIL'} ${rate} msg/s offered → ${step.storedMsgsPerSec} stored/s, ` +
          `${step.changesPerSec} edits+reactions/s (${failedChanges} failed), ` +
          `${step.deliveriesPerSec} deliveries/s (${(step.deliveryRatio * 100).toFixed(2)} %), delivery p50 ${step.delivery.p50} ` +
          `p99 ${step.delivery.p99} ms, ack p99 ${step.ack.p99} ms, ${failed} failed sends, ${step.readMarksPerSec} read marks/s ` +
          `(${reads.failed} failed), CPU ms/s ${JSON.stringify(step.cpuMsPerSec)}`,
      );
      if (step.pass) result.maxSustained = step;
      else break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    onSteps();
    for (const m of markers) m.stop();
    for (const m of list) m.close();
  }
  return result;
}

/**
 * The flood scenario (issue 24, SPEC §6 "Chatty clients"), also part of `npm run bench`:
 *   node dist/bench/bench/flood.js [--members=20] [--rate=50] [--seconds=10] [--flood=5000]
 * 20 members chat in one room at 50 msg/s; in some phases one more signed-in socket floods one
 * command at 5,000/s without waiting for acks — and, cut off, connects again at once and goes on
 * (the careless bot). Members' delivery p99 of each flood phase is compared with the phases
 * without the flooder, measured in the same run on the same stack.
 */
import { io, Socket } from 'socket.io-client';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLIENT_EVENTS, ClientEvent, SERVER_EVENTS, SOCKET_PATH } from '../libs/contracts/src';
import { newHistogram, summarize, LatencySummary } from './lib/load';
import { CpuMeter, selfCpuMs } from './lib/procstat';
import { hihiTarget, Target } from './lib/targets';
import { cliArgs } from './lib/args';

const args = cliArgs();
const MEMBERS = Number(args.get('members') ?? 20);
const RATE = Number(args.get('rate') ?? 50);
const SECONDS = Number(args.get('seconds') ?? 10);
const FLOOD = Number(args.get('flood') ?? 5000);

type Flooded = 'none' | 'room:read' | 'typing' | 'room:join' | 'message:send' | 'message:react';
const PHASES: Flooded[] = ['none', 'room:read', 'typing', 'room:join', 'message:send', 'message:react', 'none'];

export interface FloodPhase {
  flooded: Flooded;
  delivery: LatencySummary;
  failedSends: number;
  deliveryRatio: number;
  /** commands the flooder emitted per second */
  floodedPerSec: number;
  /** times the flooder was cut off (server:disconnect) */
  cutOffs: number;
  /** its reconnects refused (rate_limited handshake) */
  refusedConnects: number;
  cpuMsPerSec: Record<string, number>;
}

function log(s: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
}

function openSocket(target: Target, i: number): Promise<Socket> {
  const socket = io(target.url, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    auth: { token: target.token(i) },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** One socket flooding `event` at `perSec` without acks; reconnects (at once) whenever it is cut off. */
class Flooder {
  emitted = 0;
  cutOffs = 0;
  refusedConnects = 0;
  private socket?: Socket;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly target: Target,
    private readonly user: number,
    private readonly roomId: string,
    private readonly event: ClientEvent,
    private readonly payload: (i: number) => unknown,
    private readonly perSec: number,
  ) {}

  async start(): Promise<void> {
    const socket = (this.socket = await openSocket(this.target, this.user));
    socket.on(SERVER_EVENTS.serverDisconnect, () => this.cutOffs++);
    socket.once('disconnect', () => {
      clearInterval(this.timer);
      void this.reconnect();
    });
    await socket.timeout(10_000).emitWithAck(CLIENT_EVENTS.roomJoin, { roomId: this.roomId });
    const perTick = Math.max(1, Math.round(this.perSec / 100));
    this.timer = setInterval(() => {
      for (let k = 0; k < perTick && socket.connected; k++) socket.emit(this.event, this.payload(this.emitted++));
    }, 10);
  }

  /** Connect again at once, and keep trying every 100 ms while refused (a careless bot). */
  private async reconnect(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.start();
        return;
      } catch {
        this.refusedConnects++;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.socket?.close();
  }
}

export async function runFlood(): Promise<FloodPhase[]> {
  const target = await hihiTarget();
  const phases: FloodPhase[] = [];
  try {
    const [roomId] = await target.makeRooms(1, 'flood');
    const sentAt = new Map<string, number>();
    let hist = newHistogram();
    let delivered = 0;
    const members: Socket[] = [];
    // public rooms are joined explicitly (SPEC §7): the members and every phase's flooder
    for (let i = 1; i <= MEMBERS + PHASES.length; i++) await target.joinRoom(roomId, i);
    for (let i = 0; i < MEMBERS; i++) {
      const s = await openSocket(target, i + 1);
      s.on(SERVER_EVENTS.messageNew, (m: { clientMsgId?: string }) => {
        const t = m.clientMsgId ? sentAt.get(m.clientMsgId) : undefined;
        if (t === undefined) return;
        delivered++;
        hist.recordValue(Math.max(1, Math.round((performance.now() - t) * 1000)));
      });
      await s.timeout(10_000).emitWithAck(CLIENT_EVENTS.roomJoin, { roomId });
      members.push(s);
    }
    const first = await members[0].timeout(10_000).emitWithAck(CLIENT_EVENTS.messageSend, {
      roomId,
      text: 'flood target',
      clientMsgId: randomUUID(),
    });
    const messageId = (first as { message?: { id: string } }).message?.id ?? randomUUID();
    const payloads: Record<Exclude<Flooded, 'none'>, (i: number) => unknown> = {
      'room:read': (i) => ({ roomId, seq: 1 + (i % 100) }),
      typing: (i) => ({ roomId, typing: i % 2 === 0 }),
      'room:join': () => ({ roomId, sinceSeq: 0 }),
      'message:send': (i) => ({ roomId, text: `flood ${i}`, clientMsgId: randomUUID() }),
      'message:react': (i) => ({ roomId, messageId, emoji: '👍', on: i % 2 === 0 }),
    };
    await new Promise((r) => setTimeout(r, 1000));

    for (const [n, flooded] of PHASES.entries()) {
      // a new flooder user per phase (a cut-off user is refused for a while)
      const flooder =
        flooded === 'none'
          ? undefined
          : new Flooder(target, MEMBERS + 1 + n, roomId, flooded as ClientEvent, payloads[flooded], FLOOD);
      await flooder?.start();
      hist = newHistogram();
      delivered = 0;
      sentAt.clear();
      const meter = new CpuMeter(target.pids());
      const cpuBefore = { ...meter.sample(), generator: selfCpuMs() };
      const emittedBefore = flooder?.emitted ?? 0;
      let failed = 0;
      const total = RATE * SECONDS;
      const started = performance.now();
      const inflight: Promise<void>[] = [];
      for (let k = 0; k < total; k++) {
        const wait = started + (k * 1000) / RATE - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const id = randomUUID();
        sentAt.set(id, performance.now());
        inflight.push(
          members[k % MEMBERS]
            .timeout(10_000)
            .emitWithAck(CLIENT_EVENTS.messageSend, { roomId, text: `member ${k}`, clientMsgId: id })
            .then((a: { ok: boolean }) => void (a.ok || failed++))
            .catch(() => void failed++),
        );
      }
      await Promise.all(inflight);
      const elapsed = (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 1000));
      const cpuUse = CpuMeter.diff(cpuBefore, { ...meter.sample(), generator: selfCpuMs() });
      const phase: FloodPhase = {
        flooded,
        delivery: summarize(hist),
        failedSends: failed,
        deliveryRatio: delivered / (total * MEMBERS),
        floodedPerSec: Math.round(((flooder?.emitted ?? 0) - emittedBefore) / elapsed),
        cutOffs: flooder?.cutOffs ?? 0,
        refusedConnects: flooder?.refusedConnects ?? 0,
        cpuMsPerSec: Object.fromEntries(Object.entries(cpuUse).map(([k, v]) => [k, Math.round(v / elapsed)])),
      };
      flooder?.stop();
      phases.push(phase);
      log(
        `  flood ${flooded.padEnd(13)} members' delivery p50 ${phase.delivery.p50} ms p99 ${phase.delivery.p99} ms, ` +
          `${failed} failed sends, delivered ${(phase.deliveryRatio * 100).toFixed(1)} %; flooder ${phase.floodedPerSec}/s, ` +
          `cut off ${phase.cutOffs}×, ${phase.refusedConnects} reconnects refused; CPU ms/s ${JSON.stringify(phase.cpuMsPerSec)}`,
      );
      await new Promise((r) => setTimeout(r, 1500));
    }
    for (const s of members) s.close();
  } finally {
    await target.stop();
  }
  const base = phases.filter((p) => p.flooded === 'none');
  const baseP99 = Math.round((base.reduce((a, p) => a + p.delivery.p99, 0) / base.length) * 10) / 10;
  for (const p of phases.filter((x) => x.flooded !== 'none')) {
    const ratio = p.delivery.p99 / baseP99;
    log(
      `  ${p.flooded.padEnd(13)} p99 ${p.delivery.p99} ms vs ${baseP99} ms without the flooder (mean of the two): ×${ratio.toFixed(2)} ` +
        `${ratio <= 1.2 && p.failedSends === 0 ? 'ok' : 'FAIL'} (target ≤ ×1.20, no failed sends)`,
    );
  }
  return phases;
}

if (require.main === module) {
  runFlood()
    .then((phases) => {
      const dir = resolve('bench/results');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `flood-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(phases, null, 2));
      log(`results: ${file}`);
      process.exit(0);
    })
    .catch((err: unknown) => {
      log(`flood bench failed: ${(err as Error).stack ?? String(err)}`);
      process.exit(1);
    });
}

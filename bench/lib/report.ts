import type { RunResult, SystemResult } from '../run';
import type { StepResult } from './load';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const k = (n: number | undefined) =>
  n === undefined ? '—' : n >= 1000 ? `${(n / 1000).toFixed(n >= 100000 ? 0 : 1)}k` : String(n);

function table(head: string[], rows: (string | number)[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]) => r.map((c, i) => String(c).padEnd(w[i])).join('  ');
  return [line(head), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

function byKind(r: RunResult, kind: string): SystemResult | undefined {
  return withVirtual(r).find((s) => s.kind === kind);
}

/** The systems plus a virtual one for Hihi's gateway-only (pub/sub injected) measurements. */
function withVirtual(r: RunResult): SystemResult[] {
  const out: SystemResult[] = [];
  for (const s of r.systems) {
    out.push(s);
    const inj = s.fanout.filter((f) => f.injected);
    if (inj.length)
      out.push({
        kind: 'hihi-gw' as SystemResult['kind'],
        label: 'Hihi gateway only (pub/sub injected)',
        fanout: inj.map((f) => ({
          ...f,
          steps: f.injected!.steps,
          maxSustained: f.injected!.maxSustained,
          injected: undefined,
        })),
        latency: inj.find((f) => f.injected?.latency)?.injected?.latency,
        errors: [],
      });
  }
  return out;
}

export interface Verdicts {
  rows: { target: string; value: string; goal: string; ok: boolean | undefined }[];
}

export function verdicts(r: RunResult): Verdicts {
  const h = byKind(r, 'hihi');
  const g = byKind(r, 'hihi-gw');
  const ws = byKind(r, 'ws');
  const gFan = g?.fanout[0]?.maxSustained?.deliveredPerSec;
  const gP99 = g?.latency?.latency.p99;
  const gCpu = g?.latency?.cpuMs;
  const gwOnlyUs =
    gCpu && g?.latency
      ? Math.round((((gCpu.gateway + (gCpu.redis ?? 0)) * 1000) / Math.max(1, g.latency.delivered)) * 100) / 100
      : undefined;
  const f0 = h?.fanout.find((f) => f.steps.length);
  const fan = f0?.maxSustained?.deliveredPerSec;
  const p99 = h?.latency?.latency.p99;
  const idle = h?.idle?.levels.at(-1)?.bytesPerSocket;
  const cpuH = h?.latency?.cpuUsPerDelivery;
  const cpuW = ws?.latency?.cpuUsPerDelivery;
  const ratio = cpuH && cpuW ? Math.round((cpuH / cpuW) * 10) / 10 : undefined;
  return {
    rows: [
      {
        target: `fan-out ${f0 ? `${f0.rooms}×${f0.members}` : ''} at p99 ≤ 100 ms`,
        value: fan ? `${k(fan)} deliveries/s` : '—',
        goal: '≥ 50k/s',
        ok: fan === undefined ? undefined : fan >= 50000,
      },
      {
        target: `p99 at ${k(r.config.latencyRate)} deliveries/s`,
        value: p99 !== undefined ? `${p99} ms` : '—',
        goal: '≤ 25 ms',
        ok: p99 === undefined ? undefined : p99 <= 25,
      },
      {
        target: `memory per idle socket (${k(h?.idle?.levels.at(-1)?.sockets)})`,
        value: idle !== undefined ? `${(idle / 1024).toFixed(1)} KB` : '—',
        goal: '≤ 25 KB',
        ok: idle === undefined ? undefined : idle <= 25 * 1024,
      },
      {
        target: `CPU per delivery vs bare ws (at ${k(r.config.latencyRate)}/s)`,
        value: ratio !== undefined ? `${ratio}× (${cpuH} vs ${cpuW} µs)` : '—',
        goal: '≤ 2×',
        ok: ratio === undefined ? undefined : ratio <= 2,
      },
      {
        target: `gateway only: fan-out at p99 ≤ 100 ms (${g?.fanout[0] ? `${g.fanout[0].rooms}×${g.fanout[0].members}` : ''})`,
        value: gFan ? `${k(gFan)} deliveries/s` : '—',
        goal: '≥ 50k/s',
        ok: gFan === undefined ? undefined : gFan >= 50000,
      },
      {
        target: `gateway only: p99 at ${k(r.config.latencyRate)} deliveries/s`,
        value: gP99 !== undefined ? `${gP99} ms` : '—',
        goal: '≤ 25 ms',
        ok: gP99 === undefined ? undefined : gP99 <= 25,
      },
      {
        target: `gateway only: CPU (gateway+redis) per delivery vs bare ws`,
        value:
          gwOnlyUs !== undefined && cpuW
            ? `${Math.round((gwOnlyUs / cpuW) * 10) / 10}× (${gwOnlyUs} vs ${cpuW} µs)`
            : '—',
        goal: '≤ 2×',
        ok: gwOnlyUs === undefined || !cpuW ? undefined : gwOnlyUs / cpuW <= 2,
      },
    ],
  };
}

export function consoleTables(r: RunResult): string {
  let out = `\nHihi Chat benchmark — ${r.startedAt} — ${r.machine.cpus}× ${r.machine.model}, node ${r.machine.node}, load average ${r.machine.loadavgStart?.map((x) => x.toFixed(1)).join(' ')} → ${r.machine.loadavgEnd?.map((x) => x.toFixed(1)).join(' ') ?? '?'}, Socket.IO clients: ${r.client}${r.quick ? ' (QUICK)' : ''}\n\n`;
  out += '(a) fan-out: highest sustained deliveries/s with p99 ≤ 100 ms and ≥ 99% delivered\n';
  const rows: (string | number)[][] = [];
  for (const s of withVirtual(r))
    for (const f of s.fanout) {
      const m = f.maxSustained;
      const last = f.steps.at(-1);
      rows.push([
        s.label,
        `${f.rooms}×${f.members}`,
        k(m?.deliveredPerSec),
        m ? `${m.latency.p99}` : '—',
        m ? `${m.cpuUsPerDelivery}` : '—',
        m ? `${m.generatorCpuPct}%${m.generatorSaturated ? ' SAT' : ''}` : '—',
        last && !last.pass
          ? `${k(last.offeredDeliveriesPerSec)}: p99 ${last.latency.p99} ms, ${(last.deliveryRatio * 100).toFixed(0)}%`
          : f.error
            ? 'error'
            : '—',
      ]);
    }
  out += table(
    ['system', 'rooms×members', 'max deliveries/s', 'p99 ms', 'CPU µs/delivery', 'generator CPU', 'first failing step'],
    rows,
  );
  const ws = byKind(r, 'ws');
  out += `\n(b) latency at ${k(r.config.latencyRate)} deliveries/s (first topology of each system; 100 members per room)\n`;
  out += table(
    [
      'system',
      'delivered',
      'p50 ms',
      'p99 ms',
      'p99.9 ms',
      'max ms',
      'ack p99 ms',
      'CPU µs/delivery',
      '× ws',
      'generator CPU',
    ],
    withVirtual(r)
      .filter((s) => s.latency)
      .map((s) => {
        const l = s.latency!;
        return [
          s.label,
          `${(l.deliveryRatio * 100).toFixed(1)}%`,
          l.latency.p50,
          l.latency.p99,
          l.latency.p999,
          l.latency.max,
          l.ackLatency.p99,
          l.cpuUsPerDelivery,
          ws?.latency ? (l.cpuUsPerDelivery / ws.latency.cpuUsPerDelivery).toFixed(1) : '—',
          `${l.generatorCpuPct}%`,
        ];
      }),
  );
  out += '\n(c) idle sockets: server RSS delta / sockets\n';
  const levels = r.config.idleLevels;
  out += table(
    ['system', ...levels.map((l) => `${k(l)} sockets`)],
    r.systems
      .filter((s) => s.idle)
      .map((s) => [
        s.label,
        ...levels.map((_, i) => {
          const l = s.idle!.levels[i];
          return l ? `${(l.bytesPerSocket / 1024).toFixed(1)} KB${l.failed ? ` (${l.failed} failed)` : ''}` : '—';
        }),
      ]),
  );
  const st = byKind(r, 'hihi')?.storm;
  if (st) {
    out += '\n(d) sign-in storm (real POST /api/auth/login, argon2id)\n';
    out += table(
      [
        'sign-ins/s',
        'concurrency',
        'login p50/p99 ms',
        'gateway probe p99 idle→storm ms',
        'gateway loop lag p99 idle→storm ms',
        'failures',
      ],
      [
        [
          st.loginsPerSec,
          st.concurrency,
          `${st.loginLatency.p50}/${st.loginLatency.p99}`,
          `${st.probeLatencyIdle.p99}→${st.probeLatencyStorm.p99}`,
          `${st.eventLoopIdle.p99 ?? '—'}→${st.eventLoopStorm.p99 ?? '—'}`,
          JSON.stringify(st.failures),
        ],
      ],
    );
  }
  out += '\nTargets (Hihi Chat)\n';
  out += table(
    ['target', 'measured', 'goal', 'met'],
    verdicts(r).rows.map((v) => [v.target, v.value, v.goal, v.ok === undefined ? '—' : v.ok ? 'yes' : 'NO']),
  );
  for (const s of r.systems) for (const e of s.errors) out += `! ${s.label}: ${e}\n`;
  if (r.profile)
    for (const f of r.profile.files) {
      out += `\nprofile ${f.file} (${f.totalMs} ms): by package\n`;
      out += table(
        ['package', 'self ms', '% busy'],
        f.byModule.slice(0, 10).map((m) => [m.module, m.selfMs, m.pct]),
      );
      out += table(
        ['function', 'self ms', '% busy'],
        f.byFunction.slice(0, 15).map((m) => [m.fn.slice(0, 110), m.selfMs, m.pct]),
      );
    }
  return out;
}

/* ---------------- HTML with inline SVG ---------------- */

const COLORS: Record<string, string> = { ws: '#2a9d8f', sio: '#e9c46a', hihi: '#e76f51', 'hihi-gw': '#8e44ad' };

interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dash?: string;
}

function lineChart(
  title: string,
  series: Series[],
  xLabel: string,
  yLabel: string,
  opts: { logY?: boolean; hLine?: number; xFmt?: (x: number) => string; xCat?: number[] } = {},
): string {
  const W = 700,
    H = 320,
    L = 64,
    R = 210,
    T = 30,
    B = 44;
  const pts = series.flatMap((s) => s.points);
  if (!pts.length) return '';
  const xs = opts.xCat ?? pts.map((p) => p[0]);
  const xMin = Math.min(...xs),
    xMax = Math.max(...xs);
  const yVals = pts.map((p) => p[1]).concat(opts.hLine ?? []);
  let yMin = opts.logY ? Math.max(0.1, Math.min(...yVals.filter((v) => v > 0))) : 0;
  let yMax = Math.max(...yVals) * 1.08;
  if (opts.logY) {
    yMin = 10 ** Math.floor(Math.log10(yMin));
    yMax = 10 ** Math.ceil(Math.log10(yMax));
  }
  const catIndex = (x: number) => (opts.xCat ? opts.xCat.indexOf(x) : x);
  const cx = (x: number) => {
    if (opts.xCat) return L + ((W - L - R) * catIndex(x)) / Math.max(1, opts.xCat.length - 1);
    return L + ((W - L - R) * (x - xMin)) / Math.max(1e-9, xMax - xMin);
  };
  const cy = (y: number) => {
    const f = opts.logY
      ? (Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))
      : (y - yMin) / (yMax - yMin || 1);
    return T + (H - T - B) * (1 - f);
  };
  const fx = opts.xFmt ?? ((x: number) => k(x));
  let svg = `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">`;
  svg += `<text x="${L}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`;
  const yTicks = opts.logY
    ? Array.from({ length: Math.round(Math.log10(yMax / yMin)) + 1 }, (_, i) => yMin * 10 ** i)
    : Array.from({ length: 6 }, (_, i) => yMin + ((yMax - yMin) * i) / 5);
  for (const t of yTicks)
    svg += `<line x1="${L}" x2="${W - R}" y1="${cy(t)}" y2="${cy(t)}" stroke="#ddd"/><text x="${L - 6}" y="${cy(t) + 4}" text-anchor="end">${k(Math.round(t * 100) / 100)}</text>`;
  const xTicks = opts.xCat ?? [...new Set(xs)].sort((a, b) => a - b);
  const step = Math.ceil(xTicks.length / 12);
  xTicks.forEach((t, i) => {
    if (i % step === 0) svg += `<text x="${cx(t)}" y="${H - B + 16}" text-anchor="middle">${esc(fx(t))}</text>`;
  });
  svg += `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>`;
  svg += `<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text><text transform="translate(14 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`;
  if (opts.hLine !== undefined)
    svg += `<line x1="${L}" x2="${W - R}" y1="${cy(opts.hLine)}" y2="${cy(opts.hLine)}" stroke="#c00" stroke-dasharray="4 3"/><text x="${W - R - 2}" y="${cy(opts.hLine) - 4}" text-anchor="end" fill="#c00">${k(opts.hLine)}</text>`;
  series.forEach((s, i) => {
    if (!s.points.length) return;
    svg += `<polyline fill="none" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''} points="${s.points.map((p) => `${cx(p[0]).toFixed(1)},${cy(p[1]).toFixed(1)}`).join(' ')}"/>`;
    for (const p of s.points)
      svg += `<circle cx="${cx(p[0]).toFixed(1)}" cy="${cy(p[1]).toFixed(1)}" r="2.5" fill="${s.color}"><title>${esc(s.name)}: ${fx(p[0])} → ${p[1]}</title></circle>`;
    svg += `<line x1="${W - R + 10}" x2="${W - R + 30}" y1="${T + 10 + i * 16}" y2="${T + 10 + i * 16}" stroke="${s.color}" stroke-width="2" ${s.dash ? `stroke-dasharray="${s.dash}"` : ''}/><text x="${W - R + 34}" y="${T + 14 + i * 16}">${esc(s.name)}</text>`;
  });
  return svg + '</svg>';
}

function barChart(
  title: string,
  groups: { label: string; bars: { name: string; color: string; value: number }[] }[],
  yLabel: string,
  hLine?: number,
): string {
  const W = 700,
    H = 300,
    L = 64,
    R = 210,
    T = 30,
    B = 40;
  const vals = groups.flatMap((g) => g.bars.map((b) => b.value)).concat(hLine ?? 0);
  if (!groups.length) return '';
  const yMax = Math.max(...vals, 1) * 1.1;
  const cy = (y: number) => T + (H - T - B) * (1 - y / yMax);
  const gw = (W - L - R) / groups.length;
  let svg = `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11">`;
  svg += `<text x="${L}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`;
  for (let i = 0; i <= 5; i++) {
    const t = (yMax * i) / 5;
    svg += `<line x1="${L}" x2="${W - R}" y1="${cy(t)}" y2="${cy(t)}" stroke="#ddd"/><text x="${L - 6}" y="${cy(t) + 4}" text-anchor="end">${Math.round(t * 10) / 10}</text>`;
  }
  const names = new Map<string, string>();
  groups.forEach((g, gi) => {
    const bw = (gw * 0.8) / Math.max(1, g.bars.length);
    g.bars.forEach((b, bi) => {
      names.set(b.name, b.color);
      const x = L + gi * gw + gw * 0.1 + bi * bw;
      svg += `<rect x="${x.toFixed(1)}" y="${cy(b.value).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(H - B - cy(b.value)).toFixed(1)}" fill="${b.color}"><title>${esc(b.name)} ${esc(g.label)}: ${b.value}</title></rect>`;
    });
    svg += `<text x="${L + gi * gw + gw / 2}" y="${H - B + 16}" text-anchor="middle">${esc(g.label)}</text>`;
  });
  if (hLine !== undefined)
    svg += `<line x1="${L}" x2="${W - R}" y1="${cy(hLine)}" y2="${cy(hLine)}" stroke="#c00" stroke-dasharray="4 3"/><text x="${W - R - 2}" y="${cy(hLine) - 4}" text-anchor="end" fill="#c00">target ${hLine}</text>`;
  [...names.entries()].forEach(([n, c], i) => {
    svg += `<rect x="${W - R + 10}" y="${T + 4 + i * 16}" width="12" height="10" fill="${c}"/><text x="${W - R + 28}" y="${T + 13 + i * 16}">${esc(n)}</text>`;
  });
  svg += `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/><text transform="translate(14 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`;
  return svg + '</svg>';
}

export function htmlReport(r: RunResult): string {
  const charts: string[] = [];
  const systems = withVirtual(r);
  const topoKeys = [...new Set(systems.flatMap((s) => s.fanout.map((f) => `${f.rooms}×${f.members}`)))];
  for (const key of topoKeys) {
    const series = systems
      .map((s) => ({ s, f: s.fanout.find((f) => `${f.rooms}×${f.members}` === key)! }))
      .filter((x) => x.f?.steps.length);
    if (!series.length) continue;
    charts.push(
      lineChart(
        `(a) ${key}: delivered vs offered`,
        [
          ...series.map(({ s, f }) => ({
            name: s.label,
            color: COLORS[s.kind],
            points: f.steps.map(
              (st: StepResult) => [st.offeredDeliveriesPerSec, st.deliveredPerSec] as [number, number],
            ),
          })),
          {
            name: 'ideal',
            color: '#999',
            dash: '3 3',
            points: [...new Set(series.flatMap(({ f }) => f.steps.map((st) => st.offeredDeliveriesPerSec)))]
              .sort((a, b) => a - b)
              .map((x) => [x, x] as [number, number]),
          },
        ],
        'offered deliveries/s',
        'delivered/s',
      ),
      lineChart(
        `(a) ${key}: p99 latency vs offered`,
        series.map(({ s, f }) => ({
          name: s.label,
          color: COLORS[s.kind],
          points: f.steps.map(
            (st: StepResult) => [st.offeredDeliveriesPerSec, Math.max(0.1, st.latency.p99)] as [number, number],
          ),
        })),
        'offered deliveries/s',
        'p99 ms (log)',
        { logY: true, hLine: 100 },
      ),
      lineChart(
        `(a) ${key}: server CPU per delivery`,
        series.map(({ s, f }) => ({
          name: s.label,
          color: COLORS[s.kind],
          points: f.steps.map(
            (st: StepResult) => [st.offeredDeliveriesPerSec, st.cpuUsPerDelivery] as [number, number],
          ),
        })),
        'offered deliveries/s',
        'µs CPU / delivery',
      ),
    );
  }
  const pcts = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100];
  const lat = systems.filter((s) => s.latency?.curve);
  if (lat.length)
    charts.push(
      lineChart(
        `(b) latency by percentile at ${k(r.config.latencyRate)} deliveries/s`,
        lat.map((s) => ({
          name: s.label,
          color: COLORS[s.kind],
          points: s.latency!.curve!.map(([p, v]) => [p, Math.max(0.05, v)] as [number, number]),
        })),
        'percentile',
        'latency ms (log)',
        { logY: true, xCat: pcts, xFmt: (x) => `${x}` },
      ),
    );
  const hist = systems.filter((s) => s.latency?.histogram);
  if (hist.length) {
    const edges = hist[0].latency!.histogram!.map((b) => b.upToMs);
    charts.push(
      barChart(
        `(b) latency histogram at ${k(r.config.latencyRate)} deliveries/s (share of deliveries, %)`,
        edges
          .filter((e) => e < 1e9)
          .map((e, i) => ({
            label: `≤${e}`,
            bars: hist.map((s) => ({
              name: s.label,
              color: COLORS[s.kind],
              value: Math.round((s.latency!.histogram![i].count / Math.max(1, s.latency!.latency.count)) * 1000) / 10,
            })),
          })),
        '% of deliveries',
      ),
    );
  }
  const idle = r.systems.filter((s) => s.idle);
  if (idle.length)
    charts.push(
      barChart(
        '(c) memory per idle socket (KB, server RSS delta / sockets)',
        r.config.idleLevels.map((l, i) => ({
          label: `${k(l)} sockets`,
          bars: idle.map((s) => ({
            name: s.label,
            color: COLORS[s.kind],
            value: Math.round((s.idle!.levels[i]?.bytesPerSocket ?? 0) / 102.4) / 10,
          })),
        })),
        'KB / socket',
        25,
      ),
    );
  const tables = consoleTables(r);
  const v = verdicts(r);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hihi Chat benchmark ${esc(r.startedAt)}</title>
<style>body{font-family:sans-serif;max-width:1340px;margin:1em auto;padding:0 1em;color:#222}pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:12px}
.grid{display:flex;flex-wrap:wrap;gap:12px}.grid svg{border:1px solid #eee;background:#fff}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}.ok{color:#080}.no{color:#c00}</style></head><body>
<h1>Hihi Chat (嗨嗨聊天室) benchmark</h1>
<p>${esc(r.startedAt)} → ${esc(r.finishedAt ?? '')} · ${r.machine.cpus}× ${esc(r.machine.model)} · ${r.machine.memGB} GB · node ${esc(r.machine.node)} · open files ${esc(r.machine.openFilesLimit)}${r.quick ? ' · <b>QUICK run (scaled down, not comparable)</b>' : ''}</p>
<h2>Targets</h2><table><tr><th>target</th><th>measured</th><th>goal</th><th>met</th></tr>${v.rows.map((x) => `<tr><td>${esc(x.target)}</td><td>${esc(x.value)}</td><td>${esc(x.goal)}</td><td class="${x.ok ? 'ok' : 'no'}">${x.ok === undefined ? '—' : x.ok ? 'yes' : 'no'}</td></tr>`).join('')}</table>
<h2>Charts</h2><div class="grid">${charts.join('\n')}</div>
<h2>Tables</h2><pre>${esc(tables)}</pre>
<h2>Raw results</h2><details><summary>JSON</summary><pre>${esc(JSON.stringify(r, null, 1))}</pre></details>
</body></html>`;
}

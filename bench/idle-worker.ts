/**
 * Child process holding idle connections for scenario (c) (the open-files limit is per process:
 * 20,000 here, so ≥ 20k client sockets need several processes).
 * IPC: ← {kind, url, users: string[], tokens: (string|undefined)[], offset}  → {connected, failed, ms}
 *      ← 'close' → disconnect everything and exit.
 */
import { connect, connectMany, Conn, SystemKind, sourceAddress } from './lib/clients';

const conns: Conn[] = [];
process.on('message', async (msg: unknown) => {
  if (msg === 'close') {
    for (const c of conns) c.close();
    setTimeout(() => process.exit(0), 200);
    return;
  }
  const m = msg as { kind: SystemKind; url: string; users: string[]; tokens: (string | undefined)[]; offset: number };
  const t0 = performance.now();
  let failed = 0;
  let firstError = '';
  await connectMany(m.users.length, 50, async (i) => {
    try {
      conns.push(
        await connect(
          m.kind,
          { url: m.url, user: m.users[i], token: m.tokens[i], localAddress: sourceAddress(m.offset + i, 32) },
          20_000,
          false,
        ),
      );
    } catch (e) {
      failed++;
      firstError ||= String((e as Error).message ?? e);
    }
  });
  process.send!({ connected: conns.length, failed, firstError, ms: Math.round(performance.now() - t0) });
});
process.on('disconnect', () => process.exit(0));

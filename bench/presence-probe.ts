/**
 * What joining a room costs on the real stack as the room grows: N members join one after
 * another; we count the `presence` frames (and bytes) every member receives and time the joins.
 * Usage: node dist/bench/bench/presence-probe.js [sizes, default 25,50,100]
 */
import WebSocket from 'ws';
import { hihiTarget } from './lib/targets';
import { sourceAddress } from './lib/clients';

interface Counter {
  presenceFrames: number;
  presenceBytes: number;
}

function rawJoin(
  url: string,
  token: string,
  roomId: string,
  c: Counter,
  i: number,
): Promise<{ ws: WebSocket; ackBytes: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      localAddress: sourceAddress(i),
    });
    ws.on('message', (d) => {
      const f = d.toString();
      if (f[0] === '0') ws.send(`40${JSON.stringify({ token })}`);
      else if (f[0] === '2') ws.send('3');
      else if (f.startsWith('40')) ws.send(`421${JSON.stringify(['room:join', { roomId }])}`);
      else if (f.startsWith('431')) resolve({ ws, ackBytes: f.length });
      else if (f.startsWith('42["presence"')) {
        c.presenceFrames++;
        c.presenceBytes += f.length;
      }
    });
    ws.once('error', reject);
  });
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '25,50,100').split(',').map(Number);
  const t = await hihiTarget();
  let user = 1;
  try {
    process.stdout.write('members  joins/s  presence frames  presence MB  last join ack KB\n');
    for (const n of sizes) {
      const [roomId] = await t.makeRooms(1, `presence${n}`);
      const c: Counter = { presenceFrames: 0, presenceBytes: 0 };
      const socks: WebSocket[] = [];
      const t0 = performance.now();
      let ackBytes = 0;
      for (let i = 0; i < n; i++) {
        await t.joinRoom(roomId, user);
        const r = await rawJoin(t.url, t.token(user++)!, roomId, c, i);
        socks.push(r.ws);
        ackBytes = r.ackBytes;
      }
      const s = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 1500));
      process.stdout.write(
        `${String(n).padEnd(8)} ${(n / s).toFixed(1).padStart(7)}  ${String(c.presenceFrames).padStart(15)}  ${(c.presenceBytes / 1e6).toFixed(2).padStart(11)}  ${(ackBytes / 1024).toFixed(1).padStart(16)}\n`,
      );
      for (const w of socks) w.terminate();
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await t.stop();
  }
}
void main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

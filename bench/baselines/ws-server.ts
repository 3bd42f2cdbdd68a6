/**
 * Baseline 1: a minimal bare `ws` broadcast server — the ceiling for Node on this machine.
 * Protocol (JSON text frames), mirroring Hihi's Socket.IO API closely enough that the generator
 * drives it the same way:
 *   → {"e":"join","r":roomId,"a":ackId}                 ← {"e":"ack","a":ackId,"ok":true}
 *   → {"e":"send","r":roomId,"x":text,"c":clientMsgId,"a":ackId}
 *                                                       ← {"e":"ack","a":ackId,"ok":true,"m":message}
 *   ← {"e":"new","m":message} to every member of the room (the sender included)
 * `message` has the same shape as Hihi's Message; it is serialised once per broadcast.
 * Usage: node ws-server.js <port>
 */
import { WebSocketServer, WebSocket } from 'ws';

const port = Number(process.argv[2] ?? 0);
const rooms = new Map<string, { seq: number; members: Set<WebSocket> }>();
const wss = new WebSocketServer({ port, host: '127.0.0.1', maxPayload: 32 * 1024, perMessageDeflate: false });
let ids = 0;

wss.on('connection', (ws, req) => {
  const u = new URL(req.url ?? '/', 'http://x').searchParams.get('u') ?? 'anon';
  const sender = { id: u, username: u, displayName: u, bot: false };
  const joined = new Set<string>();
  ws.on('message', (data) => {
    let f: { e?: string; r?: string; x?: string; c?: string; a?: number };
    try {
      f = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof f.r !== 'string') return;
    let room = rooms.get(f.r);
    if (f.e === 'join') {
      if (!room) rooms.set(f.r, (room = { seq: 0, members: new Set() }));
      room.members.add(ws);
      joined.add(f.r);
      ws.send(JSON.stringify({ e: 'ack', a: f.a, ok: true }));
    } else if (f.e === 'send' && room && joined.has(f.r)) {
      const m = {
        id: (++ids).toString(16).padStart(24, '0'),
        roomId: f.r,
        seq: ++room.seq,
        clientMsgId: f.c,
        sender,
        text: f.x,
        createdAt: new Date().toISOString(),
      };
      const frame = JSON.stringify({ e: 'new', m });
      for (const peer of room.members) if (peer.readyState === WebSocket.OPEN) peer.send(frame);
      ws.send(JSON.stringify({ e: 'ack', a: f.a, ok: true, m }));
    }
  });
  ws.on('close', () => {
    for (const r of joined) rooms.get(r)?.members.delete(ws);
  });
});
wss.on('listening', () => {
  const a = wss.address();
  process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : a}\n`);
});
process.on('disconnect', () => process.exit(0));

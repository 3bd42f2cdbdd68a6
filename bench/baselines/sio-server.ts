/**
 * Baseline 2: a minimal plain Socket.IO broadcast server (same library and defaults as the
 * gateway, no NestJS, no auth, no bus, no database). Same events as Hihi (SPEC §5):
 * `room:join` {roomId} → ack {ok, room, messages: [], online: []};
 * `message:send` {roomId, text, clientMsgId} → `message:new` to the room (sender included) via
 * io.to(room).emit (encoded once), then ack {ok, message}.
 * Usage: node sio-server.js <port>
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2] ?? 0);
const http = createServer();
const io = new Server(http, { path: '/socket.io', maxHttpBufferSize: 32 * 1024, transports: ['websocket'] });
const seqs = new Map<string, number>();
let ids = 0;

io.on('connection', (socket) => {
  const auth = socket.handshake.auth as { u?: string };
  const u = typeof auth.u === 'string' ? auth.u : 'anon';
  const sender = { id: u, username: u, displayName: u, bot: false };
  socket.on('room:join', (p: { roomId?: unknown }, ack?: (r: unknown) => void) => {
    if (typeof p?.roomId !== 'string') return ack?.({ ok: false, error: { code: 'validation', message: 'roomId' } });
    void socket.join(p.roomId);
    if (!seqs.has(p.roomId)) seqs.set(p.roomId, 0);
    ack?.({
      ok: true,
      room: { id: p.roomId, name: p.roomId, kind: 'public', unread: 0, lastSeq: seqs.get(p.roomId) },
      messages: [],
      online: [],
    });
  });
  socket.on(
    'message:send',
    (p: { roomId?: unknown; text?: unknown; clientMsgId?: unknown }, ack?: (r: unknown) => void) => {
      if (typeof p?.roomId !== 'string' || typeof p.text !== 'string' || !socket.rooms.has(p.roomId)) {
        return ack?.({ ok: false, error: { code: 'validation', message: 'bad message' } });
      }
      const seq = (seqs.get(p.roomId) ?? 0) + 1;
      seqs.set(p.roomId, seq);
      const message = {
        id: (++ids).toString(16).padStart(24, '0'),
        roomId: p.roomId,
        seq,
        clientMsgId: p.clientMsgId,
        sender,
        text: p.text,
        createdAt: new Date().toISOString(),
      };
      io.to(p.roomId).emit('message:new', message);
      ack?.({ ok: true, message });
    },
  );
});
http.listen(port, '127.0.0.1', () => {
  const a = http.address();
  process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : a}\n`);
});
process.on('disconnect', () => process.exit(0));

import { Injectable, Optional } from '@nestjs/common';
import { Metrics } from '@hihi/common/observability';
import type { Server as IoServer, Socket as IoSocket } from 'socket.io';
import { ClientToServerEvents, Message, RoomEventEnvelope, SERVER_EVENTS, ServerToClientEvents } from '@hihi/contracts';

/** Socket.IO typed from the protocol table (server events and their payloads are checked). */
type Server = IoServer<ClientToServerEvents, ServerToClientEvents>;
type Socket = IoSocket<ClientToServerEvents, ServerToClientEvents>;

/** Socket.IO room of all sockets of one user (for room:updated). */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/**
 * Emits room events to THIS process's sockets only (no Socket.IO adapter between gateways:
 * each gateway receives every event once from Redis pub/sub and emits it to its own sockets,
 * so a socket gets each event once, whichever gateway it is on).
 *
 * A socket in the middle of room:join is in the Socket.IO room already (so nothing published
 * meanwhile is missed) but its live messages are held back and, once the join ack with the
 * catch-up page has been sent, only those newer than the page are emitted: no duplicates.
 */
/** How many recently emitted messages a gateway remembers to drop republished copies. */
const RECENT_MAX = 20_000;

@Injectable()
export class RoomFanout {
  private server?: Server;
  /** `${roomId}:${seq}` of messages emitted lately (insertion-ordered: oldest first) */
  private readonly recent = new Set<string>();
  /** roomId → socketId → messages held back while that socket joins */
  private readonly joining = new Map<string, Map<string, Message[]>>();

  constructor(@Optional() private readonly metrics?: Metrics) {}

  attach(server: Server): void {
    this.server = server;
  }

  beginJoin(socket: Socket, roomId: string): void {
    let pending = this.joining.get(roomId);
    if (!pending) this.joining.set(roomId, (pending = new Map()));
    pending.set(socket.id, []);
    void socket.join(roomId);
  }

  /** After the join ack: emit what arrived meanwhile and is newer than `seenSeq`. */
  endJoin(socket: Socket, roomId: string, seenSeq: number): void {
    const held = this.take(socket.id, roomId);
    for (const m of held ?? []) if (m.seq > seenSeq) socket.emit(SERVER_EVENTS.messageNew, m);
  }

  /** The join failed: forget held messages; leave the room unless the socket was in it before. */
  abortJoin(socket: Socket, roomId: string, stay: boolean): void {
    this.take(socket.id, roomId);
    if (!stay) void socket.leave(roomId);
  }

  forget(socket: Socket): void {
    for (const [roomId, pending] of this.joining) {
      pending.delete(socket.id);
      if (!pending.size) this.joining.delete(roomId);
    }
  }

  private take(socketId: string, roomId: string): Message[] | undefined {
    const pending = this.joining.get(roomId);
    const held = pending?.get(socketId);
    pending?.delete(socketId);
    if (pending && !pending.size) this.joining.delete(roomId);
    return held;
  }

  dispatch(event: RoomEventEnvelope): void {
    const server = this.server;
    if (!server || typeof event?.roomId !== 'string') return;
    switch (event.type) {
      case 'message:new': {
        // a retried send publishes its message again (its first publisher may have died after
        // the commit): emit each message once
        const key = `${event.roomId}:${event.message?.seq}`;
        if (this.recent.has(key)) return;
        this.recent.add(key);
        if (this.recent.size > RECENT_MAX) this.recent.delete(this.recent.values().next().value!);
        const receivers = server.sockets.adapter.rooms.get(event.roomId)?.size ?? 0;
        if (receivers) this.metrics?.messagesDelivered.inc(receivers);
        const created = Date.parse(event.message?.createdAt);
        if (Number.isFinite(created)) this.metrics?.fanoutSeconds.observe(Math.max(0, Date.now() - created) / 1000);
        const pending = this.joining.get(event.roomId);
        if (pending?.size) {
          for (const held of pending.values()) held.push(event.message);
          server
            .to(event.roomId)
            .except([...pending.keys()])
            .emit(SERVER_EVENTS.messageNew, event.message);
        } else {
          server.to(event.roomId).emit(SERVER_EVENTS.messageNew, event.message);
        }
        return;
      }
      case 'message:updated':
        // an edit, deletion or reaction: idempotent (the client replaces the message by id), so
        // joining sockets get it at once too
        server.to(event.roomId).emit(SERVER_EVENTS.messageUpdated, event.message);
        return;
      case 'presence':
        server.to(event.roomId).emit(SERVER_EVENTS.presence, {
          roomId: event.roomId,
          joined: event.joined,
          left: event.left,
          onlineCount: event.onlineCount,
        });
        return;
      case 'typing':
        server
          .to(event.roomId)
          .except(userRoom(event.user.id))
          .emit(SERVER_EVENTS.typing, { roomId: event.roomId, user: event.user, typing: event.typing });
        return;
      case 'room:updated': {
        const target = event.userIds?.length ? server.to(event.userIds.map(userRoom)) : server.to(event.roomId);
        target.emit(SERVER_EVENTS.roomUpdated, event.room);
        return;
      }
    }
  }
}

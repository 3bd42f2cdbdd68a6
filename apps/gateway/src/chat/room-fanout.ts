import { Injectable, Optional } from '@nestjs/common';
import { Metrics } from '@hihi/common/observability';
import type { Server as IoServer, Socket as IoSocket } from 'socket.io';
import { ClientToServerEvents, Message, RoomEventEnvelope, SERVER_EVENTS, ServerToClientEvents } from '@hihi/contracts';

/** Socket.IO typed from the protocol table (server events and their payloads are checked). */
type Server = IoServer<ClientToServerEvents, ServerToClientEvents>;
type Socket = IoSocket<ClientToServerEvents, ServerToClientEvents>;

import { RoomRemovals, userRoom } from './room-removals';

export { userRoom };

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

  constructor(
    private readonly removals: RoomRemovals,
    @Optional() private readonly metrics?: Metrics,
  ) {}

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

  /** Was the user removed from the room since `started` (process.hrtime.bigint())? A join allowed before that is refused. */
  removedDuring(roomId: string, userId: string, started: bigint): boolean {
    const sinceMs = Date.now() - Number(process.hrtime.bigint() - started) / 1e6;
    return this.removals.removedSince(roomId, userId, sinceMs);
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

  /** The room's sockets, but those of people removed from it lately (per-recipient authorization). */
  private room(server: Server, roomId: string) {
    const except = this.removals.excluded(roomId);
    return except ? server.to(roomId).except(except) : server.to(roomId);
  }

  dispatch(event: RoomEventEnvelope): void {
    const server = this.server;
    if (!server || typeof event?.roomId !== 'string') return;
    switch (event.type) {
      case 'room:removed': {
        // held-back messages of a join in flight are dropped too
        for (const id of this.removals.apply(server, event.roomId, event.userId, event.reason)) {
          const socket = server.sockets.sockets.get(id);
          if (socket) this.take(socket.id, event.roomId);
        }
        return;
      }
      case 'room:member':
        if (event.member?.change === 'joined') this.removals.readded(event.roomId, event.member.user.id);
        this.room(server, event.roomId).emit(SERVER_EVENTS.roomMember, event.member);
        return;
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
          this.room(server, event.roomId)
            .except([...pending.keys()])
            .emit(SERVER_EVENTS.messageNew, event.message);
        } else {
          this.room(server, event.roomId).emit(SERVER_EVENTS.messageNew, event.message);
        }
        return;
      }
      case 'message:updated':
        // an edit, deletion or reaction: idempotent (the client replaces the message by id), so
        // joining sockets get it at once too
        this.room(server, event.roomId).emit(SERVER_EVENTS.messageUpdated, event.message);
        return;
      case 'presence':
        this.room(server, event.roomId).emit(SERVER_EVENTS.presence, {
          roomId: event.roomId,
          joined: event.joined,
          left: event.left,
          onlineCount: event.onlineCount,
        });
        return;
      case 'typing':
        this.room(server, event.roomId)
          .except(userRoom(event.user.id))
          .emit(SERVER_EVENTS.typing, { roomId: event.roomId, user: event.user, typing: event.typing });
        return;
      case 'user:updated':
        // a profile change (display name, avatar) of someone in the room: idempotent for the client
        this.room(server, event.roomId).emit(SERVER_EVENTS.userUpdated, { user: event.user });
        return;
      case 'room:updated': {
        const target = event.userIds?.length ? server.to(event.userIds.map(userRoom)) : this.room(server, event.roomId);
        target.emit(SERVER_EVENTS.roomUpdated, event.room);
        return;
      }
    }
  }
}

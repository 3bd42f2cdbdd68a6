import { Injectable, Logger } from '@nestjs/common';
import type { Server as IoServer } from 'socket.io';
import { ClientToServerEvents, RoomRemovedReason, SERVER_EVENTS, ServerToClientEvents } from '@hihi/contracts';
import { PresenceService } from './presence.service';

type Server = IoServer<ClientToServerEvents, ServerToClientEvents>;

/** Socket.IO room of all sockets of one user (room:updated, room:removed). */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/** How long a removal is remembered (longer than any room:join in flight). */
const REMEMBER_MS = 60_000;

/**
 * Removal takes effect at once, on every gateway (SPEC §7): when chat publishes `room:removed`
 * for a person, each gateway tells that person's sockets (`room:removed`), takes them out of the
 * Socket.IO room and out of the room's presence — and remembers the removal, so that
 *
 * - fan-out skips them (per-recipient authorization: `excluded(roomId)` lists the removed
 *   people's user rooms for `.except()`; empty — nothing to do — in the common case), and
 * - a room:join that chat allowed just before the removal is refused when its answer comes back
 *   (`removedSince`).
 *
 * Added back (`room:member` joined), they are forgotten and catch up with `sinceSeq`.
 */
@Injectable()
export class RoomRemovals {
  private readonly logger = new Logger('RoomRemovals');
  /** roomId → userId → when removed (ms) */
  private readonly removed = new Map<string, Map<string, number>>();

  constructor(private readonly presence: PresenceService) {}

  /** Take the user's sockets on this gateway out of the room; answers the socket ids that were told. */
  apply(server: Server, roomId: string, userId: string, reason: RoomRemovedReason): string[] {
    let users = this.removed.get(roomId);
    if (!users) this.removed.set(roomId, (users = new Map()));
    users.set(userId, Date.now());
    this.prune();
    const ids = [...(server.sockets.adapter.rooms.get(userRoom(userId)) ?? [])];
    for (const id of ids) {
      const socket = server.sockets.sockets.get(id);
      if (!socket) continue;
      const joined = (socket.data as { joined?: Set<string> } | undefined)?.joined;
      const wasIn = joined?.delete(roomId) ?? false;
      void socket.leave(roomId);
      socket.emit(SERVER_EVENTS.roomRemoved, { roomId, reason });
      if (wasIn)
        this.presence.remove(roomId, userId).catch((err: Error) => this.logger.warn(`presence: ${err.message}`));
    }
    return ids;
  }

  /** They are a member again. */
  readded(roomId: string, userId: string): void {
    const users = this.removed.get(roomId);
    users?.delete(userId);
    if (users && !users.size) this.removed.delete(roomId);
  }

  /** User rooms of people removed from the room lately (for `.except()`), or undefined. */
  excluded(roomId: string): string[] | undefined {
    const users = this.removed.get(roomId);
    return users?.size ? [...users.keys()].map(userRoom) : undefined;
  }

  /** Was the user removed from the room at or after `sinceMs`? */
  removedSince(roomId: string, userId: string, sinceMs: number): boolean {
    const at = this.removed.get(roomId)?.get(userId);
    return at !== undefined && at >= sinceMs;
  }

  private prune(): void {
    const old = Date.now() - REMEMBER_MS;
    for (const [roomId, users] of this.removed) {
      for (const [userId, at] of users) if (at < old) users.delete(userId);
      if (!users.size) this.removed.delete(roomId);
    }
  }
}

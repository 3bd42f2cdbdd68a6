import { Injectable, computed, inject, signal } from '@angular/core';
import type { Room } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';

/**
 * The rooms the viewer is a member of (GET /api/rooms, then `room:updated`) and which one is open.
 * The open room never shows unread counts: what arrives there is being read.
 */
@Injectable()
export class RoomsStore {
  private readonly api = inject(ChatApiService);
  private readonly auth = inject(AuthService);

  readonly rooms = signal<Room[]>([]);
  readonly loading = signal(false);
  readonly activeId = signal<string | null>(null);
  readonly active = computed(() => this.rooms().find((r) => r.id === this.activeId()) ?? null);

  find(roomId: string): Room | undefined {
    return this.rooms().find((r) => r.id === roomId);
  }

  /** The viewer's rooms from the server (a guest keeps only the duck room). */
  async fetch(): Promise<Room[]> {
    const rooms = await this.api.rooms();
    return this.auth.isGuest() ? rooms.filter((r) => r.kind === 'bot') : rooms;
  }

  /** Replaces the list (the open room's counts stay cleared). */
  setAll(rooms: readonly Room[]): void {
    const active = this.activeId();
    this.rooms.set(rooms.map((r) => (r.id === active ? { ...r, unread: 0, mentions: 0 } : r)));
  }

  /**
   * Adds a room or replaces the one with its id (a guest takes only the duck room). A room sent
   * to the whole room (a rename, a new topic) may lack the viewer's own facts: their unread
   * counts and role are kept then.
   */
  upsert(room: Room): void {
    if (!room?.id) return;
    if (this.auth.isGuest() && room.kind !== 'bot') return;
    const before = this.find(room.id);
    const merged: Room = before
      ? {
          ...room,
          unread: room.unread ?? before.unread,
          lastSeq: Math.max(room.lastSeq ?? 0, before.lastSeq),
          ...(room.mentions === undefined && before.mentions !== undefined ? { mentions: before.mentions } : {}),
          ...(room.role === undefined && before.role !== undefined ? { role: before.role } : {}),
        }
      : room;
    const patched = room.id === this.activeId() ? { ...merged, unread: 0, mentions: 0 } : merged;
    this.rooms.update((rooms) => (before ? rooms.map((r) => (r.id === room.id ? patched : r)) : [...rooms, patched]));
  }

  patch(roomId: string, change: Partial<Room>): void {
    this.rooms.update((rooms) => rooms.map((r) => (r.id === roomId ? { ...r, ...change } : r)));
  }

  /** Drops a room from the list (left, removed); the open one closes. */
  remove(roomId: string): void {
    if (!this.rooms().some((r) => r.id === roomId)) return;
    this.rooms.update((rooms) => rooms.filter((r) => r.id !== roomId));
    if (this.activeId() === roomId) this.activeId.set(null);
  }
}

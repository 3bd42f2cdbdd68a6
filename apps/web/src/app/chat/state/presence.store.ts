import { Injectable, computed, inject, signal } from '@angular/core';
import type { PresenceEvent, PublicUser } from '@hihi/contracts';
import { RoomsStore } from './rooms.store';

/** Who is online in each room: the join ack's first ones, then `presence` deltas. */
@Injectable()
export class PresenceStore {
  private readonly rooms = inject(RoomsStore);

  /** roomId → the members online we know of (the list may be capped) */
  readonly online = signal<Record<string, PublicUser[]>>({});
  /** roomId → how many members are online */
  readonly onlineCount = signal<Record<string, number>>({});

  readonly activeOnline = computed(() => this.online()[this.rooms.activeId() ?? ''] ?? []);
  /** how many are online in the open room (the list may show only the first ones) */
  readonly activeOnlineCount = computed(() =>
    Math.max(this.onlineCount()[this.rooms.activeId() ?? ''] ?? 0, this.activeOnline().length),
  );

  /** The join ack's list and count. */
  set(roomId: string, users: readonly PublicUser[], count: number): void {
    this.online.update((o) => ({ ...o, [roomId]: [...users] }));
    this.onlineCount.update((c) => ({ ...c, [roomId]: count }));
  }

  /** Presence deltas: who came online, who left, and the room's count. */
  /** Someone changed their name or picture (`user:updated`): every online list shows it. */
  renamed(user: PublicUser): void {
    this.online.update((o) => {
      let changed = false;
      const next: Record<string, PublicUser[]> = {};
      for (const [roomId, users] of Object.entries(o)) {
        next[roomId] = users.map((u) => {
          if (u.id !== user.id) return u;
          changed = true;
          return { ...u, displayName: user.displayName, avatarUrl: user.avatarUrl };
        });
      }
      return changed ? next : o;
    });
  }

  apply(p: PresenceEvent): void {
    if (!p?.roomId) return;
    this.online.update((o) => {
      const left = new Set(p.left ?? []);
      const joined = p.joined ?? [];
      const list = (o[p.roomId] ?? []).filter((u) => !left.has(u.id) && !joined.some((j) => j.id === u.id));
      return { ...o, [p.roomId]: [...list, ...joined].sort((a, b) => a.username.localeCompare(b.username)) };
    });
    if (typeof p.onlineCount === 'number') this.onlineCount.update((c) => ({ ...c, [p.roomId]: p.onlineCount }));
  }

  /** Forgets a room (the viewer left it or was removed). */
  forget(roomId: string): void {
    this.online.update(({ [roomId]: _gone, ...rest }) => rest);
    this.onlineCount.update(({ [roomId]: _gone, ...rest }) => rest);
  }
}

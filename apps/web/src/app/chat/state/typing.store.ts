import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import type { PublicUser, TypingEvent } from '@hihi/contracts';
import { AuthService } from '../../core/auth/auth.service';
import { SocketService } from '../../core/socket/socket.service';
import { RoomsStore } from './rooms.store';

/** A "typing" not renewed within this time ends by itself. */
export const TYPING_TTL_MS = 6000;

/** Who is typing where (others, `typing` events), and the viewer's own typing. */
@Injectable()
export class TypingStore {
  private readonly socket = inject(SocketService);
  private readonly rooms = inject(RoomsStore);
  private readonly me = inject(AuthService).user;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** the room my "typing" went to, until it ends */
  private typingIn: string | null = null;

  /** roomId → userId → user */
  readonly typing = signal<Record<string, Record<string, PublicUser>>>({});
  /** others typing in the open room */
  readonly activeTyping = computed(() => {
    const meId = this.me()?.id;
    return Object.values(this.typing()[this.rooms.activeId() ?? ''] ?? {}).filter((u) => u.id !== meId);
  });

  constructor() {
    // nobody can be seen typing through a dead connection
    effect(() => {
      if (this.socket.state() === 'reconnecting') untracked(() => this.typing.set({}));
    });
  }

  receive(t: TypingEvent): void {
    if (!t?.roomId || !t.user) return;
    const key = `${t.roomId}|${t.user.id}`;
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
    if (!t.typing) {
      this.clear(t.roomId, t.user.id);
      return;
    }
    this.typing.update((all) => ({ ...all, [t.roomId]: { ...all[t.roomId], [t.user.id]: t.user } }));
    this.timers.set(
      key,
      setTimeout(() => this.clear(t.roomId, t.user.id), TYPING_TTL_MS),
    );
  }

  /** This user stopped typing here (their message arrived). */
  clear(roomId: string, userId: string | undefined): void {
    if (!userId || !this.typing()[roomId]?.[userId]) return;
    this.typing.update((all) => {
      const { [userId]: _gone, ...rest } = all[roomId] ?? {};
      return { ...all, [roomId]: rest };
    });
  }

  /**
   * "Typing" goes to the room it started in, and its end too — also when the end comes after a
   * switch to another room (the composer stops typing when the room changes).
   */
  setMine(typing: boolean): void {
    if (!typing) {
      if (this.typingIn) this.socket.typing({ roomId: this.typingIn, typing: false });
      this.typingIn = null;
      return;
    }
    const roomId = this.rooms.activeId();
    if (!roomId) return;
    if (this.typingIn && this.typingIn !== roomId) this.socket.typing({ roomId: this.typingIn, typing: false });
    this.typingIn = roomId;
    this.socket.typing({ roomId, typing: true });
  }

  /** Forgets a room (the viewer left it or was removed): nobody types there any more. */
  forget(roomId: string): void {
    if (this.typingIn === roomId) this.typingIn = null;
    if (this.typing()[roomId]) this.typing.update(({ [roomId]: _gone, ...rest }) => rest);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

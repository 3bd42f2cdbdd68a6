import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import type { AckError, RoomMemberEvent } from '@hihi/contracts';
import { AuthService } from '../../core/auth/auth.service';
import { RoomsStore } from './rooms.store';

/** The viewer's mute in a room: until when (ISO-8601 UTC), or null until lifted. */
export type MuteState = { until: string | null };

/**
 * What moderation means for the viewer in the chat (SPEC §8): their own mutes per room (from
 * `room:member` events and refused sends), their slow-mode wait per room, and the moderator's
 * badge (open reports). Mutes end by themselves: `now` ticks while one with an end is shown.
 */
@Injectable()
export class ModerationStore {
  private readonly rooms = inject(RoomsStore);
  private readonly me = inject(AuthService).user;

  private readonly mutes = signal<Record<string, MuteState>>({});
  /** epoch ms from which the viewer may send again, per room (slow mode) */
  private readonly slowUntil = signal<Record<string, number>>({});
  /** the clock, ticking once a second while a timed mute or a slow-mode wait is shown */
  readonly now = signal(Date.now());
  /** open reports the viewer may act on (their badge) */
  readonly openReports = signal(0);

  private timer: ReturnType<typeof setInterval> | null = null;

  readonly activeMute = computed<MuteState | null>(() => {
    const id = this.rooms.activeId();
    const mute = id ? this.mutes()[id] : undefined;
    if (!mute) return null;
    if (mute.until && Date.parse(mute.until) <= this.now()) return null;
    return mute;
  });

  /** seconds the viewer still waits before sending in the open room (slow mode), 0 when none */
  readonly activeSlowWait = computed(() => {
    const id = this.rooms.activeId();
    const until = id ? this.slowUntil()[id] : undefined;
    return until ? Math.max(0, Math.ceil((until - this.now()) / 1000)) : 0;
  });

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stopClock());
  }

  /** A `room:member` event: the viewer's own mute starts or ends. */
  applyMember(e: RoomMemberEvent): void {
    if (!e?.roomId || e.user?.id !== this.me()?.id) return;
    if (e.change === 'muted') this.setMute(e.roomId, e.mutedUntil ?? null);
    else if (e.change === 'unmuted') this.clearMute(e.roomId);
  }

  /** A refused send: `forbidden` with `until` is a mute; `rate_limited` in a slow room is its wait. */
  refused(roomId: string, error: Pick<AckError, 'code' | 'until' | 'retryAfterMs'>): void {
    if (error.code === 'forbidden' && error.until !== undefined) this.setMute(roomId, error.until);
    else if (error.code === 'rate_limited' && error.retryAfterMs && this.rooms.find(roomId)?.slowModeSec) {
      this.wait(roomId, error.retryAfterMs);
    }
  }

  /** A message was stored: in a slow room the next one waits `slowModeSec`. */
  sent(roomId: string, slowed: boolean): void {
    const sec = this.rooms.find(roomId)?.slowModeSec ?? 0;
    if (slowed && sec > 0) this.wait(roomId, sec * 1000);
  }

  /** The viewer's own mute as the members list shows it. */
  seenOwn(roomId: string, mutedUntil: string | null | undefined): void {
    if (mutedUntil === undefined) this.clearMute(roomId);
    else this.setMute(roomId, mutedUntil);
  }

  setMute(roomId: string, until: string | null): void {
    this.mutes.update((all) => ({ ...all, [roomId]: { until } }));
    this.tick();
  }

  clearMute(roomId: string): void {
    if (this.mutes()[roomId]) this.mutes.update(({ [roomId]: _gone, ...rest }) => rest);
  }

  private wait(roomId: string, ms: number): void {
    this.slowUntil.update((all) => ({ ...all, [roomId]: Date.now() + ms }));
    this.tick();
  }

  /** Runs the clock while something counts down; stops it when nothing does. */
  private tick(): void {
    this.now.set(Date.now());
    if (this.timer) return;
    this.timer = setInterval(() => {
      const now = Date.now();
      this.now.set(now);
      const counting =
        Object.values(this.slowUntil()).some((t) => t > now) ||
        Object.values(this.mutes()).some((m) => m.until && Date.parse(m.until) > now);
      if (!counting) this.stopClock();
    }, 1000);
  }

  stopClock(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { DOCUMENT } from '@angular/common';
import { CLIENT_EVENTS, REALTIME, type Room, type RoomReadPayload } from '@hihi/contracts';
import { SocketService } from '../../core/socket/socket.service';
import { RoomsStore } from './rooms.store';
import { TimelineStore } from './timeline.store';

interface ReadMark {
  /** highest seq told to the server */
  sent: number;
  /** highest seq the reader has seen (sent at the latest one interval after the last send) */
  want: number;
  at: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * How far each room has been read: `room:read` marks (coalesced, none while the tab is hidden),
 * the "new messages" divider, and what arrived in the open room while the tab was hidden.
 */
@Injectable()
export class ReadMarksStore {
  private readonly socket = inject(SocketService);
  private readonly rooms = inject(RoomsStore);
  private readonly timeline = inject(TimelineStore);
  private readonly document = inject(DOCUMENT);
  private readonly marks = new Map<string, ReadMark>();
  private stopped = false;

  /** the tab is visible (no read marks are sent while it is hidden) */
  readonly visible = signal(true);
  /** messages that arrived in the open room while the tab was hidden */
  readonly awayUnread = signal(0);
  /** roomId → seq of the first unread message when the room was opened (the "new messages" divider) */
  readonly unreadFrom = signal<Record<string, number>>({});
  readonly activeUnreadFrom = computed(() => this.unreadFrom()[this.rooms.activeId() ?? ''] ?? null);

  constructor() {
    const onVisibility = () => this.onVisibility();
    this.document.addEventListener('visibilitychange', onVisibility);
    this.visible.set(!this.document.hidden);
    inject(DestroyRef).onDestroy(() => {
      this.document.removeEventListener('visibilitychange', onVisibility);
      this.stop();
    });
  }

  /** A room is being opened: its divider marks where this visit's unread messages start. */
  opening(roomId: string, room: Room | undefined): void {
    this.unreadFrom.update((all) => {
      const { [roomId]: _old, ...rest } = all;
      return room && room.unread > 0 ? { ...rest, [roomId]: Math.max(1, room.lastSeq - room.unread + 1) } : rest;
    });
  }

  /** A message from someone else came into the open room while the tab is hidden. */
  arrivedAway(roomId: string, seq: number): void {
    this.awayUnread.update((n) => n + 1);
    if (this.unreadFrom()[roomId] === undefined) this.unreadFrom.update((all) => ({ ...all, [roomId]: seq }));
  }

  /**
   * Tells the server how far a room has been read: at most one `room:read` per room per
   * REALTIME.readMarkIntervalMs, always carrying the latest seq (a trailing send catches up), and
   * none while the tab is hidden (what arrives then is unread; the mark goes out when it is seen).
   */
  markRead(roomId: string): void {
    if (!this.visible() || this.stopped) return; // onVisibility marks the open room when the tab comes back
    const seq = this.timeline.lastSeq(roomId);
    if (seq === undefined) return;
    const mark = this.marks.get(roomId) ?? { sent: 0, want: 0, at: -Infinity, timer: null };
    this.marks.set(roomId, mark);
    mark.want = Math.max(mark.want, seq);
    if (mark.sent >= mark.want || mark.timer) return;
    const wait = mark.at + REALTIME.readMarkIntervalMs - Date.now();
    if (wait <= 0) {
      this.send(roomId, mark);
      return;
    }
    mark.timer = setTimeout(() => {
      mark.timer = null;
      if (!this.stopped && mark.want > mark.sent) this.send(roomId, mark);
    }, wait);
  }

  /** Forgets a room (left, removed): no mark goes out for it any more. */
  forget(roomId: string): void {
    const mark = this.marks.get(roomId);
    if (mark?.timer) clearTimeout(mark.timer);
    this.marks.delete(roomId);
    if (this.unreadFrom()[roomId] !== undefined) this.unreadFrom.update(({ [roomId]: _gone, ...rest }) => rest);
  }

  start(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    for (const mark of this.marks.values()) if (mark.timer) clearTimeout(mark.timer);
  }

  private send(roomId: string, mark: ReadMark): void {
    mark.sent = mark.want;
    mark.at = Date.now();
    const payload: RoomReadPayload = { roomId, seq: mark.want };
    void this.socket.request(CLIENT_EVENTS.roomRead, payload);
  }

  private onVisibility(): void {
    const visible = !this.document.hidden;
    this.visible.set(visible);
    if (!visible) return;
    this.awayUnread.set(0);
    const active = this.rooms.activeId();
    if (active && this.timeline.isJoined(active)) this.markRead(active);
  }
}

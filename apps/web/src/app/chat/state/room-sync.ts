import { Injectable, inject } from '@angular/core';
import { CLIENT_EVENTS, type RoomJoinPayload } from '@hihi/contracts';
import { SocketService } from '../../core/socket/socket.service';
import { OutboxService } from '../outbox.service';
import { PresenceStore } from './presence.store';
import { ReadMarksStore } from './read-marks.store';
import { RoomsStore } from './rooms.store';
import { ChatStatus } from './status.store';
import { TimelineStore } from './timeline.store';

/** Join retries (issue 10 item 7): 250 ms · 2^n, ± 50 % jitter, at most 5 s. */
export const JOIN_BACKOFF_BASE_MS = 250;
export const JOIN_BACKOFF_CAP_MS = 5000;
export function joinBackoffMs(attempt: number, random: () => number = Math.random): number {
  const base = JOIN_BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16);
  return Math.round(Math.min(JOIN_BACKOFF_CAP_MS, base * (0.5 + random())));
}

/**
 * Joining rooms over the socket: one join per room at a time, `unavailable` retried with jittered
 * backoff, every joined room caught up with `sinceSeq` after a reconnect, DMs joined in the
 * background (only joined rooms get live messages).
 */
@Injectable()
export class RoomSync {
  private readonly socket = inject(SocketService);
  private readonly outbox = inject(OutboxService);
  private readonly rooms = inject(RoomsStore);
  private readonly timeline = inject(TimelineStore);
  private readonly presence = inject(PresenceStore);
  private readonly reads = inject(ReadMarksStore);
  private readonly status = inject(ChatStatus);
  private readonly joining = new Map<string, Promise<boolean>>();
  private stopped = false;

  /**
   * Joins a room; with messages already known, asks only for what came after them. An
   * `unavailable` answer (an overloaded server, a timeout) is retried with jittered backoff.
   */
  join(roomId: string): Promise<boolean> {
    const running = this.joining.get(roomId);
    if (running) return running;
    const attempt = this.joinWithRetry(roomId).finally(() => {
      this.joining.delete(roomId);
      this.timeline.setRejoining(roomId, false);
    });
    this.joining.set(roomId, attempt);
    return attempt;
  }

  /** The socket (re)connected: a reconnect catches every joined room up, the open one first. */
  async onConnected(reconnect: boolean): Promise<void> {
    const active = this.rooms.activeId();
    if (reconnect) {
      const joined = this.timeline.unjoinAll();
      const order = joined.sort((a, b) => (a === active ? -1 : b === active ? 1 : 0));
      for (const roomId of order) await this.join(roomId);
      if (active && !order.includes(active)) await this.join(active);
      void this.refreshUnread();
    } else if (active && !this.timeline.isJoined(active)) {
      await this.join(active);
    }
    void this.joinDms();
  }

  /**
   * Joins the DMs in the background, one after another, after the open room: a DM should count
   * as unread and notify even when it is not open.
   */
  async joinDms(): Promise<void> {
    for (const room of this.rooms.rooms()) {
      if (this.stopped || !this.socket.connected) return;
      if ((room.kind === 'dm' || room.kind === 'group') && !this.timeline.isJoined(room.id)) await this.join(room.id);
    }
  }

  start(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
  }

  private async joinWithRetry(roomId: string): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (!this.socket.connected || this.stopped) return false; // onConnected will join
      const result = await this.joinOnce(roomId);
      if (result === 'ok' || result === 'failed') return result === 'ok';
      this.timeline.setRejoining(roomId, true);
      await this.timeline.sleep(result === 'retry' ? joinBackoffMs(attempt) : result.waitMs);
    }
  }

  private async joinOnce(roomId: string): Promise<'ok' | 'failed' | 'retry' | { waitMs: number }> {
    const sinceSeq = this.timeline.lastSeq(roomId);
    const payload: RoomJoinPayload = sinceSeq === undefined ? { roomId } : { roomId, sinceSeq };
    const ack = await this.socket.request(CLIENT_EVENTS.roomJoin, payload);
    if (!ack.ok) {
      if (ack.error.code === 'unavailable') return 'retry';
      // many rooms re-joined at once after a reconnect: wait as told (bounded), then go on
      if (ack.error.code === 'rate_limited') {
        const told = ack.error.retryAfterMs;
        return { waitMs: Number.isFinite(told) ? Math.min(Math.max(Number(told), 50), JOIN_BACKOFF_CAP_MS) : 1000 };
      }
      this.status.error.set(ack.error.message);
      return 'failed';
    }
    this.timeline.applyJoin(roomId, ack.messages ?? [], sinceSeq === undefined);
    // edits, deletions and reactions of messages we already had
    if (ack.updates?.length) this.timeline.applyUpdates(ack.updates);
    for (const m of ack.messages ?? []) this.outbox.confirm(m.clientMsgId);
    this.presence.set(roomId, ack.online ?? [], ack.onlineCount ?? ack.online?.length ?? 0);
    if (ack.room) this.rooms.upsert(ack.room);
    if (this.rooms.activeId() === roomId) {
      this.rooms.patch(roomId, { unread: 0, mentions: 0 });
      this.reads.markRead(roomId);
    }
    return 'ok';
  }

  /** After a reconnect: the unread counts of every room, fresh from the server. */
  private async refreshUnread(): Promise<void> {
    try {
      this.rooms.setAll(await this.rooms.fetch());
    } catch {
      /* keep what we have */
    }
  }
}

import { Injectable, computed, inject, signal } from '@angular/core';
import { LIMITS, type Message } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { httpErrorMessage } from '../../core/api/http-error';
import { lastSeq, mergeMessages, replaceMessages } from '../message-merge';
import { RoomsStore } from './rooms.store';
import { ChatStatus } from './status.store';

export interface RoomView {
  messages: Message[];
  /** older history exists on the server */
  hasMore: boolean;
  loadingOlder: boolean;
  /** joined over the socket (gets live messages) */
  joined: boolean;
}

export const EMPTY_VIEW: RoomView = { messages: [], hasMore: false, loadingOlder: false, joined: false };
/** Pages of history loaded at most to find a replied-to message or the first unread. */
export const JUMP_MAX_PAGES = 50;

/**
 * The messages of each room, merged by seq (join acks, live messages, history pages), and the
 * edits, deletions and reactions applied to them.
 */
@Injectable()
export class TimelineStore {
  private readonly api = inject(ChatApiService);
  private readonly rooms = inject(RoomsStore);
  private readonly status = inject(ChatStatus);
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  readonly views = signal<Record<string, RoomView>>({});
  /** rooms whose join was answered `unavailable` and is being retried */
  readonly rejoining = signal<ReadonlySet<string>>(new Set());

  readonly activeView = computed(() => {
    const id = this.rooms.activeId();
    return (id && this.views()[id]) || EMPTY_VIEW;
  });
  readonly activeMessages = computed(() => this.activeView().messages);
  readonly activeRejoining = computed(() => this.rejoining().has(this.rooms.activeId() ?? ''));

  view(roomId: string): RoomView | undefined {
    return this.views()[roomId];
  }

  isJoined(roomId: string): boolean {
    return this.views()[roomId]?.joined === true;
  }

  lastSeq(roomId: string): number | undefined {
    return lastSeq(this.views()[roomId]?.messages ?? []);
  }

  patch(roomId: string, fn: (v: RoomView) => RoomView): void {
    this.views.update((views) => {
      const before = views[roomId] ?? EMPTY_VIEW;
      const after = fn(before);
      return after === before && views[roomId] ? views : { ...views, [roomId]: after };
    });
  }

  /** A join's messages: merged, the room marked joined; a first join learns whether older ones exist. */
  applyJoin(roomId: string, messages: readonly Message[], fresh: boolean): void {
    this.patch(roomId, (v) => {
      const merged = mergeMessages(v.messages, messages);
      return { ...v, messages: merged, joined: true, hasMore: fresh ? (merged[0]?.seq ?? 1) > 1 : v.hasMore };
    });
  }

  /** Marks every joined room as not joined (the connection was lost); answers their ids. */
  unjoinAll(): string[] {
    const joined = Object.entries(this.views())
      .filter(([, v]) => v.joined)
      .map(([id]) => id);
    for (const roomId of joined) this.patch(roomId, (v) => ({ ...v, joined: false }));
    return joined;
  }

  setRejoining(roomId: string, on: boolean): void {
    if (this.rejoining().has(roomId) === on) return;
    const next = new Set(this.rejoining());
    if (on) next.add(roomId);
    else next.delete(roomId);
    this.rejoining.set(next);
  }

  /** Merges one message into its room; says whether it was new. */
  add(m: Message): boolean {
    const before = this.views()[m.roomId]?.messages ?? [];
    if (mergeMessages(before, [m]) === before) return false;
    this.patch(m.roomId, (v) => ({ ...v, messages: mergeMessages(v.messages, [m]) }));
    return true;
  }

  /** Merges edits, deletions and reactions into the loaded messages (replace by id). */
  applyUpdates(messages: readonly Message[]): void {
    const byRoom = new Map<string, Message[]>();
    for (const m of messages) {
      if (!m?.id || !m.roomId) continue;
      byRoom.set(m.roomId, [...(byRoom.get(m.roomId) ?? []), m]);
    }
    for (const [roomId, updates] of byRoom) {
      this.patch(roomId, (v) => {
        const next = replaceMessages(v.messages, updates);
        return next === v.messages ? v : { ...v, messages: next };
      });
    }
  }

  /** The loaded message with this id, if any. */
  find(roomId: string, messageId: string): Message | undefined {
    const messages = this.views()[roomId]?.messages ?? [];
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i].id === messageId) return messages[i];
    return undefined;
  }

  /** Loads one page of older history of a room (infinite scroll upwards). */
  async loadOlder(roomId: string, limit: number = LIMITS.historyDefault): Promise<void> {
    const view = this.views()[roomId];
    if (!view || !view.hasMore || view.loadingOlder) return;
    const beforeSeq = view.messages[0]?.seq;
    if (beforeSeq === undefined) return;
    this.patch(roomId, (v) => ({ ...v, loadingOlder: true }));
    try {
      const page = await this.api.history(roomId, { beforeSeq, limit });
      this.patch(roomId, (v) => ({
        ...v,
        messages: mergeMessages(v.messages, page.messages),
        hasMore: page.hasMore,
        loadingOlder: false,
      }));
    } catch (err) {
      this.patch(roomId, (v) => ({ ...v, loadingOlder: false }));
      this.status.error.set(httpErrorMessage(err) ?? 'network');
    }
  }

  /**
   * Loads older pages of the open room until the message with this seq is in the list (a reply's
   * original far back in history, the first unread). Says whether it is there now.
   */
  async loadUntil(roomId: string, seq: number): Promise<boolean> {
    for (let page = 0; page <= JUMP_MAX_PAGES; page++) {
      const view = this.views()[roomId];
      if (!view || this.rooms.activeId() !== roomId) return false;
      const first = view.messages[0]?.seq;
      if (first !== undefined && first <= seq) return view.messages.some((m) => m.seq === seq);
      if (!view.hasMore) return false;
      if (view.loadingOlder) {
        await this.sleep(50);
        continue;
      }
      await this.loadOlder(roomId, LIMITS.historyMax);
      if (this.views()[roomId]?.messages[0]?.seq === first) return false; // no progress (an error)
    }
    return false;
  }

  /**
   * Loads the messages with afterSeq < seq < beforeSeq that live delivery skipped, handing each
   * page to `receive` (which merges them and updates the room).
   */
  async fillGap(
    roomId: string,
    afterSeq: number,
    beforeSeq: number,
    receive: (messages: readonly Message[]) => void,
  ): Promise<void> {
    try {
      for (let after = afterSeq; after < beforeSeq - 1;) {
        const page = await this.api.history(roomId, { afterSeq: after, beforeSeq, limit: LIMITS.historyMax });
        if (!page.messages.length) return;
        receive(page.messages);
        after = page.messages[page.messages.length - 1].seq;
        if (!page.hasMore) return;
      }
    } catch {
      // the next reconnect's sinceSeq catch-up fills it
    }
  }

  /** Forgets a room's messages (the viewer left it or was removed: nothing of it stays on screen). */
  forget(roomId: string): void {
    if (this.views()[roomId]) this.views.update(({ [roomId]: _gone, ...rest }) => rest);
    this.setRejoining(roomId, false);
  }

  /** Waits, on a timer `stop()` clears. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import {
  CLIENT_EVENTS,
  LIMITS,
  LOBBY_ROOM_ID,
  type Message,
  type PublicUser,
  type Room,
  type RoomJoinAck,
  type RoomJoinPayload,
  type RoomReadPayload,
  type TypingEvent,
} from '@hihi/contracts';
import { Subscription } from 'rxjs';
import { ChatApiService } from '../core/api/chat-api.service';
import { httpErrorMessage } from '../core/api/http-error';
import { AuthService } from '../core/auth/auth.service';
import { SocketService } from '../core/socket/socket.service';
import { lastSeq, mergeMessages } from './message-merge';
import { type OutboxItem, OutboxService } from './outbox.service';

export interface RoomView {
  messages: Message[];
  /** older history exists on the server */
  hasMore: boolean;
  loadingOlder: boolean;
  /** joined over the socket (gets live messages) */
  joined: boolean;
}

const EMPTY_VIEW: RoomView = { messages: [], hasMore: false, loadingOlder: false, joined: false };
export const TYPING_TTL_MS = 6000;

/**
 * State of the chat page: rooms, messages per room (merged by seq), presence and typing.
 * Provided by the chat page, so it lives exactly as long as the page.
 */
@Injectable()
export class ChatStore {
  private readonly api = inject(ChatApiService);
  private readonly socket = inject(SocketService);
  private readonly outbox = inject(OutboxService);
  private readonly auth = inject(AuthService);

  private readonly subs = new Subscription();
  private readonly readSent = new Map<string, number>();
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();

  readonly rooms = signal<Room[]>([]);
  readonly roomsLoading = signal(false);
  readonly error = signal<string | null>(null);
  readonly activeRoomId = signal<string | null>(null);
  readonly views = signal<Record<string, RoomView>>({});
  readonly online = signal<Record<string, PublicUser[]>>({});
  /** roomId → userId → user */
  readonly typing = signal<Record<string, Record<string, PublicUser>>>({});

  readonly me = this.auth.user;
  readonly connection = this.socket.state;

  readonly activeRoom = computed(() => this.rooms().find((r) => r.id === this.activeRoomId()) ?? null);
  readonly activeView = computed(() => {
    const id = this.activeRoomId();
    return (id && this.views()[id]) || EMPTY_VIEW;
  });
  readonly activeMessages = computed(() => this.activeView().messages);
  /** Outbox entries of the active room not yet seen in its message list. */
  readonly activeOutbox = computed<OutboxItem[]>(() => {
    const id = this.activeRoomId();
    const seen = new Set(
      this.activeMessages()
        .map((m) => m.clientMsgId)
        .filter(Boolean),
    );
    return this.outbox.items().filter((i) => i.roomId === id && !seen.has(i.clientMsgId));
  });
  readonly activeOnline = computed(() => this.online()[this.activeRoomId() ?? ''] ?? []);
  readonly activeTyping = computed(() => {
    const meId = this.me()?.id;
    return Object.values(this.typing()[this.activeRoomId() ?? ''] ?? {}).filter((u) => u.id !== meId);
  });
  readonly totalUnread = computed(() =>
    this.rooms().reduce((sum, r) => sum + (r.id === this.activeRoomId() ? 0 : r.unread), 0),
  );

  constructor() {
    // nobody can be seen typing through a dead connection
    effect(() => {
      if (this.socket.state() === 'reconnecting') untracked(() => this.typing.set({}));
    });
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Connects and loads the rooms; call once when the chat page opens. */
  async start(): Promise<void> {
    this.subs.add(this.socket.connected$.subscribe(({ reconnect }) => void this.onConnected(reconnect)));
    this.subs.add(this.socket.messageNew$.subscribe((m) => this.receive([m], true)));
    this.subs.add(this.outbox.delivered$.subscribe((m) => this.receive([m], false)));
    this.subs.add(this.socket.presence$.subscribe((p) => this.online.update((o) => ({ ...o, [p.roomId]: p.online }))));
    this.subs.add(this.socket.typing$.subscribe((t) => this.onTyping(t)));
    this.subs.add(this.socket.roomUpdated$.subscribe((r) => this.upsertRoom(r)));
    this.socket.connect();
    await this.loadRooms();
  }

  stop(): void {
    this.subs.unsubscribe();
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    this.socket.disconnect();
  }

  async loadRooms(): Promise<void> {
    this.roomsLoading.set(true);
    try {
      let rooms = await this.api.rooms();
      if (this.auth.isGuest()) rooms = rooms.filter((r) => r.kind === 'bot');
      this.rooms.set(rooms);
      this.error.set(null);
      if (!this.activeRoomId() || !rooms.some((r) => r.id === this.activeRoomId())) {
        const first = this.auth.isGuest()
          ? rooms.find((r) => r.kind === 'bot')
          : (rooms.find((r) => r.id === LOBBY_ROOM_ID) ?? rooms[0]);
        if (first) await this.selectRoom(first.id);
      }
    } catch (err) {
      this.error.set(httpErrorMessage(err) ?? 'network');
    } finally {
      this.roomsLoading.set(false);
    }
  }

  async selectRoom(roomId: string): Promise<void> {
    this.activeRoomId.set(roomId);
    this.patchRoom(roomId, { unread: 0 });
    const view = this.views()[roomId];
    if (view?.joined) this.markRead(roomId);
    else await this.join(roomId);
  }

  /** Joins a room; with messages already known, asks only for what came after them. */
  async join(roomId: string): Promise<boolean> {
    if (!this.socket.connected) return false; // onConnected will join
    const sinceSeq = lastSeq(this.views()[roomId]?.messages ?? []);
    const payload: RoomJoinPayload = sinceSeq === undefined ? { roomId } : { roomId, sinceSeq };
    const ack = await this.socket.request<RoomJoinAck>(CLIENT_EVENTS.roomJoin, payload);
    if (!ack.ok) {
      this.error.set(ack.error.message);
      return false;
    }
    const fresh = sinceSeq === undefined;
    this.patchView(roomId, (v) => {
      const messages = mergeMessages(v.messages, ack.messages ?? []);
      return {
        ...v,
        messages,
        joined: true,
        hasMore: fresh ? (messages[0]?.seq ?? 1) > 1 : v.hasMore,
      };
    });
    for (const m of ack.messages ?? []) this.outbox.confirm(m.clientMsgId);
    this.online.update((o) => ({ ...o, [roomId]: ack.online ?? [] }));
    if (ack.room) this.upsertRoom(ack.room);
    if (this.activeRoomId() === roomId) {
      this.patchRoom(roomId, { unread: 0 });
      this.markRead(roomId);
    }
    return true;
  }

  /** Loads one page of older history (infinite scroll upwards). */
  async loadOlder(): Promise<void> {
    const roomId = this.activeRoomId();
    if (!roomId) return;
    const view = this.views()[roomId];
    if (!view || !view.hasMore || view.loadingOlder) return;
    const beforeSeq = view.messages[0]?.seq;
    if (beforeSeq === undefined) return;
    this.patchView(roomId, (v) => ({ ...v, loadingOlder: true }));
    try {
      const page = await this.api.history(roomId, { beforeSeq, limit: LIMITS.historyDefault });
      this.patchView(roomId, (v) => ({
        ...v,
        messages: mergeMessages(v.messages, page.messages),
        hasMore: page.hasMore,
        loadingOlder: false,
      }));
    } catch (err) {
      this.patchView(roomId, (v) => ({ ...v, loadingOlder: false }));
      this.error.set(httpErrorMessage(err) ?? 'network');
    }
  }

  /** Loads the messages with afterSeq < seq < beforeSeq that live delivery skipped. */
  async fillGap(roomId: string, afterSeq: number, beforeSeq: number): Promise<void> {
    try {
      for (let after = afterSeq; after < beforeSeq - 1;) {
        const page = await this.api.history(roomId, { afterSeq: after, beforeSeq, limit: LIMITS.historyMax });
        if (!page.messages.length) return;
        this.receive(page.messages, false);
        after = page.messages[page.messages.length - 1].seq;
        if (!page.hasMore) return;
      }
    } catch {
      // the next reconnect's sinceSeq catch-up fills it
    }
  }

  send(text: string): void {
    const roomId = this.activeRoomId();
    const trimmed = text.trim();
    if (!roomId || !trimmed || trimmed.length > LIMITS.messageMax) return;
    this.outbox.send(roomId, trimmed);
  }

  retry(clientMsgId: string): void {
    void this.outbox.retry(clientMsgId);
  }

  setTyping(typing: boolean): void {
    const roomId = this.activeRoomId();
    if (roomId) this.socket.typing({ roomId, typing });
  }

  async createRoom(name: string): Promise<Room> {
    const room = await this.api.createRoom(name);
    this.upsertRoom(room);
    await this.selectRoom(room.id);
    return room;
  }

  async openDm(username: string): Promise<Room> {
    const room = await this.api.openDm(username);
    this.upsertRoom(room);
    await this.selectRoom(room.id);
    return room;
  }

  /** Tells the server how far the active room has been read. */
  markRead(roomId: string): void {
    const seq = lastSeq(this.views()[roomId]?.messages ?? []);
    if (seq === undefined || (this.readSent.get(roomId) ?? 0) >= seq) return;
    this.readSent.set(roomId, seq);
    const payload: RoomReadPayload = { roomId, seq };
    void this.socket.request(CLIENT_EVENTS.roomRead, payload);
  }

  /** Merges messages into their rooms; live ones bump the unread count of other rooms. */
  receive(messages: readonly Message[], live: boolean): void {
    const meId = this.me()?.id;
    for (const m of messages) {
      if (!m?.roomId) continue;
      const before = this.views()[m.roomId]?.messages ?? [];
      const known = lastSeq(before);
      // a live message past a hole (one lost while the server's bus restarted): fetch the hole
      if (live && known !== undefined && m.seq > known + 1) void this.fillGap(m.roomId, known, m.seq);
      const merged = mergeMessages(before, [m]);
      const added = merged !== before;
      if (added) this.patchView(m.roomId, (v) => ({ ...v, messages: mergeMessages(v.messages, [m]) }));
      if (m.sender?.id === meId) this.outbox.confirm(m.clientMsgId);
      this.clearTyping(m.roomId, m.sender?.id);
      if (!added) continue;
      const room = this.rooms().find((r) => r.id === m.roomId);
      if (room) {
        const unread =
          live && m.roomId !== this.activeRoomId() && m.sender?.id !== meId ? room.unread + 1 : room.unread;
        this.patchRoom(m.roomId, { lastSeq: Math.max(room.lastSeq, m.seq), unread });
      }
      if (m.roomId === this.activeRoomId()) this.markRead(m.roomId);
    }
  }

  private async onConnected(reconnect: boolean): Promise<void> {
    if (reconnect) {
      // gap-free catch-up: every joined room asks for what came after its last seen seq
      const joined = Object.entries(this.views()).filter(([, v]) => v.joined);
      for (const [roomId] of joined) this.patchView(roomId, (v) => ({ ...v, joined: false }));
      const active = this.activeRoomId();
      const order = [...joined.map(([id]) => id)].sort((a, b) => (a === active ? -1 : b === active ? 1 : 0));
      for (const roomId of order) await this.join(roomId);
      if (active && !order.includes(active)) await this.join(active);
      void this.refreshUnread();
    } else {
      const active = this.activeRoomId();
      if (active && !this.views()[active]?.joined) await this.join(active);
    }
  }

  private async refreshUnread(): Promise<void> {
    try {
      let rooms = await this.api.rooms();
      if (this.auth.isGuest()) rooms = rooms.filter((r) => r.kind === 'bot');
      const active = this.activeRoomId();
      this.rooms.set(rooms.map((r) => (r.id === active ? { ...r, unread: 0 } : r)));
    } catch {
      /* keep what we have */
    }
  }

  private onTyping(t: TypingEvent): void {
    if (!t?.roomId || !t.user) return;
    const key = `${t.roomId}|${t.user.id}`;
    const timer = this.typingTimers.get(key);
    if (timer) clearTimeout(timer);
    this.typingTimers.delete(key);
    if (!t.typing) {
      this.clearTyping(t.roomId, t.user.id);
      return;
    }
    this.typing.update((all) => ({ ...all, [t.roomId]: { ...all[t.roomId], [t.user.id]: t.user } }));
    this.typingTimers.set(
      key,
      setTimeout(() => this.clearTyping(t.roomId, t.user.id), TYPING_TTL_MS),
    );
  }

  private clearTyping(roomId: string, userId: string | undefined): void {
    if (!userId || !this.typing()[roomId]?.[userId]) return;
    this.typing.update((all) => {
      const { [userId]: _gone, ...rest } = all[roomId] ?? {};
      return { ...all, [roomId]: rest };
    });
  }

  private upsertRoom(room: Room): void {
    if (!room?.id) return;
    if (this.auth.isGuest() && room.kind !== 'bot') return;
    const patched = room.id === this.activeRoomId() ? { ...room, unread: 0 } : room;
    this.rooms.update((rooms) =>
      rooms.some((r) => r.id === room.id) ? rooms.map((r) => (r.id === room.id ? patched : r)) : [...rooms, patched],
    );
  }

  private patchRoom(roomId: string, change: Partial<Room>): void {
    this.rooms.update((rooms) => rooms.map((r) => (r.id === roomId ? { ...r, ...change } : r)));
  }

  private patchView(roomId: string, fn: (v: RoomView) => RoomView): void {
    this.views.update((views) => {
      const before = views[roomId] ?? EMPTY_VIEW;
      const after = fn(before);
      return after === before && views[roomId] ? views : { ...views, [roomId]: after };
    });
  }
}

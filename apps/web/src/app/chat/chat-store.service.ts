import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { DOCUMENT } from '@angular/common';
import {
  type Ack,
  type Attachment,
  CLIENT_EVENTS,
  DUCK_SENDER,
  LIMITS,
  LOBBY_ROOM_ID,
  type Message,
  type MessageChangeAck,
  type MessageDeletePayload,
  type MessageEditPayload,
  type MessageReactPayload,
  type PresenceEvent,
  type PublicUser,
  REALTIME,
  type ReplyPreview,
  type Room,
  type RoomJoinPayload,
  type RoomReadPayload,
  type TypingEvent,
} from '@hihi/contracts';
import { Subscription } from 'rxjs';
import { ChatApiService } from '../core/api/chat-api.service';
import { httpErrorMessage } from '../core/api/http-error';
import { AuthService } from '../core/auth/auth.service';
import { I18nService } from '../core/i18n/i18n.service';
import { NotifierService } from '../core/notify/notifier.service';
import { SocketService } from '../core/socket/socket.service';
import { mentionedUsernames, plainText } from './format/markdown';
import { lastSeq, mergeMessages, replaceMessages } from './message-merge';
import { roomLabel } from './room-label';
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

/** Join retries (issue 10 item 7): 250 ms · 2^n, ± 50 % jitter, at most 5 s. */
export const JOIN_BACKOFF_BASE_MS = 250;
export const JOIN_BACKOFF_CAP_MS = 5000;
export function joinBackoffMs(attempt: number, random: () => number = Math.random): number {
  const base = JOIN_BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16);
  return Math.round(Math.min(JOIN_BACKOFF_CAP_MS, base * (0.5 + random())));
}
/** Pages of history loaded at most to find a replied-to message or the first unread. */
export const JUMP_MAX_PAGES = 50;
/** How long an action error stays on screen. */
export const NOTICE_MS = 4000;

/** Someone the composer can mention. */
export interface Member {
  id: string;
  username: string;
  displayName: string;
  bot: boolean;
  online: boolean;
}

interface ReadMark {
  /** highest seq told to the server */
  sent: number;
  /** highest seq the reader has seen (sent at the latest one interval after the last send) */
  want: number;
  at: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** Does this message mention the user? The server's `mentions`, else the text itself. */
export function mentionsUser(m: Message, user: { id: string; username: string } | null): boolean {
  if (!user || m.deleted || m.sender?.id === user.id) return false;
  if (m.mentions?.includes(user.id)) return true;
  if (m.mentions) return false;
  return !!m.text && m.text.includes('@') && mentionedUsernames(m.text).includes(user.username.toLowerCase());
}

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
  private readonly notifier = inject(NotifierService);
  private readonly i18n = inject(I18nService);
  private readonly document = inject(DOCUMENT);

  private readonly subs = new Subscription();
  private readonly readMarks = new Map<string, ReadMark>();
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly joining = new Map<string, Promise<boolean>>();
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** the room my "typing" went to, until it ends */
  private typingIn: string | null = null;

  readonly rooms = signal<Room[]>([]);
  readonly roomsLoading = signal(false);
  readonly error = signal<string | null>(null);
  readonly activeRoomId = signal<string | null>(null);
  readonly views = signal<Record<string, RoomView>>({});
  /** roomId → the members online we know of (the join ack's first ones, then presence deltas) */
  readonly online = signal<Record<string, PublicUser[]>>({});
  /** roomId → how many members are online (the list above may be capped) */
  readonly onlineCount = signal<Record<string, number>>({});
  /** roomId → userId → user */
  readonly typing = signal<Record<string, Record<string, PublicUser>>>({});
  /** rooms whose join was answered `unavailable` and is being retried */
  readonly rejoining = signal<ReadonlySet<string>>(new Set());
  /** roomId → seq of the first unread message when the room was opened (the "new messages" divider) */
  readonly unreadFrom = signal<Record<string, number>>({});
  /** the message the composer replies to */
  readonly replyingTo = signal<Message | null>(null);
  /** a passing error of an action (edit, delete, react, jump) */
  readonly notice = signal<string | null>(null);
  /** the tab is visible (no read marks are sent while it is hidden) */
  readonly visible = signal(true);
  /** messages that arrived in the open room while the tab was hidden */
  readonly awayUnread = signal(0);

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
  /** how many are online in the open room (the list may show only the first ones) */
  readonly activeOnlineCount = computed(() =>
    Math.max(this.onlineCount()[this.activeRoomId() ?? ''] ?? 0, this.activeOnline().length),
  );
  readonly activeTyping = computed(() => {
    const meId = this.me()?.id;
    return Object.values(this.typing()[this.activeRoomId() ?? ''] ?? {}).filter((u) => u.id !== meId);
  });
  readonly totalUnread = computed(
    () => this.rooms().reduce((sum, r) => sum + (r.id === this.activeRoomId() ? 0 : r.unread), 0) + this.awayUnread(),
  );
  readonly activeRejoining = computed(() => this.rejoining().has(this.activeRoomId() ?? ''));
  readonly activeUnreadFrom = computed(() => this.unreadFrom()[this.activeRoomId() ?? ''] ?? null);

  /** Display names of everyone known (senders, online users, me), for reaction tooltips. */
  readonly names = computed(() => {
    const names: Record<string, string> = {};
    for (const users of Object.values(this.online())) for (const u of users) names[u.id] = u.displayName || u.username;
    for (const view of Object.values(this.views())) {
      for (const m of view.messages) names[m.sender.id] ??= m.sender.displayName || m.sender.username;
    }
    const me = this.me();
    if (me) names[me.id] = me.displayName || me.username;
    return names;
  });

  /** People the composer can @mention in the open room: online first, then recent senders. */
  readonly activeMembers = computed<Member[]>(() => {
    const meId = this.me()?.id;
    const room = this.activeRoom();
    const members = new Map<string, Member>();
    for (const u of this.activeOnline()) {
      if (u.id !== meId) members.set(u.id, { ...u, bot: false, online: true });
    }
    const messages = this.activeMessages();
    for (let i = messages.length - 1; i >= 0; i--) {
      const s = messages[i].sender;
      if (s.id !== meId && !members.has(s.id)) members.set(s.id, { ...s, online: false });
    }
    if (room && room.kind !== 'dm' && !members.has(DUCK_SENDER.id)) {
      members.set(DUCK_SENDER.id, { ...DUCK_SENDER, online: true });
    }
    return [...members.values()];
  });

  constructor() {
    // nobody can be seen typing through a dead connection
    effect(() => {
      if (this.socket.state() === 'reconnecting') untracked(() => this.typing.set({}));
    });
    const onVisibility = () => this.onVisibility();
    this.document.addEventListener('visibilitychange', onVisibility);
    this.visible.set(!this.document.hidden);
    inject(DestroyRef).onDestroy(() => {
      this.document.removeEventListener('visibilitychange', onVisibility);
      this.stop();
    });
  }

  /** Connects and loads the rooms; call once when the chat page opens. */
  async start(): Promise<void> {
    this.subs.add(this.socket.connected$.subscribe(({ reconnect }) => void this.onConnected(reconnect)));
    this.stopped = false;
    this.subs.add(this.socket.messageNew$.subscribe((m) => this.receive([m], true)));
    this.subs.add(this.socket.messageUpdated$.subscribe((m) => this.applyUpdates([m])));
    this.subs.add(this.outbox.delivered$.subscribe((m) => this.receive([m], false)));
    this.subs.add(this.socket.presence$.subscribe((p) => this.onPresence(p)));
    this.subs.add(this.socket.typing$.subscribe((t) => this.onTyping(t)));
    this.subs.add(this.socket.roomUpdated$.subscribe((r) => this.upsertRoom(r)));
    this.socket.connect();
    await this.loadRooms();
  }

  stop(): void {
    this.stopped = true;
    this.subs.unsubscribe();
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const mark of this.readMarks.values()) if (mark.timer) clearTimeout(mark.timer);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
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
      void this.joinDms();
    } catch (err) {
      this.error.set(httpErrorMessage(err) ?? 'network');
    } finally {
      this.roomsLoading.set(false);
    }
  }

  async selectRoom(roomId: string): Promise<void> {
    const previous = this.activeRoomId();
    const room = this.rooms().find((r) => r.id === roomId);
    if (previous !== roomId) {
      // the divider marks where this visit's unread messages start
      this.unreadFrom.update((all) => {
        const { [roomId]: _old, ...rest } = all;
        return room && room.unread > 0 ? { ...rest, [roomId]: Math.max(1, room.lastSeq - room.unread + 1) } : rest;
      });
      if (this.replyingTo()?.roomId !== roomId) this.replyingTo.set(null);
    }
    this.activeRoomId.set(roomId);
    this.patchRoom(roomId, { unread: 0, mentions: 0 });
    const view = this.views()[roomId];
    if (view?.joined) this.markRead(roomId);
    else await this.join(roomId);
  }

  /**
   * Joins a room; with messages already known, asks only for what came after them. An
   * `unavailable` answer (an overloaded server, a timeout) is retried with jittered backoff.
   */
  join(roomId: string): Promise<boolean> {
    const running = this.joining.get(roomId);
    if (running) return running;
    const attempt = this.joinWithRetry(roomId).finally(() => {
      this.joining.delete(roomId);
      this.setRejoining(roomId, false);
    });
    this.joining.set(roomId, attempt);
    return attempt;
  }

  private async joinWithRetry(roomId: string): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      if (!this.socket.connected || this.stopped) return false; // onConnected will join
      const result = await this.joinOnce(roomId);
      if (result !== 'retry') return result === 'ok';
      this.setRejoining(roomId, true);
      await this.sleep(joinBackoffMs(attempt));
    }
  }

  private async joinOnce(roomId: string): Promise<'ok' | 'failed' | 'retry'> {
    const sinceSeq = lastSeq(this.views()[roomId]?.messages ?? []);
    const payload: RoomJoinPayload = sinceSeq === undefined ? { roomId } : { roomId, sinceSeq };
    const ack = await this.socket.request(CLIENT_EVENTS.roomJoin, payload);
    if (!ack.ok) {
      if (ack.error.code === 'unavailable') return 'retry';
      this.error.set(ack.error.message);
      return 'failed';
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
    // edits, deletions and reactions of messages we already had
    if (ack.updates?.length) this.applyUpdates(ack.updates);
    for (const m of ack.messages ?? []) this.outbox.confirm(m.clientMsgId);
    this.online.update((o) => ({ ...o, [roomId]: ack.online ?? [] }));
    this.onlineCount.update((c) => ({ ...c, [roomId]: ack.onlineCount ?? ack.online?.length ?? 0 }));
    if (ack.room) this.upsertRoom(ack.room);
    if (this.activeRoomId() === roomId) {
      this.patchRoom(roomId, { unread: 0, mentions: 0 });
      this.markRead(roomId);
    }
    return 'ok';
  }

  private setRejoining(roomId: string, on: boolean): void {
    if (this.rejoining().has(roomId) === on) return;
    const next = new Set(this.rejoining());
    if (on) next.add(roomId);
    else next.delete(roomId);
    this.rejoining.set(next);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        resolve();
      }, ms);
      this.retryTimers.add(timer);
    });
  }

  /** Loads one page of older history (infinite scroll upwards). */
  async loadOlder(limit: number = LIMITS.historyDefault): Promise<void> {
    const roomId = this.activeRoomId();
    if (!roomId) return;
    const view = this.views()[roomId];
    if (!view || !view.hasMore || view.loadingOlder) return;
    const beforeSeq = view.messages[0]?.seq;
    if (beforeSeq === undefined) return;
    this.patchView(roomId, (v) => ({ ...v, loadingOlder: true }));
    try {
      const page = await this.api.history(roomId, { beforeSeq, limit });
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

  /**
   * Loads older pages of the open room until the message with this seq is in the list (a reply's
   * original far back in history, the first unread). Says whether it is there now.
   */
  async loadUntil(seq: number): Promise<boolean> {
    const roomId = this.activeRoomId();
    if (!roomId) return false;
    for (let page = 0; page <= JUMP_MAX_PAGES; page++) {
      const view = this.views()[roomId];
      if (!view || this.activeRoomId() !== roomId) return false;
      const first = view.messages[0]?.seq;
      if (first !== undefined && first <= seq) return view.messages.some((m) => m.seq === seq);
      if (!view.hasMore) return false;
      if (view.loadingOlder) {
        await this.sleep(50);
        continue;
      }
      await this.loadOlder(LIMITS.historyMax);
      if (this.views()[roomId]?.messages[0]?.seq === first) return false; // no progress (an error)
    }
    return false;
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

  send(text: string, attachments: readonly Attachment[] = []): void {
    const roomId = this.activeRoomId();
    const trimmed = text.trim();
    if (!roomId || !trimmed || trimmed.length > LIMITS.messageMax) return;
    const reply = this.replyingTo();
    this.outbox.send(roomId, trimmed, reply?.roomId === roomId ? toReplyPreview(reply) : undefined, attachments);
    this.replyingTo.set(null);
  }

  startReply(message: Message): void {
    if (message.deleted) return;
    this.replyingTo.set(message);
  }

  cancelReply(): void {
    this.replyingTo.set(null);
  }

  /** Edits an own message; the answer (and message:updated) replaces it in the list. */
  async edit(messageId: string, text: string): Promise<boolean> {
    const roomId = this.activeRoomId();
    const trimmed = text.trim();
    if (!roomId || !trimmed || trimmed.length > LIMITS.messageMax) return false;
    const payload: MessageEditPayload = { roomId, messageId, text: trimmed };
    return this.change(await this.socket.request(CLIENT_EVENTS.messageEdit, payload));
  }

  /** Deletes an own message: it becomes a tombstone. */
  async remove(messageId: string): Promise<boolean> {
    const roomId = this.activeRoomId();
    if (!roomId) return false;
    const payload: MessageDeletePayload = { roomId, messageId };
    return this.change(await this.socket.request(CLIENT_EVENTS.messageDelete, payload));
  }

  /** Toggles the viewer's reaction with this emoji. */
  async react(messageId: string, emoji: string): Promise<boolean> {
    const roomId = this.activeRoomId();
    const me = this.me();
    const message = this.activeMessages().find((m) => m.id === messageId);
    if (!roomId || !me || !message || message.deleted) return false;
    const existing = message.reactions?.find((r) => r.emoji === emoji);
    const on = !existing?.userIds.includes(me.id);
    if (on && !existing && (message.reactions?.length ?? 0) >= LIMITS.reactionsPerMessage) {
      this.showNotice(this.i18n.t('chat.tooManyReactions'));
      return false;
    }
    const payload: MessageReactPayload = { roomId, messageId, emoji, on };
    return this.change(await this.socket.request(CLIENT_EVENTS.messageReact, payload));
  }

  /** Merges edits, deletions and reactions into the loaded messages (replace by id). */
  applyUpdates(messages: readonly Message[]): void {
    const byRoom = new Map<string, Message[]>();
    for (const m of messages) {
      if (!m?.id || !m.roomId) continue;
      byRoom.set(m.roomId, [...(byRoom.get(m.roomId) ?? []), m]);
    }
    for (const [roomId, updates] of byRoom) {
      this.patchView(roomId, (v) => {
        const next = replaceMessages(v.messages, updates);
        return next === v.messages ? v : { ...v, messages: next };
      });
      const reply = this.replyingTo();
      const changed = reply && updates.find((u) => u.id === reply.id);
      if (changed) this.replyingTo.set(changed.deleted ? null : changed);
    }
  }

  showNotice(text: string): void {
    this.notice.set(text);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => this.notice.set(null), NOTICE_MS);
  }

  private change(ack: Ack<MessageChangeAck>): boolean {
    if (ack.ok) {
      if (ack.message) this.applyUpdates([ack.message]);
      return true;
    }
    this.showNotice(this.i18n.t('chat.actionFailed', { message: ack.error.message }));
    return false;
  }

  retry(clientMsgId: string): void {
    void this.outbox.retry(clientMsgId);
  }

  /**
   * "Typing" goes to the room it started in, and its end too — also when the end comes after a
   * switch to another room (the composer stops typing when the room changes).
   */
  setTyping(typing: boolean): void {
    if (!typing) {
      if (this.typingIn) this.socket.typing({ roomId: this.typingIn, typing: false });
      this.typingIn = null;
      return;
    }
    const roomId = this.activeRoomId();
    if (!roomId) return;
    if (this.typingIn && this.typingIn !== roomId) this.socket.typing({ roomId: this.typingIn, typing: false });
    this.typingIn = roomId;
    this.socket.typing({ roomId, typing: true });
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

  /**
   * Tells the server how far the active room has been read: at most one `room:read` per room per
   * REALTIME.readMarkIntervalMs, always carrying the latest seq (a trailing send catches up), and
   * none while the tab is hidden (what arrives then is unread; the mark goes out when it is seen).
   */
  markRead(roomId: string): void {
    if (!this.visible()) return; // onVisibility marks the open room when the tab comes back
    const seq = lastSeq(this.views()[roomId]?.messages ?? []);
    if (seq === undefined) return;
    const mark = this.readMarks.get(roomId) ?? { sent: 0, want: 0, at: -Infinity, timer: null };
    this.readMarks.set(roomId, mark);
    mark.want = Math.max(mark.want, seq);
    if (mark.sent >= mark.want || mark.timer) return;
    const wait = mark.at + REALTIME.readMarkIntervalMs - Date.now();
    if (wait <= 0) {
      this.sendRead(roomId, mark);
      return;
    }
    mark.timer = setTimeout(() => {
      mark.timer = null;
      if (!this.stopped && mark.want > mark.sent) this.sendRead(roomId, mark);
    }, wait);
  }

  private sendRead(roomId: string, mark: ReadMark): void {
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
    const active = this.activeRoomId();
    if (active && this.views()[active]?.joined) this.markRead(active);
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
      const fromOther = live && m.sender?.id !== meId;
      const active = m.roomId === this.activeRoomId();
      const mentioned = fromOther && mentionsUser(m, this.me());
      if (room) {
        const unread = fromOther && !active ? room.unread + 1 : room.unread;
        const mentions = mentioned && !active ? (room.mentions ?? 0) + 1 : room.mentions;
        this.patchRoom(m.roomId, { lastSeq: Math.max(room.lastSeq, m.seq), unread, mentions });
      }
      if (fromOther && active && !this.visible()) {
        // read while away? no: count it in the title and mark where the new ones start
        this.awayUnread.update((n) => n + 1);
        if (this.unreadFrom()[m.roomId] === undefined) this.unreadFrom.update((all) => ({ ...all, [m.roomId]: m.seq }));
      }
      if (fromOther && room && (room.kind === 'dm' || mentioned)) this.notify(m, room, mentioned);
      if (active) this.markRead(m.roomId);
    }
  }

  private notify(m: Message, room: Room, mentioned: boolean): void {
    if (this.notifier.isMuted(room.id)) return;
    const name = m.sender.displayName || m.sender.username;
    const title =
      room.kind === 'dm' && !mentioned
        ? this.i18n.t('chat.notifyDm', { name })
        : this.i18n.t('chat.notifyMention', { name, room: roomLabel(room, this.i18n) });
    this.notifier.notify({
      title,
      body: plainText(m.text).slice(0, 160),
      tag: room.id,
      onClick: () => void this.selectRoom(room.id),
    });
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
    void this.joinDms();
  }

  /**
   * Joins the DMs in the background, one after another, after the open room: only joined rooms
   * get live messages, and a DM should count as unread and notify even when it is not open.
   */
  private async joinDms(): Promise<void> {
    for (const room of this.rooms()) {
      if (this.stopped || !this.socket.connected) return;
      if (room.kind === 'dm' && !this.views()[room.id]?.joined) await this.join(room.id);
    }
  }

  private async refreshUnread(): Promise<void> {
    try {
      let rooms = await this.api.rooms();
      if (this.auth.isGuest()) rooms = rooms.filter((r) => r.kind === 'bot');
      const active = this.activeRoomId();
      this.rooms.set(rooms.map((r) => (r.id === active ? { ...r, unread: 0, mentions: 0 } : r)));
    } catch {
      /* keep what we have */
    }
  }

  /** Presence deltas: who came online, who left, and the room's count. */
  private onPresence(p: PresenceEvent): void {
    this.online.update((o) => {
      const left = new Set(p.left ?? []);
      const joined = p.joined ?? [];
      const list = (o[p.roomId] ?? []).filter((u) => !left.has(u.id) && !joined.some((j) => j.id === u.id));
      return { ...o, [p.roomId]: [...list, ...joined].sort((a, b) => a.username.localeCompare(b.username)) };
    });
    if (typeof p.onlineCount === 'number') this.onlineCount.update((c) => ({ ...c, [p.roomId]: p.onlineCount }));
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
    const patched = room.id === this.activeRoomId() ? { ...room, unread: 0, mentions: 0 } : room;
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

/** The quote a reply carries before the server has stored it. */
export function toReplyPreview(m: Message): ReplyPreview {
  return {
    id: m.id,
    seq: m.seq,
    sender: m.sender,
    text: m.text.slice(0, LIMITS.replyExcerpt),
    ...(m.deleted ? { deleted: true } : {}),
  };
}

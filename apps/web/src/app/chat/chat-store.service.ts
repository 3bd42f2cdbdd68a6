import { Injectable, type Provider, computed, inject, signal } from '@angular/core';
import {
  type Attachment,
  type CreateRoomBody,
  defaultNotificationLevel,
  DUCK_SENDER,
  LIMITS,
  LOBBY_ROOM_ID,
  type Message,
  type NotificationLevel,
  type PublicUser,
  type Room,
  type RoomMember,
  type RoomRemovedEvent,
  type RoomRole,
  type UpdateRoomBody,
} from '@hihi/contracts';
import { Subscription } from 'rxjs';
import { ChatApiService } from '../core/api/chat-api.service';
import { httpErrorMessage } from '../core/api/http-error';
import { AuthService } from '../core/auth/auth.service';
import { AccountApi } from '../core/account/account-api.service';
import { I18nService } from '../core/i18n/i18n.service';
import { NotifierService } from '../core/notify/notifier.service';
import { SocketService } from '../core/socket/socket.service';
import { mentionedUsernames, plainText } from './format/markdown';
import { type OutboxItem, OutboxService } from './outbox.service';
import { roomLabel } from './room-label';
import { abilities } from './permissions';
import { MembersStore } from './state/members.store';
import { ModerationStore } from './state/moderation.store';
import { MessageActions } from './state/message-actions.store';
import { PeopleStore } from './state/people.store';
import { PresenceStore } from './state/presence.store';
import { RoomSync } from './state/room-sync';
import { ReadMarksStore } from './state/read-marks.store';
import { RoomsStore } from './state/rooms.store';
import { ChatStatus } from './state/status.store';
import { TimelineStore } from './state/timeline.store';
import { TypingStore } from './state/typing.store';

export { EMPTY_VIEW, JUMP_MAX_PAGES, type RoomView } from './state/timeline.store';
export { NOTICE_MS } from './state/status.store';
export { TYPING_TTL_MS } from './state/typing.store';
export { toReplyPreview } from './state/message-actions.store';

export { JOIN_BACKOFF_BASE_MS, JOIN_BACKOFF_CAP_MS, joinBackoffMs } from './state/room-sync';

/** Someone the composer can mention. */
export interface Member {
  id: string;
  username: string;
  displayName: string;
  bot: boolean;
  online: boolean;
}

/** Does this message mention the user? The server's `mentions`, else the text itself. */
export function mentionsUser(m: Message, user: { id: string; username: string } | null): boolean {
  if (!user || m.deleted || m.sender?.id === user.id) return false;
  if (m.mentions?.includes(user.id)) return true;
  if (m.mentions) return false;
  return !!m.text && m.text.includes('@') && mentionedUsernames(m.text).includes(user.username.toLowerCase());
}

/**
 * The chat page's state, one facade over the stores that each own one concern (state/):
 * rooms (the list, the open one), timeline (messages per room), joining (room-sync), read marks,
 * presence, typing, message actions and status. The facade wires them to the socket and runs what
 * spans several of them: receiving a message, opening a room.
 * Provided by the chat page with `provideChatStore()`, so it lives exactly as long as the page.
 */
@Injectable()
export class ChatStore {
  private readonly api = inject(ChatApiService);
  private readonly socket = inject(SocketService);
  private readonly outbox = inject(OutboxService);
  private readonly auth = inject(AuthService);
  private readonly account = inject(AccountApi);
  private readonly notifier = inject(NotifierService);
  private readonly i18n = inject(I18nService);

  private readonly roomsStore = inject(RoomsStore);
  private readonly timeline = inject(TimelineStore);
  private readonly reads = inject(ReadMarksStore);
  private readonly presence = inject(PresenceStore);
  private readonly typingStore = inject(TypingStore);
  private readonly actions = inject(MessageActions);
  private readonly status = inject(ChatStatus);
  private readonly sync = inject(RoomSync);
  private readonly membersStore = inject(MembersStore);
  private readonly moderation = inject(ModerationStore);
  readonly people = inject(PeopleStore);

  private subs = new Subscription();

  // rooms
  /** pictures people changed since their messages were loaded (`user:updated`; null: removed) */
  readonly avatars = signal<Record<string, string | null>>({});

  readonly rooms = this.roomsStore.rooms;
  readonly roomsLoading = this.roomsStore.loading;
  readonly activeRoomId = this.roomsStore.activeId;
  readonly activeRoom = this.roomsStore.active;
  // timeline
  readonly views = this.timeline.views;
  readonly rejoining = this.timeline.rejoining;
  readonly activeView = this.timeline.activeView;
  readonly activeMessages = this.timeline.activeMessages;
  readonly activeRejoining = this.timeline.activeRejoining;
  // read marks
  readonly unreadFrom = this.reads.unreadFrom;
  readonly visible = this.reads.visible;
  readonly awayUnread = this.reads.awayUnread;
  readonly activeUnreadFrom = this.reads.activeUnreadFrom;
  // presence and typing
  readonly online = this.presence.online;
  readonly onlineCount = this.presence.onlineCount;
  readonly activeOnline = this.presence.activeOnline;
  readonly activeOnlineCount = this.presence.activeOnlineCount;
  readonly typing = this.typingStore.typing;
  readonly activeTyping = this.typingStore.activeTyping;
  // messages and status
  readonly replyingTo = this.actions.replyingTo;
  readonly error = this.status.error;
  // members of the open room (its panel), and what the viewer may do there
  readonly activeMembersList = this.membersStore.activeList;
  readonly activeAbilities = computed(() => abilities(this.activeRoom(), this.me()));
  readonly notice = this.status.notice;
  /** the viewer's mute in the open room (null: not muted) */
  readonly activeMute = this.moderation.activeMute;
  /** seconds until the viewer may send again in the open room (slow mode) */
  readonly activeSlowWait = this.moderation.activeSlowWait;
  /** open reports the viewer may act on (the moderator's badge) */
  readonly openReports = this.moderation.openReports;

  readonly me = this.auth.user;
  readonly connection = this.socket.state;
  /** cut off by the server for flooding (server:disconnect): why, and until when */
  readonly cutOff = this.socket.cutOff;

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
  readonly totalUnread = computed(
    () => this.rooms().reduce((sum, r) => sum + (r.id === this.activeRoomId() ? 0 : r.unread), 0) + this.awayUnread(),
  );

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

  /** Connects and loads the rooms; call once when the chat page opens. */
  async start(): Promise<void> {
    this.sync.start();
    this.reads.start();
    this.subs = new Subscription();
    this.subs.add(this.socket.connected$.subscribe(({ reconnect }) => void this.sync.onConnected(reconnect)));
    this.subs.add(this.socket.messageNew$.subscribe((m) => this.receive([m], true)));
    this.subs.add(this.socket.messageUpdated$.subscribe((m) => this.applyUpdates([m])));
    this.subs.add(this.outbox.delivered$.subscribe((m) => this.receive([m], false)));
    this.subs.add(this.socket.presence$.subscribe((p) => this.presence.apply(p)));
    this.subs.add(this.socket.typing$.subscribe((t) => this.typingStore.receive(t)));
    this.subs.add(this.socket.roomUpdated$.subscribe((r) => this.roomsStore.upsert(r)));
    this.subs.add(
      this.socket.roomMember$.subscribe((e) => {
        this.membersStore.apply(e);
        this.moderation.applyMember(e);
      }),
    );
    this.subs.add(this.socket.moderationReports$.subscribe((e) => this.moderation.openReports.set(e.openCount)));
    this.subs.add(this.outbox.refused$.subscribe(({ roomId, error }) => this.moderation.refused(roomId, error)));
    this.subs.add(
      this.outbox.delivered$.subscribe((m) => {
        const room = this.roomsStore.find(m.roomId) ?? null;
        this.moderation.sent(m.roomId, abilities(room, this.me()).slowed);
      }),
    );
    this.subs.add(this.socket.roomRemoved$.subscribe((e) => this.onRemoved(e)));
    this.subs.add(this.socket.userUpdated$.subscribe((e) => this.onUserUpdated(e.user)));
    this.socket.connect();
    void this.refreshReportCount();
    await this.loadRooms();
  }

  /** The moderator's badge: the open reports the viewer may act on (0 for everyone else). */
  async refreshReportCount(): Promise<void> {
    if (!this.me() || this.me()?.guest) return;
    try {
      this.moderation.openReports.set((await this.api.reports({ status: 'open', limit: 1 })).openCount);
    } catch {
      /* no badge; the queue page says what went wrong */
    }
  }

  stop(): void {
    this.sync.stop();
    this.subs.unsubscribe();
    this.typingStore.stop();
    this.timeline.stop();
    this.reads.stop();
    this.status.stop();
    this.socket.disconnect();
  }

  async loadRooms(): Promise<void> {
    this.roomsLoading.set(true);
    try {
      const rooms = await this.roomsStore.fetch();
      this.rooms.set(rooms);
      this.error.set(null);
      if (!this.activeRoomId() || !rooms.some((r) => r.id === this.activeRoomId())) {
        const first = this.auth.isGuest()
          ? rooms.find((r) => r.kind === 'bot')
          : (rooms.find((r) => r.id === LOBBY_ROOM_ID) ?? rooms[0]);
        if (first) await this.selectRoom(first.id);
      }
      void this.sync.joinDms();
      // rooms an earlier version muted in this browser become `none` on the server, once
      if (!this.auth.isGuest())
        for (const id of this.notifier.takeLegacyMuted())
          if (rooms.some((r) => r.id === id)) void this.setNotifications(id, 'none');
    } catch (err) {
      this.error.set(httpErrorMessage(err) ?? 'network');
    } finally {
      this.roomsLoading.set(false);
    }
  }

  async selectRoom(roomId: string): Promise<void> {
    if (this.activeRoomId() !== roomId) {
      this.reads.opening(roomId, this.roomsStore.find(roomId));
      this.actions.roomChanged(roomId);
    }
    this.activeRoomId.set(roomId);
    this.roomsStore.patch(roomId, { unread: 0, mentions: 0 });
    if (this.timeline.isJoined(roomId)) this.reads.markRead(roomId);
    else await this.sync.join(roomId);
  }

  /** Joins a room over the socket (retried while the server is unavailable). */
  join(roomId: string): Promise<boolean> {
    return this.sync.join(roomId);
  }

  /** Loads one page of older history of the open room (infinite scroll upwards). */
  async loadOlder(limit: number = LIMITS.historyDefault): Promise<void> {
    const roomId = this.activeRoomId();
    if (roomId) await this.timeline.loadOlder(roomId, limit);
  }

  /** Loads older pages of the open room until the message with this seq is there; says whether it is. */
  async loadUntil(seq: number): Promise<boolean> {
    const roomId = this.activeRoomId();
    return roomId ? this.timeline.loadUntil(roomId, seq) : false;
  }

  /** Loads the messages with afterSeq < seq < beforeSeq that live delivery skipped. */
  fillGap(roomId: string, afterSeq: number, beforeSeq: number): Promise<void> {
    return this.timeline.fillGap(roomId, afterSeq, beforeSeq, (page) => this.receive(page, false));
  }

  send(text: string, attachments: readonly Attachment[] = []): void {
    this.actions.send(text, attachments);
  }
  startReply(message: Message): void {
    this.actions.startReply(message);
  }
  cancelReply(): void {
    this.actions.cancelReply();
  }
  edit(messageId: string, text: string): Promise<boolean> {
    return this.actions.edit(messageId, text);
  }
  remove(messageId: string): Promise<boolean> {
    return this.actions.remove(messageId);
  }
  react(messageId: string, emoji: string): Promise<boolean> {
    return this.actions.react(messageId, emoji);
  }
  retry(clientMsgId: string): void {
    this.actions.retry(clientMsgId);
  }
  setTyping(typing: boolean): void {
    this.typingStore.setMine(typing);
  }
  showNotice(text: string): void {
    this.status.showNotice(text);
  }
  markRead(roomId: string): void {
    this.reads.markRead(roomId);
  }

  /** Merges edits, deletions and reactions into the loaded messages (replace by id). */
  applyUpdates(messages: readonly Message[]): void {
    this.timeline.applyUpdates(messages);
  }

  /** Creates a public or private room (the creator owns it) and opens it. */
  async createRoom(name: string, opts: Omit<CreateRoomBody, 'name'> = {}): Promise<Room> {
    return this.opened(await this.api.createRoom(name, opts));
  }

  async openDm(username: string): Promise<Room> {
    return this.opened(await this.api.openDm(username));
  }

  /** Opens the group DM of exactly these people and the viewer (the same set → the same room). */
  async openGroup(usernames: readonly string[]): Promise<Room> {
    return this.opened(await this.api.openGroup(usernames));
  }

  /** Joins a public room from the directory (or opens it, when already in). */
  async joinPublic(roomId: string): Promise<Room> {
    const known = this.roomsStore.find(roomId);
    if (known) {
      await this.selectRoom(roomId);
      return known;
    }
    return this.opened(await this.api.joinRoom(roomId));
  }

  /** Renames, sets the topic, archives: the answer (and room:updated) replaces the room. */
  async updateRoom(roomId: string, change: UpdateRoomBody): Promise<Room> {
    const room = await this.api.updateRoom(roomId, change);
    this.roomsStore.upsert(room);
    return room;
  }

  /** Leaves a room: it goes from the list at once (room:removed `left` follows, changing nothing). */
  async leave(roomId: string): Promise<void> {
    await this.api.leaveRoom(roomId);
    this.onRemoved({ roomId, reason: 'left' });
  }

  /** Loads the members of the open room (its first page, or with `more` the next). */
  async loadMembers(more = false): Promise<void> {
    const roomId = this.activeRoomId();
    if (!roomId) return;
    await this.membersStore.load(roomId, more);
    const mine = this.membersStore.lists()[roomId]?.members.find((m) => m.user.id === this.me()?.id);
    if (mine) this.moderation.seenOwn(roomId, mine.mutedUntil);
  }

  /** Mutes a member of the open room (no duration: until lifted); `room:member` updates the list. */
  async mute(userId: string, durationSec?: number, reason?: string): Promise<void> {
    const roomId = this.activeRoomId();
    if (!roomId) return;
    const mute = await this.api.mute(roomId, userId, durationSec, reason);
    const member = this.membersStore.lists()[roomId]?.members.find((m) => m.user.id === userId);
    if (member) {
      this.membersStore.apply({
        roomId,
        user: member.user,
        role: member.role,
        change: 'muted',
        mutedUntil: mute.mutedUntil,
      });
    }
  }

  async unmute(userId: string): Promise<void> {
    const roomId = this.activeRoomId();
    if (!roomId) return;
    await this.api.unmute(roomId, userId);
    const member = this.membersStore.lists()[roomId]?.members.find((m) => m.user.id === userId);
    if (member) this.membersStore.apply({ roomId, user: member.user, role: member.role, change: 'unmuted' });
  }

  /** Bans a member from the open room: they are out at once and cannot come back. */
  async ban(userId: string, reason?: string): Promise<void> {
    const roomId = this.activeRoomId();
    if (!roomId) return;
    const member = this.membersStore.lists()[roomId]?.members.find((m) => m.user.id === userId);
    await this.api.ban(roomId, userId, reason);
    if (member) this.membersStore.apply({ roomId, user: member.user, role: member.role, change: 'removed' });
  }

  /** Reports someone else's message to the moderators. */
  report(messageId: string, reason: string): Promise<unknown> {
    return this.api.report(messageId, reason);
  }

  invite(username: string): Promise<RoomMember | null> {
    const roomId = this.activeRoomId();
    return roomId ? this.membersStore.invite(roomId, username) : Promise.resolve(null);
  }

  removeMember(userId: string): Promise<void> {
    const roomId = this.activeRoomId();
    return roomId ? this.membersStore.remove(roomId, userId) : Promise.resolve();
  }

  setMemberRole(userId: string, role: RoomRole): Promise<RoomMember | null> {
    const roomId = this.activeRoomId();
    return roomId ? this.membersStore.setRole(roomId, userId, role) : Promise.resolve(null);
  }

  private async opened(room: Room): Promise<Room> {
    this.roomsStore.upsert(room);
    await this.selectRoom(room.id);
    return room;
  }

  /**
   * The viewer is no longer in a room (left here or in another tab, removed, banned, the room
   * deleted): it disappears with everything of it; the open one gives way to the lobby, with a
   * notice unless the viewer left by themselves.
   */
  /** Someone changed their name or picture: lists and avatars follow; the own account too. */
  private onUserUpdated(user: PublicUser): void {
    if (!user?.id) return;
    this.avatars.update((all) => ({ ...all, [user.id]: user.avatarUrl ?? null }));
    this.membersStore.renamed(user);
    this.presence.renamed(user);
    const me = this.me();
    if (me && me.id === user.id) this.auth.setUser({ ...me, displayName: user.displayName, avatarUrl: user.avatarUrl });
  }

  /** The viewer's notification level for a room (SPEC §10; the server's default by kind). */
  notificationLevel(room: Room): NotificationLevel {
    return room.notifications ?? defaultNotificationLevel(room.kind);
  }

  /** Set a room's level: stored on the server, so the person's other devices follow (`room:updated`). */
  async setNotifications(roomId: string, level: NotificationLevel): Promise<void> {
    const room = this.roomsStore.find(roomId);
    if (!room) return;
    const before = room.notifications;
    this.roomsStore.patch(roomId, { notifications: level });
    try {
      this.roomsStore.upsert(await this.account.setNotifications(roomId, level));
    } catch (err) {
      this.roomsStore.patch(roomId, { notifications: before });
      this.status.showNotice(this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? '' }));
    }
  }

  private onRemoved(e: RoomRemovedEvent): void {
    if (!e?.roomId) return;
    const room = this.roomsStore.find(e.roomId);
    const wasActive = this.activeRoomId() === e.roomId;
    this.roomsStore.remove(e.roomId);
    this.timeline.forget(e.roomId);
    this.presence.forget(e.roomId);
    this.typingStore.forget(e.roomId);
    this.reads.forget(e.roomId);
    this.membersStore.forget(e.roomId);
    this.actions.roomChanged(this.activeRoomId() ?? '');
    if (room && e.reason !== 'left') {
      const name = roomLabel(room, this.i18n);
      this.status.showNotice(
        this.i18n.t(
          e.reason === 'deleted'
            ? 'rooms.deletedNotice'
            : e.reason === 'banned'
              ? 'rooms.bannedNotice'
              : 'rooms.removedNotice',
          { room: name },
        ),
      );
    }
    if (wasActive) {
      const next = this.rooms().find((r) => r.id === LOBBY_ROOM_ID) ?? this.rooms()[0];
      if (next) void this.selectRoom(next.id);
    }
  }

  /** Merges messages into their rooms; live ones bump the unread count of other rooms. */
  receive(messages: readonly Message[], live: boolean): void {
    const me = this.me();
    for (const m of messages) {
      if (!m?.roomId) continue;
      const known = this.timeline.lastSeq(m.roomId);
      // a live message past a hole (one lost while the server's bus restarted): fetch the hole
      if (live && known !== undefined && m.seq > known + 1) void this.fillGap(m.roomId, known, m.seq);
      const added = this.timeline.add(m);
      if (m.sender?.id === me?.id) this.outbox.confirm(m.clientMsgId);
      this.typingStore.clear(m.roomId, m.sender?.id);
      if (!added) continue;
      const room = this.roomsStore.find(m.roomId);
      const fromOther = live && m.sender?.id !== me?.id;
      const active = m.roomId === this.activeRoomId();
      const mentioned = fromOther && mentionsUser(m, me);
      if (room) {
        const unread = fromOther && !active ? room.unread + 1 : room.unread;
        const mentions = mentioned && !active ? (room.mentions ?? 0) + 1 : room.mentions;
        this.roomsStore.patch(m.roomId, { lastSeq: Math.max(room.lastSeq, m.seq), unread, mentions });
      }
      // read while away? no: count it in the title and mark where the new ones start
      if (fromOther && active && !this.visible()) this.reads.arrivedAway(m.roomId, m.seq);
      if (fromOther && room) this.notify(m, room, mentioned);
      if (active) this.reads.markRead(m.roomId);
    }
  }

  /** A browser notification, as the room's level says: `all` any message, `mentions` only those, `none` nothing. */
  private notify(m: Message, room: Room, mentioned: boolean): void {
    const level = this.notificationLevel(room);
    if (level === 'none' || (level === 'mentions' && !mentioned)) return;
    const name = m.sender.displayName || m.sender.username;
    const title =
      room.kind !== 'public' && room.kind !== 'private' && !mentioned
        ? this.i18n.t('chat.notifyDm', { name })
        : this.i18n.t('chat.notifyMention', { name, room: roomLabel(room, this.i18n) });
    this.notifier.notify({
      title,
      body: plainText(m.text).slice(0, 160),
      tag: room.id,
      icon: (m.sender.id in this.avatars() ? this.avatars()[m.sender.id] : m.sender.avatarUrl) ?? undefined,
      onClick: () => void this.selectRoom(room.id),
    });
  }
}

/** The providers of the chat state: the facade and its stores, one set per chat page. */
export function provideChatStore(): Provider[] {
  return [
    ChatStatus,
    RoomsStore,
    TimelineStore,
    ReadMarksStore,
    PresenceStore,
    TypingStore,
    MessageActions,
    MembersStore,
    ModerationStore,
    PeopleStore,
    RoomSync,
    ChatStore,
  ];
}

import { TestBed } from '@angular/core/testing';
import {
  CLIENT_EVENTS,
  type Message,
  type PresenceEvent,
  type Room,
  type RoomMemberEvent,
  type RoomRemovedEvent,
} from '@hihi/contracts';
import { Subject } from 'rxjs';
import { signal } from '@angular/core';
import { ChatApiService } from '../core/api/chat-api.service';
import { AuthService } from '../core/auth/auth.service';
import { SocketService } from '../core/socket/socket.service';
import { AccountApi } from '../core/account/account-api.service';
import { NotifierService } from '../core/notify/notifier.service';
import { ChatStore, JOIN_BACKOFF_CAP_MS, joinBackoffMs, mentionsUser, provideChatStore } from './chat-store.service';
import { OutboxService } from './outbox.service';

const alice = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false, role: 'member' as const };
const bob = { id: 'u2', username: 'bob', displayName: 'Bob', bot: false };
const msg = (roomId: string, seq: number, sender = bob, clientMsgId?: string): Message => ({
  id: `${roomId}-${seq}`,
  roomId,
  seq,
  sender,
  text: `#${seq}`,
  createdAt: new Date(seq * 60_000).toISOString(),
  ...(clientMsgId ? { clientMsgId } : {}),
});
const room = (id: string, kind: Room['kind'] = 'public', unread = 0): Room => ({
  id,
  name: id,
  kind,
  unread,
  lastSeq: 0,
  memberCount: 1,
});
const reads = (socket: { request: { mock: { calls: unknown[][] } } }) =>
  socket.request.mock.calls.filter(([event]) => event === CLIENT_EVENTS.roomRead).map(([, p]) => p);
const setHidden = (hidden: boolean) => {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
};
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

function setup(opts: { guest?: boolean; rooms?: Room[]; legacyMuted?: string[]; openReports?: number } = {}) {
  const joinAnswers = new Map<string, Message[]>();
  const joinUpdates = new Map<string, Message[]>();
  /** error codes the next joins answer, in order */
  const joinErrors: string[] = [];
  /** answers of message:edit / delete / react */
  const changeAnswers: unknown[] = [];
  const socket = {
    connected: true,
    state: signal('connected'),
    connected$: new Subject<{ reconnect: boolean }>(),
    messageNew$: new Subject<Message>(),
    messageUpdated$: new Subject<Message>(),
    presence$: new Subject<PresenceEvent>(),
    typing$: new Subject<{ roomId: string; user: typeof alice; typing: boolean }>(),
    roomUpdated$: new Subject<Room>(),
    roomMember$: new Subject<RoomMemberEvent>(),
    roomRemoved$: new Subject<RoomRemovedEvent>(),
    userUpdated$: new Subject<{
      user: { id: string; username: string; displayName: string; guest?: boolean; avatarUrl?: string };
    }>(),
    moderationReports$: new Subject<{ openCount: number; roomId: string }>(),
    connect: vi.fn(),
    disconnect: vi.fn(),
    typing: vi.fn(),
    request: vi.fn(async (event: string, payload: { roomId: string; sinceSeq?: number }) => {
      if (event === CLIENT_EVENTS.roomJoin) {
        const code = joinErrors.shift();
        if (code) return { ok: false, error: { code, message: code } };
        const all = joinAnswers.get(payload.roomId) ?? [];
        const messages = payload.sinceSeq === undefined ? all : all.filter((m) => m.seq > payload.sinceSeq!);
        return {
          ok: true,
          room: undefined,
          messages,
          updates: joinUpdates.get(payload.roomId) ?? [],
          online: [alice],
          onlineCount: 150,
        };
      }
      if (changeAnswers.length) return changeAnswers.shift();
      return { ok: true };
    }),
  };
  const api = {
    rooms: vi.fn(async () => opts.rooms ?? [room('lobby'), room('duck-u1', 'bot'), room('r2', 'public', 2)]),
    history: vi.fn(),
    createRoom: vi.fn(),
    openDm: vi.fn(),
    leaveRoom: vi.fn(async () => undefined),
    joinRoom: vi.fn(),
    reports: vi.fn(async () => ({ reports: [], openCount: opts.openReports ?? 0 })),
    mute: vi.fn(async (_r: string, userId: string) => ({ userId, mutedUntil: null })),
    report: vi.fn(async () => ({})),
  };
  const user = { ...alice, guest: !!opts.guest };
  const auth = {
    user: signal(user),
    isGuest: signal(!!opts.guest),
    setUser: vi.fn(),
  };
  const account = {
    setNotifications: vi.fn(async (roomId: string, level: string) => ({ ...room(roomId), notifications: level })),
  };
  const notifier = {
    permission: signal('granted'),
    notify: vi.fn(() => true),
    takeLegacyMuted: vi.fn(() => opts.legacyMuted ?? []),
  };
  TestBed.configureTestingModule({
    providers: [
      ...provideChatStore(),
      { provide: SocketService, useValue: socket },
      { provide: ChatApiService, useValue: api },
      { provide: AuthService, useValue: auth },
      { provide: AccountApi, useValue: account },
      { provide: NotifierService, useValue: notifier },
    ],
  });
  const outbox = TestBed.inject(OutboxService);
  return {
    store: TestBed.inject(ChatStore),
    socket,
    api,
    auth,
    account,
    notifier,
    joinAnswers,
    joinUpdates,
    joinErrors,
    changeAnswers,
    outbox,
  };
}

describe('ChatStore', () => {
  it('opens the lobby first and joins it', async () => {
    const { store, socket, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 1), msg('lobby', 2)]);
    await store.start();
    await settle();
    expect(store.activeRoomId()).toBe('lobby');
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.roomJoin, { roomId: 'lobby' });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2]);
    expect(store.activeView().hasMore).toBe(false); // seq 1 is the very beginning
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.roomRead, { roomId: 'lobby', seq: 2 });
  });

  it('joins the DMs in the background after the open room, so they count unread and notify', async () => {
    const { store, socket } = setup({ rooms: [room('lobby'), room('d1', 'dm'), room('d2', 'dm')] });
    await store.start();
    await settle();
    const joins = socket.request.mock.calls
      .filter(([event]) => event === CLIENT_EVENTS.roomJoin)
      .map(([, p]) => (p as { roomId: string }).roomId);
    expect(joins).toEqual(['lobby', 'd1', 'd2']);
    socket.messageNew$.next(msg('d2', 1));
    expect(store.rooms().find((r) => r.id === 'd2')?.unread).toBe(1);
  });

  it('notifies as each room’s level says: all, mentions only, or nothing', async () => {
    const lobby = { ...room('lobby'), notifications: 'mentions' as const };
    const { store, socket, notifier } = setup({
      rooms: [
        lobby,
        { ...room('d1', 'dm'), notifications: 'none' as const },
        { ...room('r2'), notifications: 'all' as const },
      ],
    });
    await store.start();
    await settle();
    setHidden(true);
    socket.messageNew$.next(msg('lobby', 1)); // no mention: nothing
    socket.messageNew$.next({ ...msg('lobby', 2), text: 'hi @alice' }); // a mention
    socket.messageNew$.next(msg('d1', 1)); // a DM set to none
    socket.messageNew$.next(msg('r2', 1)); // any message of a room at all
    setHidden(false);
    expect(notifier.notify.mock.calls.map((c) => (c as unknown as [{ tag: string }])[0].tag)).toEqual(['lobby', 'r2']);
    socket.userUpdated$.next({ user: { ...bob, avatarUrl: '/api/avatars/b.webp' } });
    setHidden(true);
    socket.messageNew$.next(msg('r2', 2));
    setHidden(false);
    expect((notifier.notify.mock.calls.at(-1) as unknown as [{ icon?: string }])[0].icon).toBe('/api/avatars/b.webp');
  });

  it('stores a level on the server, and takes over rooms muted in this browser by an earlier version', async () => {
    const { store, account } = setup({ legacyMuted: ['r2', 'gone'] });
    await store.start();
    await settle();
    expect(account.setNotifications.mock.calls).toEqual([['r2', 'none']]);
    expect(store.rooms().find((r) => r.id === 'r2')?.notifications).toBe('none');
    await store.setNotifications('lobby', 'all');
    expect(store.notificationLevel(store.rooms().find((r) => r.id === 'lobby')!)).toBe('all');
    expect(store.notificationLevel(room('x', 'dm'))).toBe('all');
    expect(store.notificationLevel(room('y', 'public'))).toBe('mentions');
  });

  it('a user:updated event changes the person’s avatar everywhere, and one’s own account', async () => {
    const { store, socket, auth } = setup();
    await store.start();
    await settle();
    socket.userUpdated$.next({ user: { ...bob, avatarUrl: '/api/avatars/abc.webp' } });
    expect(store.avatars()).toEqual({ [bob.id]: '/api/avatars/abc.webp' });
    socket.userUpdated$.next({ user: { ...alice, displayName: 'Alicia' } });
    expect(store.avatars()[alice.id]).toBeNull();
    expect(store.activeOnline().find((u) => u.id === alice.id)?.displayName).toBe('Alicia');
    expect(auth.setUser).toHaveBeenCalledWith(expect.objectContaining({ id: alice.id, displayName: 'Alicia' }));
  });

  it('starts from the join ack’s capped online list and count, then applies presence deltas', async () => {
    const { store, socket } = setup();
    await store.start();
    await settle();
    expect(store.activeOnline().map((u) => u.id)).toEqual([alice.id]);
    expect(store.activeOnlineCount()).toBe(150);
    const bob = { id: 'u2', username: 'bob', displayName: 'Bob', guest: false, role: 'member' as const };
    socket.presence$.next({ roomId: 'lobby', joined: [bob], left: [], onlineCount: 151 });
    expect(store.activeOnline().map((u) => u.id)).toEqual([alice.id, 'u2']);
    expect(store.activeOnlineCount()).toBe(151);
    // a repeated join does not list anyone twice; a leave removes only that user
    socket.presence$.next({ roomId: 'lobby', joined: [bob], left: [alice.id], onlineCount: 150 });
    expect(store.activeOnline().map((u) => u.id)).toEqual(['u2']);
    // other rooms' changes stay in their rooms
    socket.presence$.next({ roomId: 'r2', joined: [alice], left: [], onlineCount: 1 });
    expect(store.activeOnline().map((u) => u.id)).toEqual(['u2']);
    expect(store.activeOnlineCount()).toBe(150);
  });

  it('shows a guest only the duck room', async () => {
    const { store } = setup({ guest: true });
    await store.start();
    await settle();
    expect(store.rooms().map((r) => r.kind)).toEqual(['bot']);
    expect(store.activeRoomId()).toBe('duck-u1');
  });

  it('catches up after a reconnect with sinceSeq and merges without duplicates', async () => {
    const { store, socket, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 5), msg('lobby', 6)]);
    await store.start();
    await settle();

    // while away, 7 and 8 were written; the server replays them (and 6 once more)
    joinAnswers.set('lobby', [msg('lobby', 6), msg('lobby', 7), msg('lobby', 8)]);
    socket.request.mockClear();
    socket.connected$.next({ reconnect: true });
    await settle();
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.roomJoin, { roomId: 'lobby', sinceSeq: 6 });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([5, 6, 7, 8]);

    // a live duplicate of 8 changes nothing
    socket.messageNew$.next(msg('lobby', 8));
    expect(store.activeMessages().map((m) => m.seq)).toEqual([5, 6, 7, 8]);
  });

  it('counts unread messages of other joined rooms and clears them on opening', async () => {
    const { store, socket } = setup();
    await store.start();
    await settle();
    socket.messageNew$.next(msg('r2', 3));
    expect(store.rooms().find((r) => r.id === 'r2')?.unread).toBe(3);
    expect(store.totalUnread()).toBe(3);
    await store.selectRoom('r2');
    expect(store.rooms().find((r) => r.id === 'r2')?.unread).toBe(0);
  });

  it('confirms the outbox entry when its own message arrives', async () => {
    const { store, socket, outbox } = setup();
    await store.start();
    await settle();
    socket.connected = false; // keep it queued
    store.send('  hi  ');
    const [item] = outbox.items();
    expect(item.text).toBe('hi');
    expect(store.activeOutbox()).toHaveLength(1);
    socket.messageNew$.next(msg('lobby', 1, { ...alice, bot: false }, item.clientMsgId));
    expect(outbox.items()).toHaveLength(0);
    expect(store.activeOutbox()).toHaveLength(0);
    expect(store.activeMessages()).toHaveLength(1);
  });

  it('loads older history before the first seq', async () => {
    const { store, api, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 51), msg('lobby', 52)]);
    await store.start();
    await settle();
    api.history.mockResolvedValue({ messages: [msg('lobby', 49), msg('lobby', 50)], hasMore: false });
    await store.loadOlder();
    expect(api.history).toHaveBeenCalledWith('lobby', { beforeSeq: 51, limit: 50 });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([49, 50, 51, 52]);
    expect(store.activeView().hasMore).toBe(false);
  });

  it('fetches the messages a live delivery skipped (a hole in the seqs)', async () => {
    const { store, api, socket, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 1), msg('lobby', 2)]);
    await store.start();
    await settle();
    api.history.mockResolvedValue({ messages: [msg('lobby', 3), msg('lobby', 4)], hasMore: false });
    socket.messageNew$.next(msg('lobby', 5));
    await settle();
    expect(api.history).toHaveBeenCalledWith('lobby', { afterSeq: 2, beforeSeq: 5, limit: 100 });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    socket.messageNew$.next(msg('lobby', 6));
    await settle();
    expect(api.history).toHaveBeenCalledTimes(1); // no hole, no fetch
  });

  it('tracks typing per room, ignoring myself, and forgets it when the message arrives', async () => {
    const { store, socket } = setup();
    await store.start();
    await settle();
    const bobUser = { id: 'u2', username: 'bob', displayName: 'Bob', guest: false };
    socket.typing$.next({ roomId: 'lobby', user: bobUser as never, typing: true });
    socket.typing$.next({ roomId: 'lobby', user: alice, typing: true });
    expect(store.activeTyping().map((u) => u.username)).toEqual(['bob']);
    socket.messageNew$.next(msg('lobby', 1));
    expect(store.activeTyping()).toEqual([]);
  });

  it('ends my typing in the room it started in, also after switching rooms', async () => {
    const { store, socket } = setup();
    await store.start();
    await settle();
    store.setTyping(true);
    await store.selectRoom('r2');
    store.setTyping(false);
    expect(socket.typing.mock.calls.map((c) => c[0])).toEqual([
      { roomId: 'lobby', typing: true },
      { roomId: 'lobby', typing: false },
    ]);
  });

  it('applies message:updated live and the join ack updates by id, never duplicating', async () => {
    const { store, socket, joinAnswers, joinUpdates } = setup();
    joinAnswers.set('lobby', [msg('lobby', 1), msg('lobby', 2)]);
    await store.start();
    await settle();
    socket.messageUpdated$.next({ ...msg('lobby', 1), text: 'fixed', editedAt: new Date().toISOString() });
    expect(store.activeMessages().map((m) => m.text)).toEqual(['fixed', '#2']);
    socket.messageUpdated$.next({ ...msg('lobby', 1), text: 'fixed', editedAt: new Date().toISOString() });
    socket.messageUpdated$.next(msg('lobby', 9)); // not loaded: ignored
    expect(store.activeMessages()).toHaveLength(2);

    // while away: 2 was deleted and 3 written; the rejoin brings both
    joinAnswers.set('lobby', [msg('lobby', 3)]);
    joinUpdates.set('lobby', [{ ...msg('lobby', 2), text: '', deleted: true }]);
    socket.connected$.next({ reconnect: true });
    await settle();
    expect(store.activeMessages().map((m) => [m.seq, m.text, !!m.deleted])).toEqual([
      [1, 'fixed', false],
      [2, '', true],
      [3, '#3', false],
    ]);
  });

  it('sends at most one room:read per interval with the latest seq, and none while hidden', async () => {
    const { store, socket, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 1)]);
    await store.start();
    await settle();
    expect(reads(socket)).toEqual([{ roomId: 'lobby', seq: 1 }]);
    vi.useFakeTimers();
    try {
      for (let seq = 2; seq <= 30; seq++) socket.messageNew$.next(msg('lobby', seq));
      expect(reads(socket)).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(reads(socket)).toEqual([
        { roomId: 'lobby', seq: 1 },
        { roomId: 'lobby', seq: 30 },
      ]);

      setHidden(true);
      socket.messageNew$.next(msg('lobby', 31));
      socket.messageNew$.next(msg('lobby', 32));
      await vi.advanceTimersByTimeAsync(5000);
      expect(reads(socket)).toHaveLength(2);
      expect(store.awayUnread()).toBe(2);
      expect(store.totalUnread()).toBe(2 + 2); // r2's two and the two that came while away
      expect(store.activeUnreadFrom()).toBe(31);

      setHidden(false);
      expect(reads(socket)).toEqual([
        { roomId: 'lobby', seq: 1 },
        { roomId: 'lobby', seq: 30 },
        { roomId: 'lobby', seq: 32 },
      ]);
      expect(store.totalUnread()).toBe(2);
    } finally {
      vi.useRealTimers();
      setHidden(false);
    }
  });

  it('retries a join answered unavailable with jittered backoff, showing it is rejoining', async () => {
    const { store, socket, joinErrors, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 1)]);
    joinErrors.push('unavailable', 'unavailable');
    vi.useFakeTimers();
    try {
      void store.start();
      await vi.advanceTimersByTimeAsync(0);
      expect(store.rejoining().has('lobby')).toBe(true);
      expect(store.activeRejoining()).toBe(true);
      await vi.advanceTimersByTimeAsync(2 * JOIN_BACKOFF_CAP_MS);
      const joins = socket.request.mock.calls.filter(([event]) => event === CLIENT_EVENTS.roomJoin);
      expect(joins).toHaveLength(3);
      expect(store.activeRejoining()).toBe(false);
      expect(store.activeMessages().map((m) => m.seq)).toEqual([1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not retry a join that is refused', async () => {
    const { store, socket, joinErrors } = setup();
    joinErrors.push('forbidden');
    await store.start();
    await settle();
    expect(socket.request.mock.calls.filter(([event]) => event === CLIENT_EVENTS.roomJoin)).toHaveLength(1);
    expect(store.error()).toBe('forbidden');
  });

  it('counts mentions of me in other rooms and remembers where the unread ones start', async () => {
    const { store, socket } = setup({ rooms: [room('lobby'), { ...room('r2'), lastSeq: 10, unread: 4 }] });
    await store.start();
    await settle();
    socket.messageNew$.next({ ...msg('r2', 11), text: 'hey @alice look' });
    socket.messageNew$.next({ ...msg('r2', 12), text: 'no mention' });
    const r2 = () => store.rooms().find((r) => r.id === 'r2')!;
    expect(r2().unread).toBe(6);
    expect(r2().mentions).toBe(1);
    await store.selectRoom('r2');
    expect(r2()).toMatchObject({ unread: 0, mentions: 0 });
    expect(store.activeUnreadFrom()).toBe(7);
  });

  it('sends a reply with the quoted message and forgets it after sending', async () => {
    const { store, socket, joinAnswers, outbox } = setup();
    joinAnswers.set('lobby', [msg('lobby', 1)]);
    await store.start();
    await settle();
    socket.connected = false; // keep it queued to look at it
    store.startReply(store.activeMessages()[0]);
    store.send('answer');
    expect(outbox.items()[0].replyTo).toMatchObject({ id: 'lobby-1', seq: 1, text: '#1' });
    expect(store.replyingTo()).toBeNull();
  });

  it('toggles my reaction and applies the answer', async () => {
    const { store, socket, joinAnswers, changeAnswers } = setup();
    const reacted = { ...msg('lobby', 1), reactions: [{ emoji: '👍', count: 1, userIds: ['u1'] }] };
    joinAnswers.set('lobby', [reacted]);
    await store.start();
    await settle();
    changeAnswers.push({ ok: true, message: { ...reacted, reactions: [] } });
    await store.react('lobby-1', '👍');
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.messageReact, {
      roomId: 'lobby',
      messageId: 'lobby-1',
      emoji: '👍',
      on: false,
    });
    expect(store.activeMessages()[0].reactions).toEqual([]);
    await store.react('lobby-1', '🦆');
    expect(socket.request).toHaveBeenLastCalledWith(CLIENT_EVENTS.messageReact, {
      roomId: 'lobby',
      messageId: 'lobby-1',
      emoji: '🦆',
      on: true,
    });
  });

  it('edits and deletes, showing a refusal as a notice', async () => {
    const { store, socket, joinAnswers, changeAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 1, { ...alice, bot: false })]);
    await store.start();
    await settle();
    changeAnswers.push({ ok: true, message: { ...store.activeMessages()[0], text: 'new', editedAt: 'x' } });
    expect(await store.edit('lobby-1', '  new ')).toBe(true);
    expect(socket.request).toHaveBeenLastCalledWith(CLIENT_EVENTS.messageEdit, {
      roomId: 'lobby',
      messageId: 'lobby-1',
      text: 'new',
    });
    expect(store.activeMessages()[0].text).toBe('new');
    changeAnswers.push({ ok: false, error: { code: 'forbidden', message: 'too late' } });
    expect(await store.remove('lobby-1')).toBe(false);
    expect(socket.request).toHaveBeenLastCalledWith(CLIENT_EVENTS.messageDelete, {
      roomId: 'lobby',
      messageId: 'lobby-1',
    });
    expect(store.notice()).toContain('too late');
  });

  it('loads older pages until a far-back message is there', async () => {
    const { store, api, joinAnswers } = setup();
    joinAnswers.set('lobby', [msg('lobby', 300)]);
    await store.start();
    await settle();
    api.history.mockImplementation(async (_room: string, q: { beforeSeq: number; limit: number }) => ({
      messages: Array.from({ length: q.limit }, (_, i) => msg('lobby', q.beforeSeq - q.limit + i)).filter(
        (m) => m.seq > 0,
      ),
      hasMore: q.beforeSeq - q.limit > 1,
    }));
    expect(await store.loadUntil(42)).toBe(true);
    expect(api.history).toHaveBeenCalledTimes(3);
    expect(store.activeMessages()[0].seq).toBeLessThanOrEqual(42);
  });
});

describe('ChatStore: communities', () => {
  it('shows a room the viewer was added to at once, and joins it on opening', async () => {
    const { store, socket } = setup();
    await store.start();
    await settle();
    socket.roomUpdated$.next({ ...room('p1', 'private'), role: 'member', memberCount: 2 });
    expect(store.rooms().map((r) => r.id)).toContain('p1');
    await store.selectRoom('p1');
    expect(socket.request).toHaveBeenCalledWith(CLIENT_EVENTS.roomJoin, { roomId: 'p1' });
  });

  it('drops a room the viewer was removed from, with a notice, and opens the lobby', async () => {
    const { store, socket, joinAnswers } = setup({ rooms: [room('lobby'), { ...room('p1', 'private'), name: 'tea' }] });
    joinAnswers.set('p1', [msg('p1', 1)]);
    await store.start();
    await settle();
    await store.selectRoom('p1');
    socket.typing$.next({ roomId: 'p1', user: { ...alice, id: 'u2', username: 'bob' }, typing: true });
    expect(store.activeMessages()).toHaveLength(1);
    socket.roomRemoved$.next({ roomId: 'p1', reason: 'removed' });
    await settle();
    expect(store.rooms().map((r) => r.id)).toEqual(['lobby']);
    expect(store.activeRoomId()).toBe('lobby');
    expect(store.views()['p1']).toBeUndefined();
    expect(store.typing()['p1']).toBeUndefined();
    expect(store.online()['p1']).toBeUndefined();
    expect(store.notice()).toContain('tea');
    // nothing of it comes back: a late message of that room is not shown as unread anywhere
    socket.messageNew$.next(msg('p1', 2));
    expect(store.rooms().map((r) => r.id)).toEqual(['lobby']);
  });

  it('leaves a room without a notice; a room:removed for a room not listed changes nothing', async () => {
    const { store, socket, api } = setup({ rooms: [room('lobby'), room('r2')] });
    await store.start();
    await settle();
    await store.selectRoom('r2');
    await store.leave('r2');
    expect(api.leaveRoom).toHaveBeenCalledWith('r2');
    expect(store.rooms().map((r) => r.id)).toEqual(['lobby']);
    expect(store.activeRoomId()).toBe('lobby');
    expect(store.notice()).toBeNull();
    socket.roomRemoved$.next({ roomId: 'r2', reason: 'left' }); // the server's echo
    socket.roomRemoved$.next({ roomId: 'nope', reason: 'removed' });
    expect(store.rooms().map((r) => r.id)).toEqual(['lobby']);
    expect(store.notice()).toBeNull();
  });

  it('joins a public room from the directory and opens it; an already joined one just opens', async () => {
    const { store, api } = setup();
    await store.start();
    await settle();
    api.joinRoom.mockResolvedValueOnce({ ...room('cats'), role: 'member' });
    await store.joinPublic('cats');
    expect(store.activeRoomId()).toBe('cats');
    await store.joinPublic('lobby');
    expect(api.joinRoom).toHaveBeenCalledTimes(1);
    expect(store.activeRoomId()).toBe('lobby');
  });

  it('makes an archived room read-only and a role change of mine reach my abilities', async () => {
    const { store, socket } = setup({ rooms: [room('lobby'), { ...room('p1', 'private'), role: 'member' }] });
    await store.start();
    await settle();
    await store.selectRoom('p1');
    expect(store.activeAbilities()).toMatchObject({ invite: false, post: true });
    socket.roomMember$.next({ roomId: 'p1', user: { ...alice }, change: 'role', role: 'moderator' });
    expect(store.activeAbilities()).toMatchObject({ invite: true, edit: true, archive: false });
    socket.roomUpdated$.next({ ...room('p1', 'private'), archived: true });
    expect(store.activeAbilities()).toMatchObject({ post: false, invite: false });
    expect(store.activeRoom()?.role).toBe('moderator'); // a room-wide update keeps my role
  });
});

describe('joinBackoffMs', () => {
  it('doubles from 250 ms with ±50 % jitter and never exceeds 5 s', () => {
    expect(joinBackoffMs(0, () => 0)).toBe(125);
    expect(joinBackoffMs(0, () => 1)).toBe(375);
    expect(joinBackoffMs(3, () => 0.5)).toBe(2000);
    expect(joinBackoffMs(30, () => 1)).toBe(JOIN_BACKOFF_CAP_MS);
  });
});

describe('mentionsUser', () => {
  const me = { id: 'u1', username: 'Alice' };
  it('uses the server mentions, else the text', () => {
    expect(mentionsUser({ ...msg('r', 1), mentions: ['u1'] }, me)).toBe(true);
    expect(mentionsUser({ ...msg('r', 1), text: '@alice hi', mentions: [] }, me)).toBe(false);
    expect(mentionsUser({ ...msg('r', 1), text: 'hi @alice.' }, me)).toBe(true);
    expect(mentionsUser({ ...msg('r', 1), text: '`@alice`' }, me)).toBe(false);
    expect(mentionsUser({ ...msg('r', 1, { ...alice, bot: false }), text: '@alice' }, me)).toBe(false);
  });
});

describe('ChatStore: moderation', () => {
  it('the badge starts from the server and follows moderation:reports', async () => {
    const { store, socket, api } = setup({ openReports: 2 });
    await store.start();
    await settle();
    expect(api.reports).toHaveBeenCalledWith({ status: 'open', limit: 1 });
    expect(store.openReports()).toBe(2);
    socket.moderationReports$.next({ openCount: 3, roomId: 'lobby' });
    expect(store.openReports()).toBe(3);
  });

  it('my mute comes live with room:member and ends with unmuted; a timed one ends by the clock', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    try {
      const { store, socket } = setup();
      await store.start();
      await settle();
      const until = new Date(Date.now() + 5_000).toISOString();
      socket.roomMember$.next({ roomId: 'lobby', user: alice, change: 'muted', role: 'member', mutedUntil: until });
      expect(store.activeMute()).toEqual({ until });
      vi.advanceTimersByTime(6_000);
      expect(store.activeMute()).toBeNull();
      socket.roomMember$.next({ roomId: 'lobby', user: alice, change: 'muted', role: 'member', mutedUntil: null });
      expect(store.activeMute()).toEqual({ until: null });
      socket.roomMember$.next({ roomId: 'lobby', user: alice, change: 'unmuted', role: 'member' });
      expect(store.activeMute()).toBeNull();
      // someone else's mute is not mine
      socket.roomMember$.next({ roomId: 'lobby', user: { ...alice, id: 'u2' }, change: 'muted', role: 'member' });
      expect(store.activeMute()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a send refused with forbidden + until is a mute; rate_limited in a slow room is a wait', async () => {
    const slow = { ...room('lobby'), slowModeSec: 30 };
    const { store, socket } = setup({ rooms: [slow] });
    await store.start();
    await settle();
    const until = new Date(Date.now() + 60_000).toISOString();
    socket.request.mockResolvedValueOnce({ ok: false, error: { code: 'forbidden', message: 'muted', until } });
    store.send('hello');
    await settle();
    expect(store.activeMute()).toEqual({ until });
    socket.roomMember$.next({ roomId: 'lobby', user: alice, change: 'unmuted', role: 'member' });
    socket.request.mockResolvedValueOnce({
      ok: false,
      error: { code: 'rate_limited', message: 'slow', retryAfterMs: 12_000 },
    });
    store.send('again');
    await settle();
    expect(store.activeSlowWait()).toBe(12);
  });
});

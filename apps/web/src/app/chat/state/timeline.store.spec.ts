import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import type { Message } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { RoomsStore } from './rooms.store';
import { ChatStatus } from './status.store';
import { TimelineStore } from './timeline.store';

const sender = { id: 'u2', username: 'bob', displayName: 'Bob', bot: false };
const msg = (roomId: string, seq: number): Message => ({
  id: `${roomId}-${seq}`,
  roomId,
  seq,
  sender,
  text: `#${seq}`,
  createdAt: new Date(seq * 1000).toISOString(),
});

function setup() {
  const api = { history: vi.fn() };
  TestBed.configureTestingModule({
    providers: [
      RoomsStore,
      ChatStatus,
      TimelineStore,
      { provide: ChatApiService, useValue: api },
      { provide: AuthService, useValue: { isGuest: signal(false), user: signal(null) } },
    ],
  });
  const rooms = TestBed.inject(RoomsStore);
  rooms.activeId.set('lobby');
  return { store: TestBed.inject(TimelineStore), api, rooms, status: TestBed.inject(ChatStatus) };
}

describe('TimelineStore', () => {
  it('merges a join; a first join learns whether older messages exist', () => {
    const { store } = setup();
    store.applyJoin('lobby', [msg('lobby', 3), msg('lobby', 4)], true);
    expect(store.activeView()).toMatchObject({ joined: true, hasMore: true });
    expect(store.lastSeq('lobby')).toBe(4);
    store.applyJoin('r2', [msg('r2', 1)], true);
    expect(store.view('r2')?.hasMore).toBe(false);
    expect(store.unjoinAll().sort()).toEqual(['lobby', 'r2']);
    expect(store.isJoined('lobby')).toBe(false);
  });

  it('adds a message once and applies updates by id only to loaded messages', () => {
    const { store } = setup();
    expect(store.add(msg('lobby', 1))).toBe(true);
    expect(store.add(msg('lobby', 1))).toBe(false);
    store.applyUpdates([{ ...msg('lobby', 1), text: 'edited' }, msg('lobby', 9)]);
    expect(store.activeMessages().map((m) => m.text)).toEqual(['edited']);
    expect(store.find('lobby', 'lobby-1')?.text).toBe('edited');
    store.forget('lobby');
    expect(store.activeMessages()).toEqual([]);
  });

  it('loads older pages and reports a failed page as the error', async () => {
    const { store, api, status } = setup();
    store.applyJoin('lobby', [msg('lobby', 51)], true);
    api.history.mockResolvedValueOnce({ messages: [msg('lobby', 50)], hasMore: true });
    await store.loadOlder('lobby');
    expect(api.history).toHaveBeenCalledWith('lobby', { beforeSeq: 51, limit: 50 });
    expect(store.activeMessages().map((m) => m.seq)).toEqual([50, 51]);
    api.history.mockRejectedValueOnce(new Error('down'));
    await store.loadOlder('lobby');
    expect(store.activeView().loadingOlder).toBe(false);
    expect(status.error()).toBe('network');
  });

  it('stops looking for a far-back message when a page brings nothing', async () => {
    const { store, api } = setup();
    store.applyJoin('lobby', [msg('lobby', 300)], true);
    api.history.mockRejectedValue(new Error('down'));
    expect(await store.loadUntil('lobby', 42)).toBe(false);
    expect(api.history).toHaveBeenCalledTimes(1);
  });

  it('fills a gap page by page through the given receiver', async () => {
    const { store, api } = setup();
    api.history
      .mockResolvedValueOnce({ messages: [msg('lobby', 3)], hasMore: true })
      .mockResolvedValueOnce({ messages: [msg('lobby', 4)], hasMore: false });
    const got: number[] = [];
    await store.fillGap('lobby', 2, 5, (page) => got.push(...page.map((m) => m.seq)));
    expect(got).toEqual([3, 4]);
    expect(api.history).toHaveBeenLastCalledWith('lobby', { afterSeq: 3, beforeSeq: 5, limit: 100 });
  });

  it('tracks rooms being rejoined', () => {
    const { store, rooms } = setup();
    store.setRejoining('lobby', true);
    expect(store.activeRejoining()).toBe(true);
    rooms.activeId.set('r2');
    expect(store.activeRejoining()).toBe(false);
    store.forget('lobby');
    expect(store.rejoining().size).toBe(0);
  });
});

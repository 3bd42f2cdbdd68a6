import { HttpErrorResponse } from '@angular/common/http';
import { computed, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Room, RoomMember } from '@hihi/contracts';
import { ChatStore } from '../chat-store.service';
import { abilities } from '../permissions';
import { EMPTY_MEMBERS, type MemberList } from '../state/members.store';
import { PeopleStore } from '../state/people.store';
import { MembersPanel } from './members-panel';

const member = (id: string, role: RoomMember['role']): RoomMember => ({
  user: {
    id,
    username: id,
    displayName: id === 'evil' ? '<img src=x onerror=alert(1)>' : id.toUpperCase(),
    guest: false,
    ...(id === 'bob' ? { bot: true } : {}),
  },
  role,
});

describe('MembersPanel', () => {
  async function render(myRole: Room['role'], kind: Room['kind'] = 'private') {
    localStorage.setItem('hihi.lang', 'en');
    const room = signal<Room>({ id: 'r1', name: 'tea', kind, unread: 0, lastSeq: 0, memberCount: 4, role: myRole });
    const me = signal({ id: 'me', username: 'me', displayName: 'Me', guest: false });
    const list = signal<MemberList>(EMPTY_MEMBERS);
    const members = [
      member('amy', 'owner'),
      member('me', myRole ?? 'member'),
      member('bob', 'moderator'),
      member('evil', 'member'),
    ];
    const store = {
      me,
      activeRoom: room,
      activeRoomId: computed(() => room().id),
      activeAbilities: computed(() => abilities(room(), me())),
      activeMembersList: list,
      loadMembers: vi.fn(async () => list.set({ members, loading: false, loaded: true })),
      invite: vi.fn(async () => undefined),
      removeMember: vi.fn(async () => undefined),
      setMemberRole: vi.fn(async () => undefined),
      leave: vi.fn(async () => undefined),
      mute: vi.fn(async () => undefined),
      unmute: vi.fn(async () => undefined),
      ban: vi.fn(async () => undefined),
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: ChatStore, useValue: store },
        { provide: PeopleStore, useValue: { warm: vi.fn(async () => undefined), suggest: () => [] } },
      ],
    });
    const fixture = TestBed.createComponent(MembersPanel);
    await fixture.whenStable();
    await fixture.whenStable();
    return { fixture, store, el: fixture.nativeElement as HTMLElement, list };
  }
  const row = (el: HTMLElement, username: string) =>
    [...el.querySelectorAll('.member')].find((r) => r.querySelector('.member__user')?.textContent === `@${username}`)!;

  it('lists members with roles (names as text); a plain member gets no controls but leave', async () => {
    const { el, store } = await render('member');
    expect(store.loadMembers).toHaveBeenCalledWith(false);
    expect([...el.querySelectorAll('.member__user')].map((u) => u.textContent)).toEqual([
      '@amy',
      '@me',
      '@bob',
      '@evil',
    ]);
    expect(row(el, 'evil').querySelector('img')).toBeNull();
    expect(row(el, 'evil').querySelector('.member__name')?.textContent).toContain('<img');
    expect(row(el, 'amy').querySelector('.role')?.textContent).toBe('owner');
    expect(el.querySelector('#invite-input')).toBeNull(); // private room: moderators invite
    expect(el.querySelectorAll('select, .member__remove')).toHaveLength(0);
    expect(el.querySelector('.leave button')?.textContent).toContain('Leave');
    // bots carry the BOT tag, people do not
    expect(row(el, 'bob').querySelector('[data-testid="bot-tag"]')?.textContent).toBe('BOT');
    expect(el.querySelectorAll('[data-testid="bot-tag"]')).toHaveLength(1);
  });

  it('lets a moderator invite, remove members below (after a confirmation) and give roles up to their own', async () => {
    const { fixture, el, store } = await render('moderator');
    const input = el.querySelector('#invite-input') as HTMLInputElement;
    input.value = '@carol';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    (el.querySelector('.invite button[type="submit"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(store.invite).toHaveBeenCalledWith('carol');
    expect(el.textContent).toContain('carol was invited');

    expect(row(el, 'amy').querySelector('select, .member__remove')).toBeNull(); // above: nothing
    expect(row(el, 'bob').querySelector('.member__remove')).toBeNull(); // equal: no removal
    const options = [...row(el, 'evil').querySelectorAll('option')].map((o) => o.value);
    expect(options).toEqual(['moderator', 'member']);

    (row(el, 'evil').querySelector('.member__remove') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(store.removeMember).not.toHaveBeenCalled();
    (row(el, 'evil').querySelector('.danger') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(store.removeMember).toHaveBeenCalledWith('evil');

    const select = row(el, 'evil').querySelector('select') as HTMLSelectElement;
    select.value = 'moderator';
    select.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(store.setMemberRole).toHaveBeenCalledWith('evil', 'moderator');
  });

  it('explains a refused leave (the last owner) and a failed invite', async () => {
    const { fixture, el, store } = await render('owner');
    store.leave.mockRejectedValueOnce(
      new HttpErrorResponse({ status: 409, error: { statusCode: 409, message: 'the last owner cannot leave' } }),
    );
    (el.querySelector('.leave button') as HTMLButtonElement).click();
    await fixture.whenStable();
    (el.querySelector('.leave .danger') as HTMLButtonElement).click();
    await fixture.whenStable();
    await fixture.whenStable();
    expect(store.leave).toHaveBeenCalledWith('r1');
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('the last owner cannot leave');
  });

  it('shows neither leave nor invite in a group', async () => {
    const { el } = await render('member', 'group');
    expect(el.querySelector('.leave')).toBeNull();
    expect(el.querySelector('#invite-input')).toBeNull();
  });

  it('moderation: a moderator mutes a member below them with a duration and reason, or bans them; never someone above', async () => {
    const { fixture, el, store } = await render('moderator', 'public');
    expect(row(el, 'amy').querySelector('.member__mod')).toBeNull();
    expect(row(el, 'bob').querySelector('.member__mod')).toBeNull();
    const toggle = row(el, 'evil').querySelector('.member__mod') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-label')).toBe('Moderate <img src=x onerror=alert(1)>');
    toggle.click();
    await fixture.whenStable();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const group = row(el, 'evil').querySelector('.mod') as HTMLElement;
    const dur = group.querySelector('select') as HTMLSelectElement;
    expect([...dur.options].map((o) => o.textContent?.trim())).toEqual([
      '10 minutes',
      '1 hour',
      '1 day',
      'Until lifted',
    ]);
    dur.selectedIndex = 1;
    dur.dispatchEvent(new Event('change'));
    const reason = group.querySelector('input') as HTMLInputElement;
    reason.value = ' spam ';
    reason.dispatchEvent(new Event('input'));
    [...group.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Mute')!.click();
    await fixture.whenStable();
    await fixture.whenStable();
    expect(store.mute).toHaveBeenCalledWith('evil', 3600, 'spam');
    expect(el.textContent).toContain('is muted');

    (row(el, 'evil').querySelector('.member__mod') as HTMLButtonElement).click();
    await fixture.whenStable();
    const again = row(el, 'evil').querySelector('.mod') as HTMLElement;
    [...again.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Ban')!.click();
    await fixture.whenStable();
    expect(row(el, 'evil').textContent).toContain('cannot join again');
    [...row(el, 'evil').querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Ban now')!.click();
    await fixture.whenStable();
    await fixture.whenStable();
    expect(store.ban).toHaveBeenCalledWith('evil', undefined);
  });

  it('a muted member is marked, and can be unmuted', async () => {
    const { fixture, el, store, list } = await render('owner', 'public');
    list.update((l) => ({
      ...l,
      members: l.members.map((m) => (m.user.id === 'evil' ? { ...m, mutedUntil: null } : m)),
    }));
    await fixture.whenStable();
    expect(row(el, 'evil').querySelector('[data-testid="member-muted"]')?.textContent).toContain('muted');
    (row(el, 'evil').querySelector('.member__mod') as HTMLButtonElement).click();
    await fixture.whenStable();
    [...row(el, 'evil').querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Unmute')!.click();
    await fixture.whenStable();
    expect(store.unmute).toHaveBeenCalledWith('evil');
  });
});

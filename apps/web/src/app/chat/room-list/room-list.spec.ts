import { TestBed } from '@angular/core/testing';
import type { Room } from '@hihi/contracts';
import { RoomList } from './room-list';

const rooms: Room[] = [
  { id: 'lobby', name: 'lobby', kind: 'public', unread: 0, lastSeq: 9, memberCount: 2 },
  { id: 'r2', name: '<b>tea</b>', kind: 'public', unread: 3, lastSeq: 3, mentions: 2, memberCount: 2 },
  { id: 'd1', name: 'bob', kind: 'dm', unread: 120, lastSeq: 120, memberCount: 2 },
  { id: 'duck-1', name: 'duck', kind: 'bot', unread: 0, lastSeq: 1, memberCount: 2 },
];

describe('RoomList', () => {
  async function render(activeId: string | null = 'lobby') {
    localStorage.setItem('hihi.lang', 'zh');
    const fixture = TestBed.createComponent(RoomList);
    fixture.componentRef.setInput('rooms', rooms);
    fixture.componentRef.setInput('activeId', activeId);
    await fixture.whenStable();
    return fixture;
  }

  it('lists the duck room first, then public rooms, then DMs, with friendly names', async () => {
    const fixture = await render();
    const names = Array.from(fixture.nativeElement.querySelectorAll('.room__name') as NodeListOf<HTMLElement>).map(
      (e) => e.textContent?.trim(),
    );
    expect(names).toEqual(['小黄鸭', '大厅', '<b>tea</b>', 'bob']);
  });

  it('shows unread badges (capped at 99+) except on the open room', async () => {
    const fixture = await render('r2');
    const badges = Array.from(fixture.nativeElement.querySelectorAll('.room__badge') as NodeListOf<HTMLElement>).map(
      (e) => e.textContent?.trim(),
    );
    expect(badges).toEqual(['99+']);
    expect(fixture.nativeElement.querySelector('[aria-current="page"] .room__name').textContent).toContain('tea');
  });

  it('shows how many unread messages mention me beside the unread count', async () => {
    const fixture = await render('lobby');
    const badge: HTMLElement = fixture.nativeElement.querySelector('.room__mentions');
    expect(badge.textContent?.trim()).toBe('@2');
    // the badge is drawn for the eye; the button's name says it in words (no aria-label on a span)
    expect(badge.getAttribute('aria-hidden')).toBe('true');
    const button = badge.closest('button')!;
    expect(button.textContent).toContain('2 条消息提到了你');
    expect(button.textContent).toContain('3 条未读');
    expect((await render('r2')).nativeElement.querySelector('.room__mentions')).toBeNull();
  });

  it('emits the chosen room', async () => {
    const fixture = await render();
    const chosen: string[] = [];
    fixture.componentInstance.select.subscribe((id) => chosen.push(id));
    (fixture.nativeElement.querySelectorAll('.room')[3] as HTMLButtonElement).click();
    expect(chosen).toEqual(['d1']);
  });

  it('lists private rooms with the rooms (a lock) and groups with the DMs, an unnamed group by its size', async () => {
    localStorage.setItem('hihi.lang', 'en');
    const fixture = TestBed.createComponent(RoomList);
    fixture.componentRef.setInput('rooms', [
      ...rooms,
      { id: 'p1', name: 'secret', kind: 'private', unread: 0, lastSeq: 0, memberCount: 2, role: 'owner' },
      { id: 'g1', name: '', kind: 'group', unread: 0, lastSeq: 0, memberCount: 4 },
    ]);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const groups = [...el.querySelectorAll('nav')].map((nav) =>
      [...nav.querySelectorAll('.room__name')].map((n) => n.textContent?.trim()),
    );
    expect(groups).toEqual([
      ['Little Yellow Duck', 'Lobby', '<b>tea</b>', 'secret'],
      ['bob', 'Group of 4'],
    ]);
    const secret = [...el.querySelectorAll('.room')].find((r) => r.textContent?.includes('secret'))!;
    expect(secret.querySelector('.room__icon')?.textContent?.trim()).toBe('🔒');
    expect(secret.textContent).toContain('(Private)');
  });
});

import { HttpErrorResponse } from '@angular/common/http';
import { computed, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Room } from '@hihi/contracts';
import { ChatStore } from '../chat-store.service';
import { abilities } from '../permissions';
import { RoomSettings } from './room-settings';
import { WebhooksService } from '../room-integrations/webhooks.service';

describe('RoomSettings', () => {
  async function render(role: Room['role']) {
    localStorage.setItem('hihi.lang', 'en');
    const room = signal<Room>({
      id: 'r1',
      name: 'tea',
      kind: 'private',
      topic: 'oolong',
      unread: 0,
      lastSeq: 0,
      memberCount: 2,
      role,
    });
    const me = signal({ id: 'u1', username: 'alice', displayName: 'Alice', guest: false });
    const store = {
      activeRoom: room,
      activeRoomId: computed(() => room().id),
      activeAbilities: computed(() => abilities(room(), me())),
      updateRoom: vi.fn(async (_id: string, change: Partial<Room>) => {
        room.update((r) => ({ ...r, ...change }));
        return room();
      }),
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: ChatStore, useValue: store },
        {
          provide: WebhooksService,
          useValue: { incoming: vi.fn().mockResolvedValue([]), outgoing: vi.fn().mockResolvedValue([]) },
        },
      ],
    });
    const fixture = TestBed.createComponent(RoomSettings);
    await fixture.whenStable();
    return { fixture, store, room, el: fixture.nativeElement as HTMLElement };
  }
  const type = async (fixture: { whenStable(): Promise<unknown> }, el: HTMLInputElement, v: string) => {
    el.value = v;
    el.dispatchEvent(new Event('input'));
    await fixture.whenStable();
  };

  it('saves only what changed; an owner may archive', async () => {
    const { fixture, store, el } = await render('owner');
    const save = el.querySelector('button[type="submit"]') as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await type(fixture, el.querySelector('#settings-topic') as HTMLInputElement, '  green tea ');
    (el.querySelector('input[name="archived"]') as HTMLInputElement).click();
    await fixture.whenStable();
    expect(save.disabled).toBe(false);
    save.click();
    await fixture.whenStable();
    await fixture.whenStable();
    expect(store.updateRoom).toHaveBeenCalledWith('r1', { topic: 'green tea', archived: true });
    expect(el.textContent).toContain('Saved');
    expect(save.disabled).toBe(true);
  });

  it('offers no archive to a moderator and explains a refusal', async () => {
    const { fixture, store, el } = await render('moderator');
    expect(el.querySelector('input[name="archived"]')).toBeNull();
    store.updateRoom.mockRejectedValueOnce(new HttpErrorResponse({ status: 409 }));
    await type(fixture, el.querySelector('#settings-name') as HTMLInputElement, 'cats');
    (el.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    await fixture.whenStable();
    expect(store.updateRoom).toHaveBeenCalledWith('r1', { name: 'cats' });
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('already exists');
  });

  it('moderators set slow mode and announcement (post policy); only what changed is sent', async () => {
    const { fixture, store, el } = await render('moderator');
    const slow = el.querySelector('#settings-slow') as HTMLSelectElement;
    expect(slow.labels?.[0]?.textContent).toContain('Slow mode');
    expect([...slow.options].map((o) => o.textContent?.trim())).toContain('30 seconds');
    slow.selectedIndex = [...slow.options].findIndex((o) => o.textContent?.trim() === '30 seconds');
    slow.dispatchEvent(new Event('change'));
    const announce = [...el.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].find((c) =>
      c.closest('label')?.textContent?.includes('Announcement room'),
    )!;
    announce.click();
    await fixture.whenStable();
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(store.updateRoom).toHaveBeenCalledWith('r1', { slowModeSec: 30, postPolicy: 'moderators' });
  });

  it('members see the settings but cannot change them', async () => {
    const { el } = await render('member');
    expect((el.querySelector('#settings-slow') as HTMLSelectElement | null)?.disabled ?? true).toBe(true);
  });
});

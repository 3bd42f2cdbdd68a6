import { HttpErrorResponse } from '@angular/common/http';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { AdminUser } from '@hihi/contracts';
import { AdminApiService } from '../../core/api/admin-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { AdminUsers, userAbilities } from './admin-users';

const person = (id: string, role: AdminUser['role'], status: AdminUser['status'] = 'active'): AdminUser => ({
  user: { id, username: id, displayName: id.toUpperCase(), guest: false },
  role,
  status,
  createdAt: '2026-12-01T08:00:00Z',
});

describe('userAbilities', () => {
  it('mirrors AdminPolicy: not above oneself, never oneself, roles up to one’s own', () => {
    expect(userAbilities('admin', 'me', person('bob', 'member'))).toEqual({
      roles: ['admin', 'moderator', 'member'],
      act: true,
      deactivate: true,
    });
    expect(userAbilities('admin', 'me', person('own', 'owner'))).toEqual({ roles: [], act: false, deactivate: false });
    expect(userAbilities('admin', 'me', person('me', 'admin'))).toEqual({ roles: [], act: true, deactivate: false });
    expect(userAbilities('owner', 'me', person('ann', 'admin')).roles).toEqual([
      'owner',
      'admin',
      'moderator',
      'member',
    ]);
    expect(userAbilities('moderator', 'me', person('bob', 'member')).act).toBe(false);
  });
});

describe('AdminUsers', () => {
  async function render(users: AdminUser[]) {
    localStorage.setItem('hihi.lang', 'en');
    const api = {
      users: vi.fn().mockResolvedValue({ users, nextCursor: 'next' }),
      setRole: vi.fn(),
      deactivate: vi.fn().mockResolvedValue(undefined),
      reactivate: vi.fn().mockResolvedValue(undefined),
      resetLink: vi
        .fn()
        .mockResolvedValue({ resetUrl: 'http://localhost/reset#token=abc', expiresAt: '2026-12-02T06:00:00Z' }),
    };
    const auth = { user: signal({ id: 'me', username: 'me', displayName: 'Me', guest: false, role: 'admin' }) };
    TestBed.configureTestingModule({
      providers: [
        { provide: AdminApiService, useValue: api },
        { provide: AuthService, useValue: auth },
      ],
    });
    const fixture = TestBed.createComponent(AdminUsers);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const row = (id: string) => el.querySelector(`[data-username="${id}"]`) as HTMLElement;
    const button = (root: HTMLElement, text: string) =>
      [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text) as HTMLButtonElement;
    const settle = async () => {
      await new Promise((r) => setTimeout(r));
      await fixture.whenStable();
    };
    return { fixture, el, api, row, button, settle };
  }

  it('lists accounts with status and offers only what the viewer may do', async () => {
    const { el, row, button } = await render([person('me', 'admin'), person('bob', 'member'), person('own', 'owner')]);
    expect(el.querySelectorAll('li.row')).toHaveLength(3);
    expect(row('bob').textContent).toContain('active');
    expect(button(row('bob'), 'Deactivate')).toBeTruthy();
    expect(row('bob').querySelector('select')?.getAttribute('aria-label')).toBe('Role of BOB');
    // nobody deactivates themselves; an admin cannot touch the owner
    expect(button(row('me'), 'Deactivate')).toBeUndefined();
    expect(row('own').querySelector('select')).toBeNull();
    expect(button(row('own'), 'Reset link')).toBeUndefined();
    expect(button(el, 'Load more')).toBeTruthy();
  });

  it('deactivates with a reason after a confirmation, and can reactivate', async () => {
    const { el, api, row, button, settle } = await render([person('bob', 'member')]);
    button(row('bob'), 'Deactivate').click();
    await settle();
    const reason = row('bob').querySelector('textarea') as HTMLTextAreaElement;
    expect(reason.labels?.[0]?.textContent).toContain('Reason');
    reason.value = 'spam links';
    reason.dispatchEvent(new Event('input'));
    (row('bob').querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle();
    expect(api.deactivate).toHaveBeenCalledWith('bob', 'spam links');
    expect(row('bob').textContent).toContain('deactivated');
    expect(el.querySelector('[data-testid="admin-notice"]')?.textContent).toContain('BOB was deactivated');
    button(row('bob'), 'Reactivate').click();
    await settle();
    expect(api.reactivate).toHaveBeenCalledWith('bob');
    expect(row('bob').querySelector('.tag')?.textContent).toContain('active');
  });

  it('keyboard: the reason field takes the focus, and Cancel gives it back to the row', async () => {
    const { el, row, button, settle } = await render([person('bob', 'member')]);
    document.body.appendChild(el);
    try {
      button(row('bob'), 'Deactivate').click();
      await settle();
      expect(document.activeElement).toBe(row('bob').querySelector('textarea'));
      button(row('bob'), 'Cancel').click();
      await settle();
      expect(document.activeElement).toBe(row('bob').querySelector('select'));
    } finally {
      el.remove();
    }
  });

  it('changes a role; a refusal puts the old one back and says why', async () => {
    const { el, api, row, settle } = await render([person('bob', 'member')]);
    api.setRole.mockRejectedValueOnce(new HttpErrorResponse({ status: 403 }));
    const select = row('bob').querySelector('select') as HTMLSelectElement;
    select.value = 'moderator';
    select.dispatchEvent(new Event('change'));
    await settle();
    expect(api.setRole).toHaveBeenCalledWith('bob', 'moderator');
    expect(select.value).toBe('member');
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('Only server admins');
    api.setRole.mockResolvedValueOnce(person('bob', 'moderator'));
    select.value = 'moderator';
    select.dispatchEvent(new Event('change'));
    await settle();
    expect(el.querySelector('[data-testid="admin-notice"]')?.textContent).toContain('BOB is now moderator');
  });

  it('creates a reset link and shows it to copy', async () => {
    const { api, row, button, settle } = await render([person('bob', 'member')]);
    button(row('bob'), 'Reset link').click();
    await settle();
    expect(api.resetLink).toHaveBeenCalledWith('bob');
    expect((row('bob').querySelector('[data-testid="copy-link-field"]') as HTMLInputElement).value).toBe(
      'http://localhost/reset#token=abc',
    );
  });

  it('searches with the filters and pages on', async () => {
    const { el, api, button, settle } = await render([person('bob', 'member')]);
    const q = el.querySelector('#users-q') as HTMLInputElement;
    q.value = 'bo';
    q.dispatchEvent(new Event('input'));
    (el.querySelector('form[role="search"]') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle();
    expect(api.users).toHaveBeenLastCalledWith({ q: 'bo', role: undefined, status: undefined, cursor: undefined });
    api.users.mockResolvedValueOnce({ users: [person('bo2', 'member')] });
    button(el, 'Load more').click();
    await settle();
    expect(api.users).toHaveBeenLastCalledWith({ q: 'bo', role: undefined, status: undefined, cursor: 'next' });
    expect(el.querySelectorAll('li.row')).toHaveLength(2);
    expect(button(el, 'Load more')).toBeUndefined();
  });
});

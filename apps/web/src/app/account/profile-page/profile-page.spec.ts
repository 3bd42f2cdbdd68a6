import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { SessionInfo } from '@hihi/contracts';
import { AccountApi } from '../../core/account/account-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { deviceName, ProfilePage } from './profile-page';

const session = (id: string, current: boolean, browser = 'Firefox', os = 'Linux'): SessionInfo => ({
  id,
  current,
  createdAt: '2026-12-01T10:00:00.000Z',
  lastUsedAt: '2026-12-02T10:00:00.000Z',
  userAgent: '',
  browser,
  os,
  rememberMe: false,
});
const settle = async () => {
  for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 0));
};

async function render() {
  localStorage.setItem('hihi.lang', 'en');
  const api = {
    me: vi.fn(async () => ({
      id: 'u1',
      username: 'alice',
      displayName: 'Alice',
      guest: false,
      email: 'a@example.org',
    })),
    sessions: vi.fn(async () => [session('s1', true), session('s2', false, 'Safari', 'iOS')]),
    updateProfile: vi.fn(async (body: { displayName?: string }) => ({
      id: 'u1',
      username: 'alice',
      displayName: body.displayName ?? 'Alice',
      guest: false,
    })),
    changePassword: vi.fn(async () => {
      throw new HttpErrorResponse({ status: 401, error: { message: 'the password is wrong' } });
    }),
    revokeSession: vi.fn(async () => undefined),
    deleteAccount: vi.fn(async () => undefined),
    uploadAvatar: vi.fn(),
    removeAvatar: vi.fn(),
    exportData: vi.fn(),
  };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      { provide: AccountApi, useValue: api },
      { provide: AuthService, useValue: { isGuest: () => false } },
    ],
  });
  const fixture = TestBed.createComponent(ProfilePage);
  await settle();
  await fixture.whenStable();
  return { fixture, api, el: fixture.nativeElement as HTMLElement };
}

describe('ProfilePage', () => {
  it('names a device by browser and system, or as unknown', () => {
    expect(deviceName({ browser: 'Chrome', os: 'Android' }, '?')).toBe('Chrome · Android');
    expect(deviceName({ browser: '', os: '' }, 'Unknown device')).toBe('Unknown device');
  });

  it('shows the profile and the devices, this one marked and not revocable', async () => {
    const { el } = await render();
    expect(el.querySelector<HTMLInputElement>('#profile-name')!.value).toBe('Alice');
    expect(el.querySelector<HTMLInputElement>('#profile-email')!.value).toBe('a@example.org');
    const items = [...el.querySelectorAll('[data-testid="sessions"] li')];
    expect(items).toHaveLength(2);
    expect(items[0].textContent).toContain('This device');
    expect(items[0].querySelector('button')).toBeNull();
    expect(items[1].querySelector('button')!.getAttribute('aria-label')).toBe('Sign out: Safari · iOS');
  });

  it('saves only what changed, and says so politely', async () => {
    const { el, api, fixture } = await render();
    const name = el.querySelector<HTMLInputElement>('#profile-name')!;
    name.value = '爱丽丝';
    name.dispatchEvent(new Event('input'));
    el.querySelector<HTMLFormElement>('form')!.dispatchEvent(new Event('submit'));
    await settle();
    await fixture.whenStable();
    expect(api.updateProfile).toHaveBeenCalledWith({ displayName: '爱丽丝' });
    expect(el.querySelector('[role="status"]')?.textContent).toContain('Saved');
  });

  it('a wrong current password is an alert; revoking a device drops it from the list', async () => {
    const { el, api, fixture } = await render();
    el.querySelector('#current-password')!.closest('form')!.dispatchEvent(new Event('submit'));
    await settle();
    await fixture.whenStable();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('The current password is wrong');
    el.querySelector<HTMLButtonElement>('[data-testid="sessions"] li button')!.click();
    await settle();
    await fixture.whenStable();
    expect(api.revokeSession).toHaveBeenCalledWith('s2');
    expect(el.querySelectorAll('[data-testid="sessions"] li')).toHaveLength(1);
  });

  it('deleting asks for the password first, then signs out to the sign-in page', async () => {
    const { el, api, fixture } = await render();
    const router = TestBed.inject(Router);
    const go = vi.spyOn(router, 'navigateByUrl').mockResolvedValue(true);
    const start = [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Delete account'))!;
    start.click();
    await fixture.whenStable();
    expect(api.deleteAccount).not.toHaveBeenCalled();
    const pw = el.querySelector<HTMLInputElement>('#delete-password')!;
    pw.value = 'my password';
    pw.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    pw.closest('form')!.dispatchEvent(new Event('submit'));
    await settle();
    expect(api.deleteAccount).toHaveBeenCalledWith('my password');
    expect(go).toHaveBeenCalledWith('/login');
  });
});

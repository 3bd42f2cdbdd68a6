import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { AccountUser, SessionInfo } from '@hihi/contracts';
import { AccountApi } from '../../core/account/account-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { WebPushService } from '../../core/push/web-push.service';
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

async function render(me: Partial<AccountUser> = {}) {
  localStorage.setItem('hihi.lang', 'en');
  const api = {
    me: vi.fn(async () => ({
      id: 'u1',
      username: 'alice',
      displayName: 'Alice',
      guest: false,
      email: 'a@example.org',
      ...me,
    })),
    resendVerification: vi.fn(async () => undefined),
    setDigest: vi.fn(async (digest: boolean) => ({
      id: 'u1',
      username: 'alice',
      displayName: 'Alice',
      guest: false,
      email: 'a@example.org',
      ...me,
      digest,
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
  const push = { enable: vi.fn(async (): Promise<string> => 'enabled') };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      { provide: AccountApi, useValue: api },
      { provide: AuthService, useValue: { isGuest: () => false } },
      { provide: WebPushService, useValue: push },
    ],
  });
  const fixture = TestBed.createComponent(ProfilePage);
  await settle();
  await fixture.whenStable();
  return { fixture, api, push, el: fixture.nativeElement as HTMLElement };
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

  it('enables notifications on this device only on the click, and says what happened', async () => {
    const { fixture, push, el } = await render();
    expect(push.enable).not.toHaveBeenCalled();
    const button = Array.from(el.querySelectorAll('button')).find((b) =>
      b.textContent?.includes('Enable notifications on this device'),
    )!;
    button.click();
    await settle();
    fixture.detectChanges();
    expect(push.enable).toHaveBeenCalledTimes(1);
    expect(el.querySelector('[aria-labelledby="push-title"] [role="status"]')?.textContent).toContain(
      'this device will receive notifications',
    );
    push.enable.mockResolvedValueOnce('denied');
    button.click();
    await settle();
    fixture.detectChanges();
    expect(el.querySelector('[aria-labelledby="push-title"] [role="alert"]')?.textContent).toContain(
      'did not allow notifications',
    );
  });

  it('an unverified address says so, offers to send the link again, and the digest waits for it', async () => {
    const { el, api, fixture } = await render({ emailVerified: false });
    expect(el.querySelector('[data-testid="email-status"]')?.textContent).toContain('not verified yet');
    const digest = el.querySelector<HTMLInputElement>('#profile-digest')!;
    expect(digest.disabled).toBe(true);
    expect(el.querySelector('#profile-digest-hint')?.textContent).toContain('verify your email first');
    const resend = [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Send the verification'))!;
    resend.click();
    await settle();
    fixture.detectChanges();
    expect(api.resendVerification).toHaveBeenCalledTimes(1);
    expect(el.querySelector('[role="status"]')?.textContent).toContain('Verification mail sent');
  });

  it('a refused resend (e.g. 429) is said in an alert', async () => {
    const { el, api, fixture } = await render({ emailVerified: false });
    api.resendVerification.mockRejectedValueOnce(new HttpErrorResponse({ status: 429 }));
    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Send the verification'))!.click();
    await settle();
    fixture.detectChanges();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('Too many requests');
  });

  it('a verified address turns the digest on and off', async () => {
    const { el, api, fixture } = await render({ emailVerified: true, digest: false });
    expect(el.querySelector('[data-testid="email-status"]')?.textContent).toContain('verified');
    expect([...el.querySelectorAll('button')].some((b) => b.textContent?.includes('Send the verification'))).toBe(
      false,
    );
    const digest = el.querySelector<HTMLInputElement>('#profile-digest')!;
    expect(digest.disabled).toBe(false);
    expect(digest.checked).toBe(false);
    digest.checked = true;
    digest.dispatchEvent(new Event('change'));
    await settle();
    fixture.detectChanges();
    expect(api.setDigest).toHaveBeenCalledWith(true);
    expect(el.querySelector('[role="status"]')?.textContent).toContain('Email digest on');
    expect(el.querySelector<HTMLInputElement>('#profile-digest')!.checked).toBe(true);
  });
});

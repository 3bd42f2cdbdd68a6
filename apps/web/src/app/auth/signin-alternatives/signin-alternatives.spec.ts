import { TestBed } from '@angular/core/testing';
import { SigninService } from '../../core/auth/signin.service';
import { SigninAlternatives } from './signin-alternatives';

describe('SigninAlternatives', () => {
  function render(supported: boolean) {
    localStorage.setItem('hihi.lang', 'en');
    const signin = { passkeysSupported: () => supported, passkeySignIn: vi.fn() };
    TestBed.configureTestingModule({ providers: [{ provide: SigninService, useValue: signin }] });
    const fixture = TestBed.createComponent(SigninAlternatives);
    return { fixture, el: fixture.nativeElement as HTMLElement, signin };
  }

  it('offers "Sign in with a passkey" and, when configured, "Sign in with <provider>" linking to the start', async () => {
    const { fixture, el } = render(true);
    fixture.componentRef.setInput('methods', {
      password: true,
      registration: true,
      passkeys: true,
      oidc: { name: 'Keycloak' },
    });
    await fixture.whenStable();
    expect(el.querySelector('button')?.textContent).toContain('Sign in with a passkey');
    const link = el.querySelector('a') as HTMLAnchorElement;
    expect(link.textContent).toContain('Sign in with Keycloak');
    expect(link.getAttribute('href')).toBe('/api/auth/oidc/start');
  });

  it('shows no SSO button when not configured, no passkey button when the browser cannot', async () => {
    const { fixture, el } = render(false);
    fixture.componentRef.setInput('methods', { password: true, registration: true, passkeys: true });
    await fixture.whenStable();
    expect(el.querySelector('a')).toBeNull();
    expect(el.querySelector('button')).toBeNull();
  });

  it('signs in with a passkey (emits), stays quiet when the person cancels, says so when it fails', async () => {
    const { fixture, el, signin } = render(true);
    const signedIn = vi.fn();
    fixture.componentInstance.signedIn.subscribe(signedIn);
    await fixture.whenStable();
    signin.passkeySignIn.mockResolvedValueOnce(undefined);
    await fixture.componentInstance.passkey();
    expect(signedIn).toHaveBeenCalledTimes(1);
    signin.passkeySignIn.mockRejectedValueOnce(Object.assign(new Error('cancelled'), { name: 'NotAllowedError' }));
    await fixture.componentInstance.passkey();
    await fixture.whenStable();
    expect(el.querySelector('[role="alert"]')).toBeNull();
    signin.passkeySignIn.mockRejectedValueOnce(new Error('boom'));
    await fixture.componentInstance.passkey();
    await fixture.whenStable();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('Could not sign in with a passkey');
  });
});

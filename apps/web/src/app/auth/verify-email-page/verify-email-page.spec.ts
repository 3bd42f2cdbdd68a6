import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import { AccountApi } from '../../core/account/account-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { VerifyEmailPage } from './verify-email-page';

describe('VerifyEmailPage', () => {
  async function render(
    fragment: string | null,
    opts: { query?: Record<string, string>; signedIn?: boolean; fail?: number } = {},
  ) {
    localStorage.setItem('hihi.lang', 'en');
    const api = {
      verifyEmail: opts.fail
        ? vi.fn().mockRejectedValue(new HttpErrorResponse({ status: opts.fail }))
        : vi.fn().mockResolvedValue({ email: '<b>a@example.org</b>' }),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: AccountApi, useValue: api },
        { provide: AuthService, useValue: { isSignedIn: signal(opts.signedIn ?? false) } },
        {
          provide: ActivatedRoute,
          useValue: { snapshot: { fragment, queryParamMap: convertToParamMap(opts.query ?? {}) } },
        },
      ],
    });
    const fixture = TestBed.createComponent(VerifyEmailPage);
    await new Promise((r) => setTimeout(r));
    await fixture.whenStable();
    return { el: fixture.nativeElement as HTMLElement, api };
  }

  it('sends the token of the link at once, signed out, and says the address is verified (as text)', async () => {
    const { el, api } = await render('token=tok_abc');
    expect(api.verifyEmail).toHaveBeenCalledWith('tok_abc');
    const done = el.querySelector('[data-testid="verify-done"]')!;
    expect(done.textContent).toContain('The address <b>a@example.org</b> is verified');
    expect(done.querySelector('b')).toBeNull();
    expect(el.querySelector('a[href="/login"]')).toBeTruthy();
  });

  it('also reads ?token=, and offers the profile when signed in', async () => {
    const { el, api } = await render(null, { query: { token: 'tok_q' }, signedIn: true });
    expect(api.verifyEmail).toHaveBeenCalledWith('tok_q');
    expect(el.querySelector('a[href="/profile"]')).toBeTruthy();
  });

  it('a used or expired link (400) is explained', async () => {
    const { el } = await render('token=tok_abc', { fail: 400 });
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('invalid, expired or already used');
  });

  it('a link without a token sends nothing', async () => {
    const { el, api } = await render(null);
    expect(api.verifyEmail).not.toHaveBeenCalled();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('incomplete');
  });
});

import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { of } from 'rxjs';
import { ActivatedRoute, convertToParamMap, provideRouter } from '@angular/router';
import { AdminApiService } from '../../core/api/admin-api.service';
import { ResetPage } from './reset-page';

describe('ResetPage', () => {
  async function render(fragment: string | null, query: Record<string, string> = {}) {
    localStorage.setItem('hihi.lang', 'en');
    const api = { resetPassword: vi.fn().mockResolvedValue(undefined) };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: AdminApiService, useValue: api },
        {
          provide: ActivatedRoute,
          useValue: { fragment: of(fragment), snapshot: { fragment, queryParamMap: convertToParamMap(query) } },
        },
      ],
    });
    const fixture = TestBed.createComponent(ResetPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const set = (selector: string, value: string) => {
      const input = el.querySelector(selector) as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const submit = async () => {
      (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
      await new Promise((r) => setTimeout(r));
      await fixture.whenStable();
    };
    return { fixture, el, api, set, submit };
  }

  it('sets the new password with the token of the link fragment, then offers to sign in', async () => {
    const { el, api, set, submit } = await render('token=tok_abc');
    set('#reset-password', 'correct-horse');
    set('#reset-confirm', 'correct-horse');
    await submit();
    expect(api.resetPassword).toHaveBeenCalledWith({ token: 'tok_abc', password: 'correct-horse' });
    expect(el.querySelector('[data-testid="reset-done"]')?.textContent).toContain('every device was signed out');
    expect(el.querySelector('a[href="/login"]')).toBeTruthy();
  });

  it('also reads ?token=', async () => {
    const { api, set, submit } = await render(null, { token: 'tok_q' });
    set('#reset-password', 'correct-horse');
    set('#reset-confirm', 'correct-horse');
    await submit();
    expect(api.resetPassword).toHaveBeenCalledWith({ token: 'tok_q', password: 'correct-horse' });
  });

  it('a used or expired link (401) and a refused password (400) are explained', async () => {
    const { el, api, set, submit } = await render('token=tok_abc');
    api.resetPassword.mockRejectedValueOnce(new HttpErrorResponse({ status: 401 }));
    set('#reset-password', 'correct-horse');
    set('#reset-confirm', 'correct-horse');
    await submit();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('invalid, expired or already used');
    api.resetPassword.mockRejectedValueOnce(
      new HttpErrorResponse({ status: 400, error: { message: 'this password is too common' } }),
    );
    await submit();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('too common');
  });

  it('mismatching passwords are not sent', async () => {
    const { el, api, set, submit } = await render('token=tok_abc');
    set('#reset-password', 'correct-horse');
    set('#reset-confirm', 'correct-horsf');
    await submit();
    expect(api.resetPassword).not.toHaveBeenCalled();
    expect(el.textContent).toContain('do not match');
  });

  it('a link without a token says it is incomplete, with no form', async () => {
    const { el } = await render(null);
    expect(el.querySelector('form')).toBeNull();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('incomplete');
  });
});

import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AccountApi } from '../../core/account/account-api.service';
import { ForgotPage } from './forgot-page';

describe('ForgotPage', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const api = { forgotPassword: vi.fn().mockResolvedValue(undefined) };
    TestBed.configureTestingModule({ providers: [provideRouter([]), { provide: AccountApi, useValue: api }] });
    const fixture = TestBed.createComponent(ForgotPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const type = (value: string) => {
      const input = el.querySelector('#forgot-username') as HTMLInputElement;
      input.value = value;
      input.dispatchEvent(new Event('input'));
    };
    const submit = async () => {
      (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
      await new Promise((r) => setTimeout(r));
      await fixture.whenStable();
    };
    return { el, api, type, submit };
  }

  it('sends the trimmed name and says the same thing whatever it is', async () => {
    const { el, api, type, submit } = await render();
    expect(el.querySelector('label[for="forgot-username"]')?.textContent).toContain('Username');
    type('  alice ');
    await submit();
    expect(api.forgotPassword).toHaveBeenCalledWith('alice');
    expect(el.querySelector('[data-testid="forgot-sent"]')?.textContent).toContain(
      'If an account with that name and a verified email exists, a link is on its way',
    );
    expect(el.querySelector('form')).toBeNull();
    expect(el.querySelector('a[href="/login"]')).toBeTruthy();
  });

  it('an empty name is not sent', async () => {
    const { el, api, submit } = await render();
    await submit();
    expect(api.forgotPassword).not.toHaveBeenCalled();
    expect(el.querySelector('#forgot-username')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('too many requests (429) is explained, and the form stays', async () => {
    const { el, api, type, submit } = await render();
    api.forgotPassword.mockRejectedValueOnce(new HttpErrorResponse({ status: 429 }));
    type('alice');
    await submit();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('Too many requests');
    expect(el.querySelector('form')).toBeTruthy();
  });
});

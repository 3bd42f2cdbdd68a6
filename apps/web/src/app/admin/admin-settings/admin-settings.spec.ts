import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { AdminApiService } from '../../core/api/admin-api.service';
import { AdminSettings } from './admin-settings';

describe('AdminSettings', () => {
  async function render(fail = false) {
    localStorage.setItem('hihi.lang', 'en');
    const api = {
      settings: fail
        ? vi.fn().mockRejectedValue(new HttpErrorResponse({ status: 403 }))
        : vi.fn().mockResolvedValue({ registration: 'open', guests: true, require2fa: false }),
      updateSettings: vi.fn().mockResolvedValue({ registration: 'invite', guests: false, require2fa: true }),
    };
    TestBed.configureTestingModule({ providers: [{ provide: AdminApiService, useValue: api }] });
    const fixture = TestBed.createComponent(AdminSettings);
    const el = fixture.nativeElement as HTMLElement;
    const settle = async () => {
      await new Promise((r) => setTimeout(r));
      await fixture.whenStable();
    };
    await settle();
    return { fixture, el, api, settle };
  }

  it('shows the current settings and saves registration, guests and require2fa', async () => {
    const { el, api, settle } = await render();
    const radios = [...el.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios.map((r) => r.value)).toEqual(['open', 'invite', 'closed']);
    await vi.waitFor(() => expect(radios[0].checked).toBe(true));
    expect(el.querySelector('fieldset legend')?.textContent).toContain('Registration');
    radios[1].click();
    const guests = el.querySelector('input[name="guests"]') as HTMLInputElement;
    guests.click();
    const require2fa = el.querySelector('input[name="require2fa"]') as HTMLInputElement;
    expect(require2fa.closest('label')?.textContent).toContain('second factor');
    require2fa.click();
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle();
    expect(api.updateSettings).toHaveBeenCalledWith({ registration: 'invite', guests: false, require2fa: true });
    expect(el.querySelector('[role="status"]')?.textContent).toContain('Settings saved');
  });

  it('a refusal is said, not hidden', async () => {
    const { el } = await render(true);
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('Only server admins');
    expect(el.querySelector('form')).toBeNull();
  });
});

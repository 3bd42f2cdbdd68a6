import { TestBed } from '@angular/core/testing';
import { AdminApiService } from '../../core/api/admin-api.service';
import { AdminInvites, inviteBody } from './admin-invites';

describe('inviteBody', () => {
  it('sends only what was chosen and refuses a bad number of uses', () => {
    expect(inviteBody('', 0)).toEqual({});
    expect(inviteBody(' 5 ', 3600)).toEqual({ maxUses: 5, expiresInSec: 3600 });
    for (const bad of ['0', '-1', '1.5', 'x', '10001']) expect(inviteBody(bad, 0)).toBeNull();
  });
});

describe('AdminInvites', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const api = {
      createInvite: vi.fn().mockResolvedValue({
        token: 'tok',
        url: 'http://localhost/register#invite=tok',
        maxUses: 3,
        expiresAt: '2026-12-09T05:00:00Z',
      }),
    };
    TestBed.configureTestingModule({ providers: [{ provide: AdminApiService, useValue: api }] });
    const fixture = TestBed.createComponent(AdminInvites);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const settle = async () => {
      await new Promise((r) => setTimeout(r));
      await fixture.whenStable();
    };
    return { fixture, el, api, settle };
  }

  it('creates an invite with most uses and an expiry, and shows the link to copy', async () => {
    const { el, api, settle } = await render();
    const uses = el.querySelector('#invite-uses') as HTMLInputElement;
    uses.value = '3';
    uses.dispatchEvent(new Event('input'));
    const expiry = el.querySelector('#invite-expiry') as HTMLSelectElement;
    expiry.selectedIndex = 2; // 1 day
    expiry.dispatchEvent(new Event('change'));
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle();
    expect(api.createInvite).toHaveBeenCalledWith({ maxUses: 3, expiresInSec: 86_400 });
    expect((el.querySelector('[data-testid="copy-link-field"]') as HTMLInputElement).value).toBe(
      'http://localhost/register#invite=tok',
    );
    expect(el.textContent).toContain('up to 3 uses');
  });

  it('a bad number of uses is flagged on the field, nothing is sent', async () => {
    const { el, api, settle } = await render();
    const uses = el.querySelector('#invite-uses') as HTMLInputElement;
    uses.value = '-2';
    uses.dispatchEvent(new Event('input'));
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle();
    expect(api.createInvite).not.toHaveBeenCalled();
    expect(uses.getAttribute('aria-invalid')).toBe('true');
    expect(el.querySelector('#invite-uses-error')?.textContent).toContain('whole number');
  });
});

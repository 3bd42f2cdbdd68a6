import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { SigninService } from '../../core/auth/signin.service';
import { qrDataUrl, SecurityPage } from './security-page';
import { TokensService } from '../tokens-panel/tokens.service';
import { BotsService } from '../bots-panel/bots.service';

const URL_ = 'otpauth://totp/Hihi%20Chat:alice?secret=JBSWY3DPEHPK3PXP&issuer=Hihi%20Chat';

describe('SecurityPage', () => {
  async function render(totp = false, query = '', passkeyCount = 1) {
    localStorage.setItem('hihi.lang', 'en');
    const signin = {
      passkeysSupported: () => true,
      status: vi.fn().mockResolvedValue({ totp, recoveryCodesLeft: totp ? 10 : 0, passkeys: passkeyCount }),
      passkeys: vi.fn().mockResolvedValue([
        {
          id: 'a'.repeat(24),
          name: 'laptop',
          createdAt: '2026-12-01T00:00:00Z',
          backupEligible: true,
          backedUp: true,
        },
      ]),
      enrolTotp: vi.fn().mockResolvedValue({ secret: 'JBSWY3DPEHPK3PXP', otpauthUrl: URL_ }),
      confirmTotp: vi.fn(),
      disableTotp: vi.fn(),
      addPasskey: vi.fn(),
      removePasskey: vi.fn().mockResolvedValue(undefined),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: '**', children: [] }]),
        { provide: SigninService, useValue: signin },
        { provide: TokensService, useValue: { list: vi.fn().mockResolvedValue([]) } },
        { provide: BotsService, useValue: { list: vi.fn().mockResolvedValue([]) } },
      ],
    });
    if (query) await TestBed.inject(Router).navigateByUrl(`/${query}`);
    const fixture = TestBed.createComponent(SecurityPage);
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement, signin };
  }

  it('draws the QR code locally as a data: URL', async () => {
    expect(await qrDataUrl(URL_)).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]{200,}$/);
  });

  it('enrol: QR code with alt text and the key; confirm shows the 10 recovery codes once', async () => {
    const { fixture, el, signin } = await render();
    const start = [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Turn on two-step'))!;
    start.click();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(el.querySelector('img.qr')).toBeTruthy();
    });
    const img = el.querySelector('img.qr') as HTMLImageElement;
    expect(img.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(img.getAttribute('alt')).toBe('QR code for two-step verification');
    expect(el.querySelector('[data-testid="totp-secret"]')?.textContent).toBe('JBSWY3DPEHPK3PXP');
    const codes = Array.from({ length: 10 }, (_, i) => `aaaa-bbbb-cccc-dd${String.fromCharCode(97 + i)}a`);
    signin.confirmTotp.mockResolvedValueOnce({ recoveryCodes: codes });
    const input = el.querySelector('#totp-code') as HTMLInputElement;
    input.value = '123456';
    input.dispatchEvent(new Event('input'));
    (input.closest('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(el.querySelectorAll('[data-testid="recovery-codes"] li')).toHaveLength(10);
    });
    expect(signin.confirmTotp).toHaveBeenCalledWith('123456');
    expect(el.querySelectorAll('[data-testid="recovery-codes"] li')).toHaveLength(10);
    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('I have saved them'))!.click();
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="recovery-codes"]')).toBeNull();
  });

  it('lists passkeys with an accessible remove button; removing calls the API', async () => {
    const { fixture, el, signin } = await render(true);
    expect(el.textContent).toContain('Two-step verification is on; 10 recovery codes left');
    const remove = el.querySelector('button[aria-label="Remove passkey laptop"]') as HTMLButtonElement;
    expect(remove).toBeTruthy();
    expect(el.textContent).toContain('synced');
    remove.click();
    await new Promise((r) => setTimeout(r));
    await fixture.whenStable();
    expect(signin.removePasskey).toHaveBeenCalledWith('a'.repeat(24));
  });

  it('asked to enrol at sign-in (require2fa): says why while no factor is set up, not otherwise', async () => {
    const asked = await render(false, '?enrol=1', 0);
    expect(asked.el.querySelector('[data-testid="enrol-required"]')?.textContent).toContain(
      'requires admins and moderators',
    );
    TestBed.resetTestingModule();
    const enrolled = await render(false, '?enrol=1', 1);
    expect(enrolled.el.querySelector('[data-testid="enrol-required"]')).toBeNull();
    TestBed.resetTestingModule();
    const notAsked = await render(false, '', 0);
    expect(notAsked.el.querySelector('[data-testid="enrol-required"]')).toBeNull();
  });
});

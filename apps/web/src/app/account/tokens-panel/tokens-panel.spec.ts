import { TestBed } from '@angular/core/testing';
import { TokensPanel } from './tokens-panel';
import { TokensService } from './tokens.service';

describe('TokensPanel', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const tokens = {
      list: vi
        .fn()
        .mockResolvedValue([
          { id: 'b'.repeat(24), name: '<b>ci</b>', scopes: ['messages:read'], createdAt: '2026-12-01T00:00:00Z' },
        ]),
      create: vi.fn().mockResolvedValue({ id: 'c'.repeat(24), token: 'hihi_pat_' + 'x'.repeat(43) }),
      revoke: vi.fn().mockResolvedValue(undefined),
    };
    TestBed.configureTestingModule({ providers: [{ provide: TokensService, useValue: tokens }] });
    const fixture = TestBed.createComponent(TokensPanel);
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement, tokens };
  }

  it('lists tokens with their scopes, names as text (no HTML)', async () => {
    const { el } = await render();
    const row = el.querySelector('[data-testid="tokens"] li')!;
    expect(row.textContent).toContain('<b>ci</b>');
    expect(row.querySelector('b')).toBeNull();
    expect(row.textContent).toContain('read messages');
  });

  it('creates a token with the chosen scopes and expiry, shows it once, then hides it', async () => {
    const { fixture, el, tokens } = await render();
    const name = el.querySelector('#token-name') as HTMLInputElement;
    name.value = 'deploy';
    name.dispatchEvent(new Event('input'));
    const write = el.querySelector('input[name="scope-messages:write"]') as HTMLInputElement;
    write.click();
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(el.querySelector('[data-testid="new-token"]')).toBeTruthy();
    });
    expect(tokens.create).toHaveBeenCalledWith({
      name: 'deploy',
      scopes: ['messages:read', 'messages:write'],
      expiresInDays: 90,
    });
    expect((el.querySelector('[data-testid="new-token"]') as HTMLInputElement).value).toMatch(/^hihi_pat_/);
    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('I have saved it'))!.click();
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="new-token"]')).toBeNull();
  });

  it('asks for a name before creating; revokes by its labelled button', async () => {
    const { fixture, el, tokens } = await render();
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await fixture.whenStable();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('Give it a name');
    expect(tokens.create).not.toHaveBeenCalled();
    (el.querySelector('button[aria-label="Revoke token <b>ci</b>"]') as HTMLButtonElement).click();
    await vi.waitFor(() => expect(tokens.revoke).toHaveBeenCalledWith('b'.repeat(24)));
  });
});

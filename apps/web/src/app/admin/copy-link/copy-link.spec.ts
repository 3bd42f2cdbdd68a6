import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { CopyLink } from './copy-link';

@Component({
  imports: [CopyLink],
  template: `<hihi-copy-link url="http://localhost/register#invite=abc" label="Invite link" />`,
})
class Host {}

describe('CopyLink', () => {
  it('shows the link read-only with a label and copies it with the button', async () => {
    localStorage.setItem('hihi.lang', 'en');
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const input = el.querySelector('input') as HTMLInputElement;
    expect(input.readOnly).toBe(true);
    expect(input.value).toBe('http://localhost/register#invite=abc');
    expect(el.querySelector(`label[for="${input.id}"]`)?.textContent).toContain('Invite link');
    (el.querySelector('button') as HTMLButtonElement).click();
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(el.querySelector('[role="status"]')?.textContent).toContain('Copied');
    });
    expect(writeText).toHaveBeenCalledWith('http://localhost/register#invite=abc');
  });

  it('without clipboard permission the text stays selected and nothing claims it was copied', async () => {
    localStorage.setItem('hihi.lang', 'en');
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: vi.fn().mockRejectedValue(new Error('denied')) },
      configurable: true,
    });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    (el.querySelector('button') as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r));
    await fixture.whenStable();
    expect(el.querySelector('[role="status"]')?.textContent?.trim()).toBe('');
  });
});

import { TestBed } from '@angular/core/testing';
import { BotTag } from './bot-tag';

describe('BotTag', () => {
  it('says BOT, as text a screen reader reads with the name', async () => {
    const fixture = TestBed.createComponent(BotTag);
    await fixture.whenStable();
    const host: HTMLElement = fixture.nativeElement;
    expect(host.textContent?.trim()).toBe('BOT');
    expect(host.getAttribute('aria-hidden')).toBeNull();
  });
});

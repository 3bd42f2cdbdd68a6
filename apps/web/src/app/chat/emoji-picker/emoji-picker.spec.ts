import { TestBed } from '@angular/core/testing';
import { EmojiPicker, QUICK_EMOJIS } from './emoji-picker';

describe('EmojiPicker', () => {
  it('offers the quick emojis as labelled buttons and emits the pick', async () => {
    const fixture = TestBed.createComponent(EmojiPicker);
    const picks: string[] = [];
    fixture.componentInstance.pick.subscribe((e) => picks.push(e));
    await fixture.whenStable();
    const buttons: HTMLButtonElement[] = Array.from(fixture.nativeElement.querySelectorAll('button'));
    expect(buttons.length).toBe(QUICK_EMOJIS.length);
    expect(buttons[0].getAttribute('aria-label')).toBe(QUICK_EMOJIS[0]);
    buttons[3].click();
    expect(picks).toEqual([QUICK_EMOJIS[3]]);
  });

  it('closes on Escape', async () => {
    const fixture = TestBed.createComponent(EmojiPicker);
    let closed = 0;
    fixture.componentInstance.closed.subscribe(() => closed++);
    await fixture.whenStable();
    fixture.nativeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(closed).toBe(1);
  });
});

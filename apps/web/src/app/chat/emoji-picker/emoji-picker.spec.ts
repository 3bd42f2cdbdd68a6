import { TestBed } from '@angular/core/testing';
import { EMOJI_COLUMNS, EmojiPicker, QUICK_EMOJIS } from './emoji-picker';

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

describe('EmojiPicker as a dialog (keyboard)', () => {
  const key = (el: HTMLElement, k: string, shiftKey = false) =>
    el.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true }));

  it('is a labelled dialog that takes the focus, moves with the arrows and keeps Tab inside', async () => {
    const fixture = TestBed.createComponent(EmojiPicker);
    fixture.componentRef.setInput('label', 'Add reaction');
    document.body.appendChild(fixture.nativeElement);
    await fixture.whenStable();
    const host: HTMLElement = fixture.nativeElement;
    expect(host.getAttribute('role')).toBe('dialog');
    expect(host.getAttribute('aria-label')).toBe('Add reaction');
    const buttons: HTMLButtonElement[] = Array.from(host.querySelectorAll('button'));
    expect(document.activeElement).toBe(buttons[0]);
    // one tab stop (roving tabindex)
    expect(buttons.filter((b) => b.tabIndex === 0)).toEqual([buttons[0]]);
    key(buttons[0], 'ArrowRight');
    await fixture.whenStable();
    expect(document.activeElement).toBe(buttons[1]);
    key(buttons[1], 'ArrowDown');
    await fixture.whenStable();
    expect(document.activeElement).toBe(buttons[1 + EMOJI_COLUMNS]);
    expect(buttons.filter((b) => b.tabIndex === 0)).toEqual([buttons[1 + EMOJI_COLUMNS]]);
    key(buttons[1 + EMOJI_COLUMNS], 'End');
    await fixture.whenStable();
    expect(document.activeElement).toBe(buttons[QUICK_EMOJIS.length - 1]);
    const tab = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    buttons[QUICK_EMOJIS.length - 1].dispatchEvent(tab);
    expect(tab.defaultPrevented).toBe(true);
    expect(host.contains(document.activeElement)).toBe(true);
    host.remove();
  });

  it('does not take the focus when told not to', async () => {
    const fixture = TestBed.createComponent(EmojiPicker);
    fixture.componentRef.setInput('autofocus', false);
    document.body.appendChild(fixture.nativeElement);
    await fixture.whenStable();
    expect(fixture.nativeElement.contains(document.activeElement)).toBe(false);
    fixture.nativeElement.remove();
  });
});

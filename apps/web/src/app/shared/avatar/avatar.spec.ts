import { TestBed } from '@angular/core/testing';
import { Avatar, avatarColor, avatarInitial } from './avatar';

describe('Avatar', () => {
  it('takes the first letter, whole code points included', () => {
    expect(avatarInitial('alice')).toBe('A');
    expect(avatarInitial(' 小明')).toBe('小');
    expect(avatarInitial('😀 hi')).toBe('😀');
    expect(avatarInitial('')).toBe('?');
  });

  it('picks a stable colour per name', () => {
    expect(avatarColor('bob')).toBe(avatarColor('bob'));
    expect(avatarColor('bob')).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('renders the initial on a coloured circle, and the duck for bots', async () => {
    const fixture = TestBed.createComponent(Avatar);
    fixture.componentRef.setInput('name', 'bob');
    await fixture.whenStable();
    const span: HTMLElement = fixture.nativeElement.querySelector('.avatar');
    expect(span.textContent?.trim()).toBe('B');
    expect(span.style.background).not.toBe('');

    fixture.componentRef.setInput('bot', true);
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('.avatar--duck svg')).toBeTruthy();
  });
});

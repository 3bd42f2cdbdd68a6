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

  it('shows the picture when there is one, and the initial again when it fails to load', async () => {
    const fixture = TestBed.createComponent(Avatar);
    fixture.componentRef.setInput('name', 'bob');
    fixture.componentRef.setInput('src', '/api/avatars/0123456789abcdef0123456789abcdef.webp');
    await fixture.whenStable();
    const img: HTMLImageElement = fixture.nativeElement.querySelector('img.avatar');
    expect(img.getAttribute('src')).toBe('/api/avatars/0123456789abcdef0123456789abcdef.webp');
    expect(img.getAttribute('alt')).toBe('');
    img.dispatchEvent(new Event('error'));
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('img')).toBeNull();
    expect(fixture.nativeElement.querySelector('.avatar')?.textContent?.trim()).toBe('B');
  });
});

import { TestBed } from '@angular/core/testing';
import { DuckIcon } from './duck-icon';

describe('DuckIcon', () => {
  it('draws an inline, decorative SVG duck at the given size', async () => {
    const fixture = TestBed.createComponent(DuckIcon);
    fixture.componentRef.setInput('size', 64);
    await fixture.whenStable();
    const host: HTMLElement = fixture.nativeElement;
    expect(host.querySelector('svg')?.getAttribute('aria-hidden')).toBe('true');
    expect(host.style.width).toBe('64px');
  });
});

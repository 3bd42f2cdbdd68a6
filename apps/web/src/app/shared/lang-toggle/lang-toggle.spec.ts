import { TestBed } from '@angular/core/testing';
import { I18nService } from '../../core/i18n/i18n.service';
import { LangToggle } from './lang-toggle';

describe('LangToggle', () => {
  it('switches between 中文 and English', async () => {
    localStorage.setItem('hihi.lang', 'zh');
    const fixture = TestBed.createComponent(LangToggle);
    await fixture.whenStable();
    const button: HTMLButtonElement = fixture.nativeElement.querySelector('button');
    expect(button.textContent).toContain('English');
    button.click();
    await fixture.whenStable();
    expect(TestBed.inject(I18nService).lang()).toBe('en');
    expect(button.textContent).toContain('中文');
    expect(button.getAttribute('aria-label')).toBe('切换到中文');
  });
});

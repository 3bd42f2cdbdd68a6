import { TestBed } from '@angular/core/testing';
import { EN, ZH } from './i18n.dictionary';
import { I18nService, LANG_STORAGE_KEY, detectLang } from './i18n.service';

describe('detectLang', () => {
  it('prefers a saved choice', () => {
    expect(detectLang('en', 'zh-CN')).toBe('en');
    expect(detectLang('zh', 'en-US')).toBe('zh');
  });
  it('uses Chinese when navigator.language starts with zh', () => {
    expect(detectLang(null, 'zh-TW')).toBe('zh');
    expect(detectLang(null, 'ZH')).toBe('zh');
    expect(detectLang(null, 'en-GB')).toBe('en');
    expect(detectLang('fr', undefined)).toBe('en');
  });
});

describe('I18nService', () => {
  beforeEach(() => localStorage.clear());

  it('switches language at any time and remembers the choice', () => {
    localStorage.setItem(LANG_STORAGE_KEY, 'zh');
    const i18n = TestBed.inject(I18nService);
    expect(i18n.lang()).toBe('zh');
    expect(i18n.t('composer.placeholder')).toBe('说点啥吧...');
    expect(i18n.t('login.guest')).toBe('先和小黄鸭聊聊');

    i18n.toggle();
    expect(i18n.lang()).toBe('en');
    expect(i18n.t('login.guest')).toBe('Chat with the duck as a guest');
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('en');

    i18n.setLang('zh');
    expect(i18n.t('login.remember')).toBe('记住我');
  });

  it('fills in parameters', () => {
    localStorage.setItem(LANG_STORAGE_KEY, 'en');
    const i18n = TestBed.inject(I18nService);
    expect(i18n.t('chat.onlineCount', { count: 3 })).toBe('3 online');
    expect(i18n.t('composer.counter', { count: 12, max: 4000 })).toBe('12 of at most 4000 characters');
  });

  it('sets the document language', () => {
    localStorage.setItem(LANG_STORAGE_KEY, 'en');
    const i18n = TestBed.inject(I18nService);
    TestBed.tick();
    expect(document.documentElement.lang).toBe('en');
    i18n.setLang('zh');
    TestBed.tick();
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('has an English text for every Chinese key', () => {
    expect(Object.keys(EN).sort()).toEqual(Object.keys(ZH).sort());
    for (const value of Object.values(EN)) expect(value.trim()).not.toBe('');
  });
});

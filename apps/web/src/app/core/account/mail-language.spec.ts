import { TestBed } from '@angular/core/testing';
import { signal } from '@angular/core';
import type { PublicUser } from '@hihi/contracts';
import { AuthService } from '../auth/auth.service';
import { I18nService } from '../i18n/i18n.service';
import { AccountApi } from './account-api.service';
import { MAIL_LANGUAGE_KEY, MailLanguageSync } from './mail-language';

describe('MailLanguageSync', () => {
  const person: PublicUser = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false, role: 'member' };

  function setup(user: PublicUser | null) {
    localStorage.removeItem(MAIL_LANGUAGE_KEY);
    localStorage.setItem('hihi.lang', 'en');
    const current = signal<PublicUser | null>(user);
    const api = { setMailLanguage: vi.fn().mockResolvedValue({}) };
    TestBed.configureTestingModule({
      providers: [
        { provide: AuthService, useValue: { user: current } },
        { provide: AccountApi, useValue: api },
      ],
    });
    TestBed.inject(MailLanguageSync);
    const i18n = TestBed.inject(I18nService);
    return { api, i18n, current };
  }

  const settle = async () => {
    TestBed.tick();
    await new Promise((r) => setTimeout(r));
    TestBed.tick();
  };

  it('tells the server the UI language on first load and on each switch, once each', async () => {
    const { api, i18n } = setup(person);
    await settle();
    expect(api.setMailLanguage).toHaveBeenCalledTimes(1);
    expect(api.setMailLanguage).toHaveBeenLastCalledWith('en');
    expect(localStorage.getItem(MAIL_LANGUAGE_KEY)).toBe('u1:en');
    i18n.setLang('zh');
    await settle();
    expect(api.setMailLanguage).toHaveBeenLastCalledWith('zh');
    expect(api.setMailLanguage).toHaveBeenCalledTimes(2);
    await settle();
    expect(api.setMailLanguage).toHaveBeenCalledTimes(2);
  });

  it('tells nothing for guests or when signed out', async () => {
    const { api, current } = setup(null);
    await settle();
    current.set({ ...person, guest: true });
    await settle();
    expect(api.setMailLanguage).not.toHaveBeenCalled();
  });

  it('a failure is tried again on the next change', async () => {
    const { api, i18n } = setup(person);
    api.setMailLanguage.mockRejectedValueOnce(new Error('offline'));
    await settle();
    expect(localStorage.getItem(MAIL_LANGUAGE_KEY)).toBeNull();
    i18n.setLang('zh');
    await settle();
    expect(localStorage.getItem(MAIL_LANGUAGE_KEY)).toBe('u1:zh');
  });
});

import { Injectable, effect, inject } from '@angular/core';
import { AuthService } from '../auth/auth.service';
import { I18nService } from '../i18n/i18n.service';
import { AccountApi } from './account-api.service';

/** Where the language last told to the server is kept, per account (`<userId>:<lang>`). */
export const MAIL_LANGUAGE_KEY = 'hihi.mailLang';

function readKey(): string | null {
  try {
    return localStorage.getItem(MAIL_LANGUAGE_KEY);
  } catch {
    return null;
  }
}

/**
 * Mails (verification, reset, digest) are written in the person's language (SPEC §10): the web
 * client tells the server its UI language when someone signed in (not a guest) first loads it
 * and whenever they switch language. Told once per account and language in this browser; a
 * failure is tried again on the next change or visit.
 */
@Injectable({ providedIn: 'root' })
export class MailLanguageSync {
  private readonly auth = inject(AuthService);
  private readonly i18n = inject(I18nService);
  private readonly api = inject(AccountApi);
  private sending: string | null = null;

  constructor() {
    effect(() => {
      const user = this.auth.user();
      const lang = this.i18n.lang();
      if (!user || user.guest) return;
      const key = `${user.id}:${lang}`;
      if (key === readKey() || key === this.sending) return;
      this.sending = key;
      this.api.setMailLanguage(lang).then(
        () => {
          try {
            localStorage.setItem(MAIL_LANGUAGE_KEY, key);
          } catch {
            /* storage unavailable: told again next visit */
          }
          if (this.sending === key) this.sending = null;
        },
        () => {
          if (this.sending === key) this.sending = null;
        },
      );
    });
  }
}

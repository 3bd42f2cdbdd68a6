import { DOCUMENT } from '@angular/common';
import { Injectable, computed, effect, inject, signal } from '@angular/core';
import { DICTIONARIES, type I18nKey, type Lang } from './i18n.dictionary';

export const LANG_STORAGE_KEY = 'hihi.lang';

type Params = Record<string, string | number>;

/** Picks the first language: a saved choice, else Chinese for zh* browsers, else English. */
export function detectLang(saved: string | null, navigatorLanguage: string | undefined): Lang {
  if (saved === 'zh' || saved === 'en') return saved;
  return (navigatorLanguage ?? '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** A tiny signal-based translation service. Templates call `t()`, which tracks `lang`. */
@Injectable({ providedIn: 'root' })
export class I18nService {
  private readonly document = inject(DOCUMENT);
  private readonly langState = signal<Lang>(detectLang(readSaved(), this.document.defaultView?.navigator?.language));

  readonly lang = this.langState.asReadonly();
  readonly locale = computed(() => (this.lang() === 'zh' ? 'zh-CN' : 'en'));

  constructor() {
    effect(() => {
      this.document.documentElement.lang = this.lang() === 'zh' ? 'zh-CN' : 'en';
    });
  }

  setLang(lang: Lang): void {
    this.langState.set(lang);
    try {
      localStorage.setItem(LANG_STORAGE_KEY, lang);
    } catch {
      /* storage may be unavailable (private mode); the choice still applies for this page */
    }
  }

  toggle(): void {
    this.setLang(this.lang() === 'zh' ? 'en' : 'zh');
  }

  /** Translates a key, replacing `{name}` placeholders with params. */
  t(key: I18nKey, params?: Params): string {
    const text = DICTIONARIES[this.lang()][key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }
}

function readSaved(): string | null {
  try {
    return localStorage.getItem(LANG_STORAGE_KEY);
  } catch {
    return null;
  }
}

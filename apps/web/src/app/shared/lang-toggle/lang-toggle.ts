import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { I18nService } from '../../core/i18n/i18n.service';

/** 中文 / English switch, usable at any time. */
@Component({
  selector: 'hihi-lang-toggle',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button
      type="button"
      class="btn btn--ghost btn--small lang-toggle"
      [attr.aria-label]="i18n.t('lang.toggleLabel')"
      [attr.lang]="i18n.lang() === 'zh' ? 'en' : 'zh'"
      (click)="i18n.toggle()"
    >
      <span aria-hidden="true">🌐</span> {{ i18n.t('lang.toggle') }}
    </button>
  `,
})
export class LangToggle {
  protected readonly i18n = inject(I18nService);
}

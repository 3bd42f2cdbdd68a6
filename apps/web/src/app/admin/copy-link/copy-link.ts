import { ChangeDetectionStrategy, Component, ElementRef, inject, input, signal, viewChild } from '@angular/core';
import { I18nService } from '../../core/i18n/i18n.service';

let nextId = 0;

/** A link shown read-only with a button that copies it (the field is selected for a manual copy too). */
@Component({
  selector: 'hihi-copy-link',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="copy">
      <label class="visually-hidden" [for]="id">{{ label() }}</label>
      <input
        #field
        class="input copy__field"
        [id]="id"
        type="text"
        readonly
        [value]="url()"
        (focus)="field.select()"
        data-testid="copy-link-field"
      />
      <button
        type="button"
        class="btn btn--soft btn--small"
        [attr.aria-label]="label() + ' · ' + i18n.t('admin.copy')"
        (click)="copy()"
      >
        {{ i18n.t('admin.copy') }}
      </button>
    </div>
    <p class="copy__status" role="status">{{ copied() ? i18n.t('admin.copied') : '' }}</p>
  `,
  styles: `
    .copy {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .copy__field {
      flex: 1;
      min-width: 0;
      font-family: ui-monospace, monospace;
      font-size: 0.85rem;
    }
    .copy__status {
      margin: 0;
      min-height: 1.2em;
      font-size: 0.85rem;
      color: var(--ink-soft);
    }
  `,
})
export class CopyLink {
  protected readonly i18n = inject(I18nService);
  readonly url = input.required<string>();
  readonly label = input.required<string>();
  protected readonly id = `copy-link-${++nextId}`;
  protected readonly copied = signal(false);
  private readonly field = viewChild.required<ElementRef<HTMLInputElement>>('field');

  async copy(): Promise<void> {
    const el = this.field().nativeElement;
    el.select();
    try {
      await navigator.clipboard.writeText(this.url());
      this.copied.set(true);
    } catch {
      // no clipboard permission: the text stays selected for Ctrl+C
      this.copied.set(false);
      el.focus();
    }
  }
}

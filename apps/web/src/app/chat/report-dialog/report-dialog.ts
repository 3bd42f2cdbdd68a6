import { DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  Injector,
  afterNextRender,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MODERATION, type Message } from '@hihi/contracts';
import { I18nService } from '../../core/i18n/i18n.service';
import { refocus, trapTab } from '../../shared/a11y/focus';

/**
 * Asks for the reason of a report (a modal <dialog>: Esc cancels; the focus returns to where it
 * was). The page sends it; `error` shows what the server said.
 */
@Component({
  selector: 'hihi-report-dialog',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './report-dialog.html',
  styleUrl: './report-dialog.css',
})
export class ReportDialog {
  protected readonly i18n = inject(I18nService);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  protected readonly max = MODERATION.reasonMax;

  /** the message to report; null: closed */
  readonly message = input<Message | null>(null);
  readonly busy = input(false);
  readonly error = input<string | null>(null);
  readonly send = output<{ message: Message; reason: string }>();
  readonly closed = output<void>();

  protected reason = '';
  protected readonly missing = signal(false);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private opener: HTMLElement | null = null;

  constructor() {
    effect(() => {
      const m = this.message();
      untracked(() => (m ? this.open() : this.shut()));
    });
  }

  private open(): void {
    const active = this.document.activeElement;
    this.opener = active instanceof HTMLElement ? active : null;
    this.reason = '';
    this.missing.set(false);
    const el = this.dialog().nativeElement;
    if (!el.open) {
      if (typeof el.showModal === 'function') el.showModal();
      else el.setAttribute('open', '');
    }
    afterNextRender(() => el.querySelector<HTMLElement>('textarea')?.focus(), { injector: this.injector });
  }

  private shut(): void {
    const el = this.dialog().nativeElement;
    if (el.open) {
      if (typeof el.close === 'function') el.close();
      else el.removeAttribute('open');
    }
    const opener = this.opener;
    this.opener = null;
    if (opener) refocus(opener);
  }

  protected submit(): void {
    const m = this.message();
    const reason = this.reason.trim();
    this.missing.set(!reason);
    if (!m || !reason || this.busy()) return;
    this.send.emit({ message: m, reason: reason.slice(0, this.max) });
  }

  protected cancel(): void {
    this.closed.emit();
  }

  protected onKey(event: KeyboardEvent, dialog: HTMLElement): void {
    trapTab(event, dialog);
  }
}

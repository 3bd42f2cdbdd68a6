import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { LIMITS } from '@hihi/contracts';
import { I18nService } from '../../core/i18n/i18n.service';
import { EmojiPicker } from '../emoji-picker/emoji-picker';

/** Resend `typing: true` at most this often while the user keeps typing. */
export const TYPING_THROTTLE_MS = 2500;
/** Send `typing: false` after this much quiet. */
export const TYPING_IDLE_MS = 3000;

/** The message box: Enter sends, Shift+Enter breaks the line, with a character counter. */
@Component({
  selector: 'hihi-composer',
  imports: [EmojiPicker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './composer.html',
  styleUrl: './composer.css',
})
export class Composer {
  protected readonly i18n = inject(I18nService);
  protected readonly max = LIMITS.messageMax;

  readonly disabled = input(false);
  readonly send = output<string>();
  readonly typing = output<boolean>();

  protected readonly text = signal('');
  protected readonly emojiOpen = signal(false);
  protected readonly count = computed(() => Array.from(this.text()).length);
  protected readonly tooLong = computed(() => this.text().trim().length > this.max);
  protected readonly canSend = computed(() => !this.disabled() && this.text().trim().length > 0 && !this.tooLong());

  private readonly textarea = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');
  private typingSentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    // the page is going away (and with it the socket): just stop the timer, emit nothing
    inject(DestroyRef).onDestroy(() => {
      if (this.idleTimer) clearTimeout(this.idleTimer);
    });
  }

  protected onInput(value: string): void {
    this.text.set(value);
    this.autosize();
    if (!value.trim()) {
      this.stopTyping();
      return;
    }
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_THROTTLE_MS) {
      this.typingSentAt = now;
      this.typing.emit(true);
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey) return;
    // an IME (e.g. pinyin) uses Enter to confirm a candidate: leave it alone
    if (event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.submit();
  }

  submit(): void {
    if (!this.canSend()) return;
    this.send.emit(this.text().trim());
    this.text.set('');
    const el = this.textarea().nativeElement;
    el.value = '';
    this.autosize();
    this.stopTyping();
  }

  protected insertEmoji(emoji: string): void {
    const el = this.textarea().nativeElement;
    const value = this.text();
    const start = el.selectionStart ?? value.length;
    const end = el.selectionEnd ?? value.length;
    const next = value.slice(0, start) + emoji + value.slice(end);
    this.text.set(next);
    el.value = next;
    this.emojiOpen.set(false);
    el.focus();
    const caret = start + emoji.length;
    el.setSelectionRange(caret, caret);
  }

  focus(): void {
    this.textarea().nativeElement.focus();
  }

  private stopTyping(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.typingSentAt) {
      this.typingSentAt = 0;
      this.typing.emit(false);
    }
  }

  private autosize(): void {
    const el = this.textarea().nativeElement;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }
}

import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  inject,
  input,
  output,
  signal,
  viewChildren,
} from '@angular/core';
import { gridTarget, trapTab } from '../../shared/a11y/focus';

export const QUICK_EMOJIS = [
  '😀',
  '😂',
  '🥰',
  '😘',
  '😊',
  '😉',
  '🤔',
  '😎',
  '😭',
  '😅',
  '🙈',
  '🥳',
  '👍',
  '👏',
  '🙏',
  '💪',
  '❤️',
  '💛',
  '✨',
  '🎉',
  '🌸',
  '🍰',
  '☕',
  '🦆',
] as const;

/** Columns of the grid (arrow keys move by this much up and down). */
export const EMOJI_COLUMNS = 8;

/**
 * A small grid of quick emojis, used as a dialog: it takes the focus when it opens (the first
 * emoji), arrow keys, Home and End move in the grid (one tab stop, a roving tabindex), Tab stays
 * inside, Enter or Space picks, Escape closes. Whoever opened it gets the focus back (the
 * `closed` / `pick` handlers do that).
 */
@Component({
  selector: 'hihi-emoji-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    role: 'dialog',
    '[attr.aria-label]': 'label() || null',
    '(keydown)': 'onKey($event)',
  },
  template: `
    <div class="emoji-grid" role="group" [attr.aria-label]="label() || null">
      @for (emoji of emojis; track emoji; let i = $index) {
        <button
          #cell
          type="button"
          class="emoji"
          [attr.aria-label]="emoji"
          [attr.tabindex]="i === active() ? 0 : -1"
          (focus)="active.set(i)"
          (click)="pick.emit(emoji)"
        >
          {{ emoji }}
        </button>
      }
    </div>
  `,
  styles: `
    :host {
      display: block;
    }
    .emoji-grid {
      display: grid;
      grid-template-columns: repeat(8, 1fr);
      gap: 2px;
      padding: 8px;
      background: var(--surface);
      border-radius: 18px;
      box-shadow: var(--shadow-lg);
      border: 1px solid var(--line-strong);
      width: min(320px, calc(100vw - 32px));
    }
    .emoji {
      font-size: 1.3rem;
      line-height: 1;
      min-height: 36px;
      padding: 6px 0;
      border: 0;
      background: transparent;
      border-radius: 10px;
      cursor: pointer;
    }
    .emoji:hover,
    .emoji:focus-visible {
      background: var(--yellow-100);
    }
    .emoji:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 0;
    }
  `,
})
export class EmojiPicker {
  protected readonly emojis = QUICK_EMOJIS;
  /** the dialog's accessible name */
  readonly label = input('');
  /** take the focus when shown (default) */
  readonly autofocus = input(true);
  readonly pick = output<string>();
  readonly closed = output<void>();

  protected readonly active = signal(0);
  private readonly cells = viewChildren<ElementRef<HTMLButtonElement>>('cell');
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  private focused = false;

  constructor() {
    // once, as soon as the cells are rendered and attached: the focus goes into the grid
    afterRenderEffect(() => {
      const cell = this.cells()[this.active()]?.nativeElement;
      if (this.focused || !this.autofocus() || !cell?.isConnected) return;
      this.focused = true;
      cell.focus();
    });
  }

  /**
   * Puts the focus on the grid's current cell. Openers call it after opening: closing and
   * reopening within one frame (Escape then Enter) keeps the same picker, which does not autofocus
   * again.
   */
  focus(): void {
    this.focused = true;
    this.cells()[this.active()]?.nativeElement.focus();
  }

  protected onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.closed.emit();
      return;
    }
    if (trapTab(event, this.host.nativeElement)) return;
    if (event.key === 'Tab') {
      // one tab stop: Tab stays on the grid
      event.preventDefault();
      return;
    }
    const next = gridTarget(event.key, this.active(), this.emojis.length, EMOJI_COLUMNS);
    if (next === null) return;
    event.preventDefault();
    this.active.set(next);
    this.cells()[next]?.nativeElement.focus();
  }
}

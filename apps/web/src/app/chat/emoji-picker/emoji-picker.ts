import { ChangeDetectionStrategy, Component, output } from '@angular/core';

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

/** A small grid of quick emojis. */
@Component({
  selector: 'hihi-emoji-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(keydown.escape)': 'closed.emit()' },
  template: `
    <div class="emoji-grid" role="group">
      @for (emoji of emojis; track emoji) {
        <button type="button" class="emoji" [attr.aria-label]="emoji" (click)="pick.emit(emoji)">
          {{ emoji }}
        </button>
      }
    </div>
  `,
  styles: `
    .emoji-grid {
      display: grid;
      grid-template-columns: repeat(8, 1fr);
      gap: 2px;
      padding: 8px;
      background: var(--surface);
      border-radius: 18px;
      box-shadow: var(--shadow-lg);
      border: 1px solid var(--line);
      width: min(320px, calc(100vw - 32px));
    }
    .emoji {
      font-size: 1.3rem;
      line-height: 1;
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
  `,
})
export class EmojiPicker {
  protected readonly emojis = QUICK_EMOJIS;
  readonly pick = output<string>();
  readonly closed = output<void>();
}

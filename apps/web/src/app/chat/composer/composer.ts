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
import { Avatar } from '../../shared/avatar/avatar';
import type { Member } from '../chat-store.service';
import { EmojiPicker } from '../emoji-picker/emoji-picker';
import { plainText } from '../format/markdown';

/** Resend `typing: true` at most this often while the user keeps typing. */
export const TYPING_THROTTLE_MS = 2500;
/** Send `typing: false` after this much quiet. */
export const TYPING_IDLE_MS = 3000;
/** Most people the mention list shows at once. */
export const MENTION_MAX = 8;

/** The `@query` being typed right before the caret, if any. */
const MENTION_AT_CARET = /(^|[\s(（,，])@([\p{L}\p{N}_.-]{0,32})$/u;

export interface ReplyTarget {
  name: string;
  text: string;
}

/** Members matching a typed query: username or display name prefix first, then containing it. */
export function matchMembers(members: readonly Member[], query: string, max = MENTION_MAX): Member[] {
  const q = query.toLowerCase();
  const starts: Member[] = [];
  const contains: Member[] = [];
  for (const m of members) {
    const u = m.username.toLowerCase();
    const d = m.displayName.toLowerCase();
    if (u.startsWith(q) || d.startsWith(q)) starts.push(m);
    else if (q && (u.includes(q) || d.includes(q))) contains.push(m);
  }
  return [...starts, ...contains].slice(0, max);
}

/** The message box: Enter sends, Shift+Enter breaks the line, with a character counter. */
@Component({
  selector: 'hihi-composer',
  imports: [EmojiPicker, Avatar],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './composer.html',
  styleUrl: './composer.css',
})
export class Composer {
  protected readonly i18n = inject(I18nService);
  protected readonly max = LIMITS.messageMax;

  readonly disabled = input(false);
  /** the message being replied to, shown above the box */
  readonly replyTo = input<ReplyTarget | null>(null);
  /** people `@` can mention */
  readonly members = input<readonly Member[]>([]);
  readonly send = output<string>();
  readonly typing = output<boolean>();
  readonly cancelReply = output<void>();

  /** the `@query` typed before the caret (null: no mention list) */
  protected readonly mentionQuery = signal<string | null>(null);
  protected readonly mentionIndex = signal(0);
  protected readonly suggestions = computed(() => {
    const q = this.mentionQuery();
    return q === null ? [] : matchMembers(this.members(), q);
  });
  protected readonly mentionOpen = computed(() => this.suggestions().length > 0);
  protected readonly replyExcerpt = computed(() => {
    const r = this.replyTo();
    return r ? plainText(r.text).slice(0, 120) : '';
  });
  private mentionStart = -1;

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
    this.updateMention();
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
    // an IME (e.g. pinyin) uses Enter and the arrows for its candidates: leave it alone
    if (event.isComposing || event.keyCode === 229) return;
    if (this.mentionOpen()) {
      const count = this.suggestions().length;
      switch (event.key) {
        case 'ArrowDown':
          event.preventDefault();
          this.mentionIndex.set((this.mentionIndex() + 1) % count);
          return;
        case 'ArrowUp':
          event.preventDefault();
          this.mentionIndex.set((this.mentionIndex() - 1 + count) % count);
          return;
        case 'Enter':
        case 'Tab': {
          const pick = this.suggestions()[this.mentionIndex()]?.username ?? '';
          // "@duck" typed out in full: Enter sends, it does not pick again
          if (event.key === 'Enter' && pick.toLowerCase() === this.mentionQuery()?.toLowerCase()) {
            this.closeMentions();
            break;
          }
          event.preventDefault();
          this.insertMention(pick);
          return;
        }
        case 'Escape':
          event.preventDefault();
          event.stopPropagation();
          this.closeMentions();
          return;
      }
    }
    if (event.key === 'Escape' && this.replyTo()) {
      event.preventDefault();
      this.cancelReply.emit();
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey) return;
    event.preventDefault();
    this.submit();
  }

  /** Opens, narrows or closes the mention list for the `@word` at the caret. */
  protected updateMention(): void {
    const el = this.textarea().nativeElement;
    const caret = el.selectionStart ?? el.value.length;
    if (el.selectionEnd !== null && el.selectionEnd !== caret) return this.closeMentions();
    const m = MENTION_AT_CARET.exec(el.value.slice(0, caret));
    if (!m) return this.closeMentions();
    const query = m[2];
    this.mentionStart = caret - query.length - 1;
    if (query !== this.mentionQuery()) this.mentionIndex.set(0);
    this.mentionQuery.set(query);
  }

  /** Replaces the `@query` at the caret with `@username `. */
  protected insertMention(username: string): void {
    if (!username || this.mentionStart < 0) return;
    const el = this.textarea().nativeElement;
    const value = this.text();
    const caret = el.selectionStart ?? value.length;
    const insert = `@${username} `;
    const next = value.slice(0, this.mentionStart) + insert + value.slice(caret);
    this.text.set(next);
    el.value = next;
    const at = this.mentionStart + insert.length;
    el.focus();
    el.setSelectionRange(at, at);
    this.closeMentions();
    this.autosize();
  }

  protected closeMentions(): void {
    this.mentionQuery.set(null);
    this.mentionStart = -1;
  }

  submit(): void {
    if (!this.canSend()) return;
    this.send.emit(this.text().trim());
    this.text.set('');
    const el = this.textarea().nativeElement;
    el.value = '';
    this.closeMentions();
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

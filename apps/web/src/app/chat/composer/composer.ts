import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  Injector,
  afterNextRender,
  type ElementRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { type Attachment, LIMITS } from '@hihi/contracts';
import type { Subscription } from 'rxjs';
import { UploadError, UploadService, formatBytes } from '../../core/api/upload.service';
import type { I18nKey } from '../../core/i18n/i18n.dictionary';
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

/** Files one message carries at most (the server's UPLOAD_MAX_FILES_PER_MESSAGE default). */
export const ATTACHMENTS_MAX = 10;

/** What the composer sends: the text and the uploaded files. */
export interface ComposerMessage {
  text: string;
  attachments: Attachment[];
}

/** A file being uploaded, uploaded, or refused. */
export interface PendingFile {
  key: number;
  name: string;
  size: number;
  /** 0–1 */
  progress: number;
  status: 'uploading' | 'done' | 'error';
  error?: I18nKey;
  attachment?: Attachment;
}

/** The i18n key for a failed upload's HTTP status. */
export function uploadErrorKey(status: number): I18nKey {
  if (status === 413) return 'upload.tooBig';
  if (status === 415) return 'upload.badType';
  if (status === 403) return 'upload.forbidden';
  return 'upload.failed';
}

/** A message needs text (SPEC): a files-only message says the files' names. */
export function filesText(attachments: readonly Attachment[], max = LIMITS.messageMax): string {
  return Array.from(attachments.map((a) => a.name).join(', '))
    .slice(0, max)
    .join('')
    .trim();
}

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
  /**
   * The room the composer writes to. Each room keeps its own draft (text and files, uploads
   * going on): switching rooms puts the draft away and brings back the other room's, and a send
   * waiting for uploads is called off, so nothing is ever sent to a room it was not written in.
   */
  readonly roomId = input<string | null>(null);
  /** the message being replied to, shown above the box */
  readonly replyTo = input<ReplyTarget | null>(null);
  /** people `@` can mention */
  readonly members = input<readonly Member[]>([]);
  /** false for guests: no attach button, no paste or drop */
  readonly canAttach = input(true);
  /** what moderation says about sending here (muted, slow mode, announcement room), under the box */
  readonly note = input<string | null>(null);
  /** sending waits (slow mode): typing goes on, sending does not */
  readonly hold = input(false);
  readonly send = output<ComposerMessage>();
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
  protected readonly files = signal<PendingFile[]>([]);
  protected readonly uploading = computed(() => this.files().some((f) => f.status === 'uploading'));
  private readonly ready = computed(() => this.files().filter((f) => f.status === 'done'));
  /** send was pressed while files were still uploading: send when they are done */
  protected readonly waiting = signal(false);
  protected readonly canSend = computed(
    () =>
      !this.disabled() &&
      !this.hold() &&
      !this.tooLong() &&
      (this.text().trim().length > 0 || this.ready().length > 0 || this.uploading()),
  );
  protected readonly formatBytes = formatBytes;
  private readonly uploads = inject(UploadService);
  private readonly inFlight = new Map<number, Subscription>();
  private nextKey = 1;

  private readonly textarea = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');
  private readonly emojiPicker = viewChild(EmojiPicker);
  private readonly injector = inject(Injector);
  private typingSentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  /** drafts of the rooms not shown, by room id */
  private readonly drafts = new Map<string, { text: string; files: PendingFile[] }>();
  private shownRoom: string | null = null;
  private viewReady = false;

  constructor() {
    effect(() => {
      const room = this.roomId();
      untracked(() => this.showRoom(room));
    });
    // the page is going away (and with it the socket): just stop the timer, emit nothing
    afterNextRender(() => (this.viewReady = true));
    inject(DestroyRef).onDestroy(() => {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      for (const sub of this.inFlight.values()) sub.unsubscribe();
      this.inFlight.clear();
    });
  }

  /** Starts uploading files (picker, paste or drop); beyond ATTACHMENTS_MAX they are refused. */
  addFiles(list: Iterable<File>): void {
    if (!this.canAttach() || this.disabled()) return;
    for (const file of list) {
      const key = this.nextKey++;
      const item: PendingFile = { key, name: file.name || 'file', size: file.size, progress: 0, status: 'uploading' };
      if (this.files().filter((f) => f.status !== 'error').length >= ATTACHMENTS_MAX) {
        this.files.update((fs) => [...fs, { ...item, status: 'error', error: 'upload.tooMany' }]);
        continue;
      }
      this.files.update((fs) => [...fs, item]);
      const sub = this.uploads.upload(file).subscribe({
        next: (e) => {
          if (e.kind === 'progress') this.patchFile(key, { progress: e.fraction });
          else this.patchFile(key, { progress: 1, status: 'done', attachment: e.attachment });
        },
        error: (err: unknown) => {
          this.inFlight.delete(key);
          this.patchFile(key, {
            status: 'error',
            error: uploadErrorKey(err instanceof UploadError ? err.status : 0),
          });
          this.afterUpload();
        },
        complete: () => {
          this.inFlight.delete(key);
          this.afterUpload();
        },
      });
      if (!sub.closed) this.inFlight.set(key, sub);
    }
  }

  /** Removes a pending file, aborting its upload if it is still in flight. */
  removeFile(key: number): void {
    this.inFlight.get(key)?.unsubscribe();
    this.inFlight.delete(key);
    this.files.update((fs) => fs.filter((f) => f.key !== key));
    this.afterUpload();
  }

  protected pickFiles(input: HTMLInputElement): void {
    if (input.files?.length) this.addFiles(Array.from(input.files));
    input.value = '';
  }

  protected onPaste(event: ClipboardEvent): void {
    const files = Array.from(event.clipboardData?.files ?? []);
    if (!files.length || !this.canAttach()) return;
    event.preventDefault();
    this.addFiles(files);
  }

  private patchFile(key: number, change: Partial<PendingFile>): void {
    const patch = (fs: PendingFile[]) => fs.map((f) => (f.key === key ? { ...f, ...change } : f));
    if (this.files().some((f) => f.key === key)) this.files.update(patch);
    // a file of a room not shown goes on uploading in that room's draft
    else for (const draft of this.drafts.values()) draft.files = patch(draft.files);
  }

  /** Put the shown room's draft away and bring back `room`'s. */
  private showRoom(room: string | null): void {
    if (room === this.shownRoom) return;
    if (this.shownRoom !== null && (this.text() || this.files().length))
      this.drafts.set(this.shownRoom, { text: this.text(), files: this.files() });
    const draft = room === null ? undefined : this.drafts.get(room);
    if (room !== null) this.drafts.delete(room);
    this.shownRoom = room;
    this.waiting.set(false);
    this.text.set(draft?.text ?? '');
    this.files.set(draft?.files ?? []);
    this.closeMentions();
    this.emojiOpen.set(false);
    this.stopTyping();
    if (this.viewReady) {
      // the textarea follows text() through its binding — but text typed since the last render
      // (in the instant the room changed) is not in the binding, which then sees no change: the
      // box is set here so what it shows is what a send sends
      const el = this.textarea().nativeElement;
      if (el.value !== this.text()) el.value = this.text();
      // its height once it has been rendered
      queueMicrotask(() => this.autosize());
    }
  }

  private afterUpload(): void {
    if (this.waiting() && !this.uploading()) {
      this.waiting.set(false);
      this.submit();
    }
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
    if (this.uploading()) {
      this.waiting.set(true);
      return;
    }
    const attachments = this.ready().flatMap((f) => (f.attachment ? [f.attachment] : []));
    const text = this.text().trim() || filesText(attachments);
    if (!text) return;
    this.send.emit({ text, attachments });
    this.files.set([]);
    this.text.set('');
    const el = this.textarea().nativeElement;
    el.value = '';
    this.closeMentions();
    this.autosize();
    this.stopTyping();
  }

  /** Opens the emoji picker (the focus goes into it) or closes it. */
  protected toggleEmoji(): void {
    const open = !this.emojiOpen();
    this.emojiOpen.set(open);
    if (open) afterNextRender(() => this.emojiPicker()?.focus(), { injector: this.injector });
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

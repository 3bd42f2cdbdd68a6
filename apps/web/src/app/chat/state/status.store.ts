import { Injectable, signal } from '@angular/core';

/** How long an action error stays on screen. */
export const NOTICE_MS = 4000;

/**
 * What the chat page says about itself: a lasting error (rooms or a join could not be had) and a
 * passing notice (an action refused, a room one was removed from).
 */
@Injectable()
export class ChatStatus {
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;

  /** the rooms could not be loaded, a join was refused: 'network' or the server's message */
  readonly error = signal<string | null>(null);
  /** a passing message of an action (edit, delete, react, jump, a removal) */
  readonly notice = signal<string | null>(null);

  showNotice(text: string): void {
    this.notice.set(text);
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => this.notice.set(null), NOTICE_MS);
  }

  stop(): void {
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.noticeTimer = null;
  }
}

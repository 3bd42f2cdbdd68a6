import { DOCUMENT } from '@angular/common';
import { Injectable, inject, signal } from '@angular/core';

export const MUTED_STORAGE_KEY = 'hihi.mutedRooms';

export type NotifyPermission = 'unsupported' | NotificationPermission;

export interface NotifyRequest {
  title: string;
  body: string;
  /** one notification per tag: a newer one replaces the older (one per room) */
  tag: string;
  onClick?: () => void;
}

/**
 * Browser notifications for DMs and mentions while the tab is hidden. Permission is only ever
 * asked from a user gesture (the bell button); rooms can be muted, remembered in localStorage.
 */
@Injectable({ providedIn: 'root' })
export class NotifierService {
  private readonly document = inject(DOCUMENT);
  private readonly api = this.document.defaultView?.Notification;

  readonly permission = signal<NotifyPermission>(this.api ? this.api.permission : 'unsupported');
  readonly muted = signal<ReadonlySet<string>>(readMuted());

  /** Asks for permission; call only from a click or key press. */
  async request(): Promise<NotifyPermission> {
    if (!this.api) return 'unsupported';
    try {
      this.permission.set(await this.api.requestPermission());
    } catch {
      this.permission.set(this.api.permission);
    }
    return this.permission();
  }

  isMuted(roomId: string): boolean {
    return this.muted().has(roomId);
  }

  toggleMute(roomId: string): void {
    const next = new Set(this.muted());
    if (!next.delete(roomId)) next.add(roomId);
    this.muted.set(next);
    try {
      localStorage.setItem(MUTED_STORAGE_KEY, JSON.stringify([...next]));
    } catch {
      /* private mode: the choice holds for this page */
    }
  }

  /** Shows a notification when allowed and the tab is hidden; says whether it did. */
  notify(req: NotifyRequest): boolean {
    if (!this.api || this.permission() !== 'granted' || !this.document.hidden) return false;
    try {
      const n = new this.api(req.title, { body: req.body, tag: req.tag, icon: '/favicon.svg' });
      n.onclick = () => {
        this.document.defaultView?.focus();
        req.onClick?.();
        n.close();
      };
      return true;
    } catch {
      // e.g. Android Chrome only allows notifications from a service worker
      return false;
    }
  }
}

function readMuted(): ReadonlySet<string> {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(MUTED_STORAGE_KEY) ?? '[]');
    return new Set(Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

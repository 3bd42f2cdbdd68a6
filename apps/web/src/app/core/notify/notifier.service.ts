import { DOCUMENT } from '@angular/common';
import { Injectable, inject, signal } from '@angular/core';

/** Where an earlier version kept muted rooms in this browser (now: the room's level on the server). */
export const MUTED_STORAGE_KEY = 'hihi.mutedRooms';

export type NotifyPermission = 'unsupported' | NotificationPermission;

export interface NotifyRequest {
  title: string;
  body: string;
  /** one notification per tag: a newer one replaces the older (one per room) */
  tag: string;
  /** the sender's picture (default: the app's icon) */
  icon?: string;
  onClick?: () => void;
}

/**
 * Browser notifications for DMs and mentions while the tab is hidden. Permission is only ever
 * asked from a user gesture (the bell button). Which rooms notify is the room's notification level,
 * kept on the server for every device (SPEC §10).
 */
@Injectable({ providedIn: 'root' })
export class NotifierService {
  private readonly document = inject(DOCUMENT);
  private readonly api = this.document.defaultView?.Notification;

  readonly permission = signal<NotifyPermission>(this.api ? this.api.permission : 'unsupported');

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

  /**
   * Rooms muted in this browser by an earlier version, handed over once (they become the level
   * `none` on the server) and forgotten here.
   */
  takeLegacyMuted(): string[] {
    const muted = [...readMuted()];
    try {
      localStorage.removeItem(MUTED_STORAGE_KEY);
    } catch {
      /* private mode */
    }
    return muted;
  }

  /** Shows a notification when allowed and the tab is hidden; says whether it did. */
  notify(req: NotifyRequest): boolean {
    if (!this.api || this.permission() !== 'granted' || !this.document.hidden) return false;
    try {
      const n = new this.api(req.title, { body: req.body, tag: req.tag, icon: req.icon ?? '/favicon.svg' });
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

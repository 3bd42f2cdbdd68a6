import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { VapidKey } from '@hihi/contracts';
import { firstValueFrom } from 'rxjs';

/** Paths of Web Push (docs/api.md "Your account", SPEC §10). */
export const PUSH_API = {
  vapidKey: '/api/push/vapid-key',
  subscriptions: '/api/push/subscriptions',
} as const;

/** The one service worker: offline shell and pushes (apps/web/public/push-sw.js). */
export const PUSH_WORKER_URL = '/push-sw.js';

export type PushState = 'unsupported' | 'denied' | 'enabled' | 'failed';

/** What of the browser the service uses (injectable so a spec can stand in for it). */
export interface PushBrowser {
  supported(): boolean;
  /** service workers at all (the offline shell), push or not */
  workerSupported(): boolean;
  requestPermission(): Promise<NotificationPermission>;
  register(url: string): Promise<Pick<ServiceWorkerRegistration, 'pushManager'>>;
}

export const browserPush: PushBrowser = {
  supported: () =>
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window,
  workerSupported: () => typeof navigator !== 'undefined' && 'serviceWorker' in navigator,
  requestPermission: () => Notification.requestPermission(),
  register: async (url) => {
    await navigator.serviceWorker.register(url, { scope: '/' });
    return navigator.serviceWorker.ready;
  },
};

/** base64url (the VAPID key) to the bytes pushManager.subscribe wants. */
export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const b64 = value
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(value.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/**
 * Notifications on this device while Hihi is closed: on a click (a user gesture) ask for
 * permission, register the service worker, subscribe with the server's VAPID key and hand the
 * subscription to the server.
 */
@Injectable({ providedIn: 'root' })
export class WebPushService {
  private readonly http = inject(HttpClient);
  browser: PushBrowser = browserPush;

  supported(): boolean {
    return this.browser.supported();
  }

  /**
   * Registers the service worker on every visit (the offline shell needs it even without push);
   * registering the same script again is a no-op for the browser. Failures are quiet: the app
   * works online without it.
   */
  async registerWorker(): Promise<boolean> {
    if (!this.browser.workerSupported()) return false;
    try {
      await this.browser.register(PUSH_WORKER_URL);
      return true;
    } catch {
      return false;
    }
  }

  async enable(): Promise<PushState> {
    if (!this.browser.supported()) return 'unsupported';
    if ((await this.browser.requestPermission()) !== 'granted') return 'denied';
    try {
      const registration = await this.browser.register(PUSH_WORKER_URL);
      const { publicKey } = await firstValueFrom(this.http.get<VapidKey>(PUSH_API.vapidKey));
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(publicKey),
      });
      await firstValueFrom(this.http.post(PUSH_API.subscriptions, subscription.toJSON()));
      return 'enabled';
    } catch {
      return 'failed';
    }
  }
}

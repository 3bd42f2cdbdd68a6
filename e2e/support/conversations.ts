import type { AuthTokens, Room } from '@hihi/contracts';
import type { BrowserContext, Page } from 'playwright-core';
import type { Account } from './browser';

/** Signs in over the API and returns the tokens. */
export async function loginViaApi(base: string, account: Account): Promise<AuthTokens> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: account.username, password: account.password }),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`login ${account.username}: ${res.status}`);
  return (await res.json()) as AuthTokens;
}

/** Lists the token's rooms (the chat service learns of a user at their first request). */
export async function roomsViaApi(base: string, token: string): Promise<Room[]> {
  const res = await fetch(`${base}/api/rooms`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`rooms: ${res.status}`);
  return (await res.json()) as Room[];
}

/** Creates a public room named `name` (its creator's token). */
export async function createRoomViaApi(base: string, token: string, name: string): Promise<Room> {
  const res = await fetch(`${base}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${await res.text()}`);
  return (await res.json()) as Room;
}

/** Joins a public room (SPEC §7: public rooms are joined explicitly, from the directory). */
export async function joinRoomViaApi(base: string, token: string, roomId: string): Promise<Room> {
  const res = await fetch(`${base}/api/rooms/${encodeURIComponent(roomId)}/join`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`join room: ${res.status} ${await res.text()}`);
  return (await res.json()) as Room;
}

/** Opens (or finds) the DM between the token's user and `username`. */
export async function openDmViaApi(base: string, token: string, username: string): Promise<Room> {
  const res = await fetch(`${base}/api/dms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ username }),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`open dm: ${res.status} ${await res.text()}`);
  return (await res.json()) as Room;
}

export interface SeenNotification {
  title: string;
  body: string;
  tag: string;
}

/**
 * Grants the notification permission and records every `new Notification(…)` the page makes
 * (the real constructor still runs) in `window.__notifications`.
 */
export async function recordNotifications(context: BrowserContext, origin: string): Promise<void> {
  await context.grantPermissions(['notifications'], { origin });
  await context.addInitScript(() => {
    const Real = window.Notification;
    const seen: { title: string; body: string; tag: string }[] = [];
    (window as unknown as { __notifications: typeof seen }).__notifications = seen;
    function Recording(this: unknown, title: string, opts?: NotificationOptions): Notification {
      seen.push({ title, body: opts?.body ?? '', tag: opts?.tag ?? '' });
      try {
        return new Real(title, opts);
      } catch {
        return { close() {}, onclick: null } as unknown as Notification;
      }
    }
    Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
    Object.defineProperty(Recording, 'requestPermission', { value: () => Real.requestPermission() });
    (window as unknown as { Notification: unknown }).Notification = Recording;
  });
}

export async function notifications(page: Page): Promise<SeenNotification[]> {
  return page.evaluate(() => (window as unknown as { __notifications?: SeenNotification[] }).__notifications ?? []);
}

/** Makes the page believe its tab is hidden (or visible again), as switching tabs would. */
export async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** Opens a room from the sidebar by its visible name. */
export async function openRoom(page: Page, name: string | RegExp): Promise<void> {
  await page.locator('.room').filter({ hasText: name }).first().click();
  await page.locator('.topbar h1').filter({ hasText: name }).waitFor();
}

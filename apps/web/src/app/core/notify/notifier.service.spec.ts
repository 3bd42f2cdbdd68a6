import { TestBed } from '@angular/core/testing';
import { MUTED_STORAGE_KEY, NotifierService } from './notifier.service';

class FakeNotification {
  static permission: NotificationPermission = 'default';
  static shown: FakeNotification[] = [];
  static requestPermission = vi.fn(async () => {
    FakeNotification.permission = 'granted';
    return 'granted' as NotificationPermission;
  });
  onclick: (() => void) | null = null;
  closed = false;
  constructor(
    readonly title: string,
    readonly opts: NotificationOptions,
  ) {
    FakeNotification.shown.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

function setHidden(hidden: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
}

describe('NotifierService', () => {
  const original = (globalThis as { Notification?: unknown }).Notification;
  beforeEach(() => {
    localStorage.removeItem(MUTED_STORAGE_KEY);
    FakeNotification.permission = 'default';
    FakeNotification.shown = [];
    (globalThis as { Notification?: unknown }).Notification = FakeNotification;
  });
  afterEach(() => {
    (globalThis as { Notification?: unknown }).Notification = original;
    setHidden(false);
  });

  it('asks for permission only when told to, then notifies while the tab is hidden', async () => {
    const notifier = TestBed.inject(NotifierService);
    expect(notifier.permission()).toBe('default');
    setHidden(true);
    expect(notifier.notify({ title: 't', body: 'b', tag: 'r1' })).toBe(false);
    expect(FakeNotification.requestPermission).not.toHaveBeenCalled();

    expect(await notifier.request()).toBe('granted');
    const clicked = vi.fn();
    expect(notifier.notify({ title: 'Bob', body: 'hi', tag: 'r1', onClick: clicked })).toBe(true);
    const [shown] = FakeNotification.shown;
    expect(shown.title).toBe('Bob');
    expect(shown.opts).toMatchObject({ body: 'hi', tag: 'r1' });
    shown.onclick?.();
    expect(clicked).toHaveBeenCalled();
    expect(shown.closed).toBe(true);
  });

  it('stays quiet while the tab is visible', async () => {
    FakeNotification.permission = 'granted';
    const notifier = TestBed.inject(NotifierService);
    setHidden(false);
    expect(notifier.notify({ title: 't', body: 'b', tag: 'r1' })).toBe(false);
    expect(FakeNotification.shown).toHaveLength(0);
  });

  it('hands the rooms an earlier version muted over once, then forgets them', () => {
    localStorage.setItem(MUTED_STORAGE_KEY, JSON.stringify(['r1', 'r2', 3]));
    const notifier = TestBed.inject(NotifierService);
    expect(notifier.takeLegacyMuted()).toEqual(['r1', 'r2']);
    expect(localStorage.getItem(MUTED_STORAGE_KEY)).toBeNull();
    expect(notifier.takeLegacyMuted()).toEqual([]);
  });
});

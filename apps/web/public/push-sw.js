/* Hihi Chat's service worker for Web Push (SPEC §10): shows what the server pushed (already
 * decrypted by the browser) and, on a click, opens the room at the message. Plain JavaScript: the
 * browser loads it as is from /push-sw.js. Text is shown as notification text, never as markup. */
/* eslint-disable no-undef */
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: 'Hihi', body: event.data ? event.data.text() : '' };
  }
  const url = typeof data.url === 'string' && data.url.startsWith('/') ? data.url : '/chat';
  event.waitUntil(
    self.registration.showNotification(String(data.title || 'Hihi'), {
      body: String(data.body || ''),
      icon: typeof data.icon === 'string' && data.icon.startsWith('/') ? data.icon : '/favicon.svg',
      tag: typeof data.tag === 'string' ? data.tag : undefined,
      renotify: true,
      data: { url },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.url) || '/chat';
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const w of windows) {
        if (new URL(w.url).origin === self.location.origin && 'navigate' in w)
          return w.focus().then(() => w.navigate(target));
      }
      return self.clients.openWindow(target);
    }),
  );
});

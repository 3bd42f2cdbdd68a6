/* Hihi Chat's one service worker (scope `/`, registered on every visit by
 * apps/web/src/app/core/push/web-push.service.ts):
 *  - the app shell offline (PWA, SPEC §10 / issue 22): navigations network-first with the cached
 *    index.html as fallback; hashed build assets (main-*.js, chunk-*.js, styles-*.css) cache-first;
 *    never /api, /socket.io or uploads; one versioned cache, older ones removed on activate;
 *  - Web Push (SPEC §10): shows what the server pushed (already decrypted by the browser) and, on
 *    a click, opens the room at the message. Text is shown as notification text, never as markup.
 * Plain JavaScript: the browser loads it as is from /push-sw.js. */
/* eslint-disable no-undef */
const SHELL_CACHE = 'hihi-shell-v1';
const SHELL_PREFIX = 'hihi-shell-';
/** what the shell needs besides the hashed bundles, which are found from index.html */
const SHELL_FILES = ['/index.html', '/manifest.webmanifest', '/favicon.svg', '/icons/duck-192.png'];
const HASHED = /^\/(?:main|chunk|polyfills|styles)-[A-Z0-9]{8,}\.(?:js|css)$/;
const NEVER = /^\/(?:api|socket\.io|metrics|uploads)(?:\/|$)/;
const MAX_PRECACHE = 200;

/** index.html, then every bundle it names and every chunk those name (lazy routes included). */
async function precacheShell() {
  const cache = await caches.open(SHELL_CACHE);
  await cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: 'reload' })));
  const index = await (await cache.match('/index.html')).text();
  const queue = [...index.matchAll(/(?:src|href)="\/?((?:main|chunk|polyfills|styles)-[A-Z0-9]+\.(?:js|css))"/g)].map(
    (m) => '/' + m[1],
  );
  const seen = new Set(queue);
  while (queue.length && seen.size <= MAX_PRECACHE) {
    const url = queue.shift();
    const response = await fetch(url);
    if (!response.ok) continue;
    await cache.put(url, response.clone());
    if (!url.endsWith('.js')) continue;
    for (const m of (await response.text()).matchAll(/\.\/(chunk-[A-Z0-9]+\.js)/g)) {
      const next = '/' + m[1];
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
}

self.addEventListener('install', (event) =>
  // offline comes best effort: a failed precache must not keep push from working
  event.waitUntil(
    precacheShell()
      .catch(() => undefined)
      .then(() => self.skipWaiting()),
  ),
);

self.addEventListener('activate', (event) =>
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith(SHELL_PREFIX) && k !== SHELL_CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  ),
);

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).then(
        (response) => {
          if (response.ok && (response.headers.get('content-type') || '').includes('text/html')) {
            const copy = response.clone();
            caches.open(SHELL_CACHE).then((cache) => cache.put('/index.html', copy));
          }
          return response;
        },
        () => caches.match('/index.html').then((cached) => cached || Response.error()),
      ),
    );
    return;
  }
  if (HASHED.test(url.pathname)) {
    event.respondWith(
      caches.match(url.pathname).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(SHELL_CACHE).then((cache) => cache.put(url.pathname, copy));
            }
            return response;
          }),
      ),
    );
    return;
  }
  if (SHELL_FILES.includes(url.pathname)) {
    // small unhashed files: the network when there is one, else the copy
    event.respondWith(fetch(request).catch(() => caches.match(url.pathname).then((c) => c || Response.error())));
  }
});

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

/**
 * Where a sign-in goes on to: a link of this app opened signed out (a mailed digest's message, a
 * push notification's room) is kept as `/login?next=…` and followed after the sign-in — only a
 * path of this app, never another site (`//evil.example`, `/\evil`, `https:…`) nor the sign-in
 * pages themselves.
 */
const NEXT_KEY = 'hihi.next';
const BASE = 'https://hihi.invalid';
const MAX_LENGTH = 2048;
/** pages a sign-in never goes on to */
const NOT_NEXT = /^\/(login|register|forgot|reset|verify-email)(?:[/?#]|$)/;

/** The path itself when it is a safe place to go on to after signing in, else null. */
export function safeNext(next: string | null | undefined): string | null {
  if (typeof next !== 'string' || !next.startsWith('/') || next.length > MAX_LENGTH) return null;
  // no control characters and no backslashes (browsers read `/\host` as `//host`)
  if ([...next].some((c) => c <= '\u001f' || c === '\u007f' || c === '\\')) return null;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return NOT_NEXT.test(path) || path === '/' ? null : path;
}

/** Keep where to go on to after the sign-in (the tab's sessionStorage: survives an SSO round trip). */
export function rememberNext(next: string | null | undefined): void {
  const safe = safeNext(next);
  try {
    if (safe) globalThis.sessionStorage?.setItem(NEXT_KEY, safe);
  } catch {
    /* storage refused: the sign-in goes to the chat */
  }
}

/** Where to go on to (once): the kept path, or null. */
export function takeNext(): string | null {
  try {
    const next = globalThis.sessionStorage?.getItem(NEXT_KEY) ?? null;
    globalThis.sessionStorage?.removeItem(NEXT_KEY);
    return safeNext(next);
  } catch {
    return null;
  }
}

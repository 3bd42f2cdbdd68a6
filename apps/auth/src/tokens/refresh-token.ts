import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** `<sessionId>.<secret>`: 16 random bytes of id and 32 (256 bits) of secret, base64url. */
const FORMAT = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export function newRefreshToken(sessionId: string): string {
  return `${sessionId}.${randomBytes(32).toString('base64url')}`;
}

/** The session id of a well-formed refresh token, else undefined. */
export function parseRefreshToken(token: unknown): { sessionId: string } | undefined {
  if (typeof token !== 'string') return undefined;
  const m = FORMAT.exec(token);
  return m ? { sessionId: m[1] } : undefined;
}

/** What is stored: SHA-256 of the whole token, hex. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/*
 * Two tabs refreshing at once: the pair minted by the first is handed to the second too. It is
 * kept for REFRESH_REUSE_GRACE_SEC, sealed (AES-256-GCM) under a key derived from the refresh
 * token it replaced, so what is stored is useless without that token (only its SHA-256 is stored).
 */
const SEAL_INFO = 'hihi-chat refresh grace v1';

function sealKey(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), Buffer.alloc(0), SEAL_INFO, 32));
}

/** Encrypt `plaintext` under a key derived from `token`: `iv.tag.ciphertext`, base64url. */
export function sealForToken(token: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(token), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/** Decrypt what sealForToken made with the same token; undefined when it does not open. */
export function unsealWithToken(token: string, sealed: string): string | undefined {
  const parts = sealed.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const [iv, tag, body] = parts.map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', sealKey(token), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

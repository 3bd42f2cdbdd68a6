import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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

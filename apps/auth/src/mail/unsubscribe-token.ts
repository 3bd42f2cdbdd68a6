import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { UNSUBSCRIBE_TOKEN_PATTERN } from '@hihi/contracts';

/** What an unsubscribe link stops (one purpose today: the email digest). */
export type UnsubscribePurpose = 'digest';

/**
 * Unsubscribe links (RFC 8058): `<userId>.<HMAC-SHA256(userId "." purpose)>`, base64url. Signed,
 * not stored: a link works as long as the key does (no expiry: a mail read a year later still
 * turns the digest off). The key is derived (HKDF) from auth's JWT_SECRET with its own label, so
 * it is never the token-signing key itself; rotating JWT_SECRET makes old links stop.
 */
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'hihi-mail', 'unsubscribe-link/v1', 32));
  }

  private mac(userId: string, purpose: UnsubscribePurpose): Buffer {
    return createHmac('sha256', this.key).update(`${userId}.${purpose}`).digest();
  }

  sign(userId: string, purpose: UnsubscribePurpose = 'digest'): string {
    return `${userId}.${this.mac(userId, purpose).toString('base64url')}`;
  }

  /** The account id a token was signed for, or undefined (constant-time comparison). */
  verify(token: string, purpose: UnsubscribePurpose = 'digest'): string | undefined {
    if (typeof token !== 'string' || !UNSUBSCRIBE_TOKEN_PATTERN.test(token)) return undefined;
    const [userId, sig] = token.split('.');
    const given = Buffer.from(sig, 'base64url');
    const expected = this.mac(userId, purpose);
    return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
  }
}

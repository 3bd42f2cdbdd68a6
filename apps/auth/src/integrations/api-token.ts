import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiTokenKind, apiTokenKind, TOKEN_PREFIX } from '@hihi/contracts';

/**
 * Long-lived tokens (SPEC §9): `hihi_pat_` / `hihi_bot_` + 32 random bytes (base64url, 43
 * characters). The prefix lets secret scanners find a leaked token and the gateway tell it from a
 * JWT. Only the SHA-256 of the whole token is stored (256 bits of entropy: no slow hash needed).
 */
export function newApiToken(kind: ApiTokenKind): string {
  return `${TOKEN_PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes. */
export function sameTokenHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The kind of a well-formed token, else undefined. */
export function parseApiToken(token: unknown): ApiTokenKind | undefined {
  return typeof token === 'string' ? apiTokenKind(token) : undefined;
}

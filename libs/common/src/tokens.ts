import jwt from 'jsonwebtoken';
import {
  AccessTokenClaims,
  JWT_ALGORITHM,
  JWT_AUDIENCE,
  JWT_ISSUER,
  PublicUser,
  ServerRole,
  TokenUse,
} from '@hihi/contracts';

/** Sign an access (or guest) token: HS256, with iss, aud, exp. */
export function signAccessToken(secret: string, claims: AccessTokenClaims, ttlSec: number): string {
  const { sub, ...rest } = claims;
  return jwt.sign(rest, secret, {
    algorithm: JWT_ALGORITHM,
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    subject: sub,
    expiresIn: ttlSec,
  });
}

/**
 * Verify a token with the algorithm pinned and iss/aud/exp checked. `uses` says which kinds
 * of token are acceptable here (a guest token never passes where a user token is required).
 * Returns undefined for anything that is not a valid token of an accepted use.
 */
export function verifyAccessToken(
  secret: string,
  token: unknown,
  uses: readonly TokenUse[] = ['access'],
): (AccessTokenClaims & { exp: number }) | undefined {
  if (typeof token !== 'string' || token.length > 4096) return undefined;
  try {
    const p = jwt.verify(token, secret, {
      algorithms: [JWT_ALGORITHM],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
    if (typeof p !== 'object' || p === null) return undefined;
    const c = p as jwt.JwtPayload & Partial<AccessTokenClaims>;
    if (typeof c.sub !== 'string' || typeof c.username !== 'string' || typeof c.displayName !== 'string')
      return undefined;
    if (!c.use || !uses.includes(c.use) || typeof c.exp !== 'number') return undefined;
    return { sub: c.sub, username: c.username, displayName: c.displayName, use: c.use, sid: c.sid, exp: c.exp };
  } catch {
    return undefined;
  }
}

/** The user of a token's claims; `role` is the account's server role now (a guest is always `guest`). */
export function claimsToUser(c: AccessTokenClaims, role: ServerRole): PublicUser {
  const guest = c.use === 'guest';
  return { id: c.sub, username: c.username, displayName: c.displayName, guest, role: guest ? 'guest' : role };
}

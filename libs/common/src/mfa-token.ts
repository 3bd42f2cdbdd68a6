import jwt from 'jsonwebtoken';
import { JWT_ALGORITHM, JWT_ISSUER, MFA_TOKEN_TTL_SEC } from '@hihi/contracts';

/**
 * The token between the two steps of a password sign-in with 2FA on (`mfaToken`): HS256 with its
 * own audience, so it is never accepted as an access token (nor an access token as one of these).
 * It names the account (`sub`, and `uk`, the username key the gateway's sign-in limits count
 * under) and the rememberMe choice of the first step.
 */
export const MFA_TOKEN_AUDIENCE = 'hihi-chat-mfa';

export interface MfaTokenClaims {
  /** user id */
  sub: string;
  /** username key (normalised), for the sign-in limits */
  uk: string;
  /** rememberMe of the password step */
  rm: boolean;
}

export function signMfaToken(secret: string, claims: MfaTokenClaims, ttlSec: number = MFA_TOKEN_TTL_SEC): string {
  const { sub, ...rest } = claims;
  return jwt.sign(rest, secret, {
    algorithm: JWT_ALGORITHM,
    issuer: JWT_ISSUER,
    audience: MFA_TOKEN_AUDIENCE,
    subject: sub,
    expiresIn: ttlSec,
  });
}

/** The claims of a valid, unexpired mfaToken, else undefined. */
export function verifyMfaToken(secret: string, token: unknown): MfaTokenClaims | undefined {
  if (typeof token !== 'string' || token.length > 2048) return undefined;
  try {
    const p = jwt.verify(token, secret, {
      algorithms: [JWT_ALGORITHM],
      issuer: JWT_ISSUER,
      audience: MFA_TOKEN_AUDIENCE,
    });
    if (typeof p !== 'object' || p === null) return undefined;
    const { sub, uk, rm } = p as jwt.JwtPayload & Partial<MfaTokenClaims>;
    if (typeof sub !== 'string' || typeof uk !== 'string' || typeof rm !== 'boolean') return undefined;
    return { sub, uk, rm };
  } catch {
    return undefined;
  }
}

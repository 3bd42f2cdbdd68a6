import jwt from 'jsonwebtoken';
import { JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER } from '../../libs/contracts/src/payloads';

/** A user id shaped like a MongoDB ObjectId (24 hex digits), unique per (run, index). */
export function benchUserId(run: string, i: number): string {
  return run.slice(0, 6).padStart(6, '0') + i.toString(16).padStart(18, '0');
}

/** Mint an access token exactly as auth does (HS256, iss, aud, sub, exp) — no registration needed. */
export function mintAccessToken(secret: string, sub: string, username: string, ttlSec = 3600): string {
  return jwt.sign({ username, displayName: username, use: 'access' }, secret, {
    algorithm: JWT_ALGORITHM as jwt.Algorithm,
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    subject: sub,
    expiresIn: ttlSec,
  });
}

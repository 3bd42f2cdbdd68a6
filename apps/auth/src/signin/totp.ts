import { Secret, TOTP as Totp } from 'otpauth';
import { TOTP } from '@hihi/contracts';

/**
 * TOTP (RFC 6238) with the parameters of SPEC §12: SHA-1, 6 digits, 30-second steps, a code of the
 * step before or after accepted (clock drift). Time comes from the caller (an injectable clock),
 * so tests can move it; `verify` answers the step the code matched, which the caller then records
 * so that the same code (or an older one) is never accepted again.
 */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = 'hihi'): Totp {
  return new Totp({
    issuer: TOTP.issuer,
    label,
    algorithm: TOTP.algorithm,
    digits: TOTP.digits,
    period: TOTP.periodSec,
    secret: Secret.fromBase32(secret),
  });
}

/** The 30-second step of a time (ms since the epoch). */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP.periodSec);
}

/** The code of a secret at a time (ms). */
export function totpCode(secret: string, nowMs: number, digits: number = TOTP.digits): string {
  return Totp.generate({
    secret: Secret.fromBase32(secret),
    algorithm: TOTP.algorithm,
    digits,
    period: TOTP.periodSec,
    timestamp: nowMs,
  });
}

/** The step the code belongs to (now ± window), or undefined when it matches none. */
export function verifyTotp(secret: string, code: string, nowMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const step = totpStep(nowMs);
  const delta = Totp.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    algorithm: TOTP.algorithm,
    digits: TOTP.digits,
    period: TOTP.periodSec,
    timestamp: nowMs,
    window: TOTP.window,
  });
  return delta === null ? undefined : step + delta;
}

/** `otpauth://totp/Hihi%20Chat:<username>?secret=…&issuer=Hihi%20Chat&algorithm=SHA1&digits=6&period=30`. */
export function otpauthUrl(secret: string, username: string): string {
  return totp(secret, username).toString();
}

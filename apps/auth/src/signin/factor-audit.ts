import { Logger } from '@nestjs/common';

/** A change to how an account signs in, for the audit log. */
export interface FactorChange {
  userId: string;
  action:
    | 'totp.enabled'
    | 'totp.disabled'
    | 'recovery.used'
    | 'passkey.added'
    | 'passkey.removed'
    | 'oidc.linked'
    | 'oidc.account-created';
  /** e.g. the passkey's id and name, the provider's issuer */
  detail?: Record<string, string>;
}

const logger = new Logger('FactorAudit');

/**
 * THE ONE HOOK for audit entries of sign-in factors: every enrolment and removal of a factor
 * (TOTP on/off, a recovery code used, a passkey added/removed, an OIDC identity linked) calls this
 * function and nothing else. It writes a structured log line today; the audit log of the
 * moderation work (issue 19) plugs in here — one call to its writer — rather than a second log.
 */
export function recordFactorChange(change: FactorChange): void {
  logger.log({ audit: 'signin-factor', ...change }, `sign-in factor: ${change.action}`);
}

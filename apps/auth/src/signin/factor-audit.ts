import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '../audit/audit-log.service';
import { UsersRepository } from '../users/users.repository';

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

/**
 * THE ONE HOOK for audit entries of sign-in factors: every enrolment and removal of a factor
 * (TOTP on/off, a recovery code used, a passkey added/removed, an OIDC identity linked) calls
 * `record` and nothing else. It appends one entry to the audit log (SPEC §8; action
 * `signin.<change>`, the person as actor and target) and writes a structured log line. A failure
 * to append is logged, never failing the sign-in change itself (which has already happened).
 */
@Injectable()
export class FactorAudit {
  private readonly logger = new Logger(FactorAudit.name);

  constructor(
    private readonly audit: AuditLog,
    private readonly users: UsersRepository,
  ) {}

  async record(change: FactorChange): Promise<void> {
    this.logger.log({ audit: 'signin-factor', ...change }, `sign-in factor: ${change.action}`);
    try {
      const user = await this.users.findById(change.userId);
      const who = { id: change.userId, username: user?.username ?? change.userId, role: user?.role ?? 'member' };
      await this.audit.append({
        actor: who,
        action: `signin.${change.action}`,
        target: { type: 'user', id: who.id, label: who.username },
        details: change.detail ?? {},
      });
    } catch (err) {
      this.logger.error({ err, ...change }, 'audit entry of a sign-in factor change not written');
    }
  }
}

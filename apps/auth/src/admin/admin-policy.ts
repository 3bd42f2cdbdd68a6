import { AccountRole, ServerRole, serverRoleRank } from '@hihi/contracts';
import { BusError } from '@hihi/common';

/** What an administrator can do (SPEC §8 "Server admins and owner"). */
export type AdminAction =
  | 'users.list'
  | 'users.role'
  | 'users.deactivate'
  | 'users.reactivate'
  | 'users.password-reset'
  | 'settings.read'
  | 'settings.update'
  | 'invites.create'
  | 'audit.read'
  | 'stats.read';

/** The account an action is done to, as stored. */
export interface AdminTarget {
  id: string;
  role: AccountRole;
}

/**
 * The one authorization check of administration, on the server role stored with the account
 * (never a role a client or a token claims):
 * - every action needs `admin` or `owner`;
 * - nobody acts on someone above them (an admin cannot touch an owner);
 * - nobody grants a role above their own;
 * - nobody deactivates themselves (they would lock themselves out mid-request).
 * Refusals are `forbidden` (403); the rules that keep the server an owner are the service's (409).
 */
export function authorizeAdmin(
  actor: { id: string; role: ServerRole },
  action: AdminAction,
  target?: AdminTarget,
  grant?: AccountRole,
): void {
  if (serverRoleRank(actor.role) < serverRoleRank('admin'))
    throw new BusError('forbidden', 'only server admins and the owner may do this');
  if (target && serverRoleRank(target.role) > serverRoleRank(actor.role))
    throw new BusError('forbidden', 'you cannot act on someone whose role is above yours');
  if (grant && serverRoleRank(grant) > serverRoleRank(actor.role))
    throw new BusError('forbidden', 'you cannot grant a role above your own');
  if (target && action === 'users.deactivate' && target.id === actor.id)
    throw new BusError('forbidden', 'you cannot deactivate your own account');
}

import type { ServerRole } from './models';
import { PUBSUB_CHANNELS } from './patterns';

/** The roles an account can hold, highest first (guests are `guest`, never stored). */
export const ACCOUNT_ROLES = ['owner', 'admin', 'moderator', 'member'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
/** Every server role, highest first. */
export const SERVER_ROLES: readonly ServerRole[] = [...ACCOUNT_ROLES, 'guest'];

const RANK: Record<ServerRole, number> = { owner: 4, admin: 3, moderator: 2, member: 1, guest: 0 };

/** owner 4, admin 3, moderator 2, member 1, guest 0 (anything else: -1). */
export function serverRoleRank(role: unknown): number {
  return typeof role === 'string' && Object.hasOwn(RANK, role) ? RANK[role as ServerRole] : -1;
}

/** Does `role` reach at least `min`? (`atLeast('admin', 'moderator')` is true) */
export function roleAtLeast(role: ServerRole, min: ServerRole): boolean {
  return serverRoleRank(role) >= serverRoleRank(min);
}

export function isAccountRole(role: unknown): role is AccountRole {
  return typeof role === 'string' && (ACCOUNT_ROLES as readonly string[]).includes(role);
}

/**
 * The hash tag both role keys share (`{<p>:server-roles}`), so that the Lua step writing them and
 * the gateway's MULTI reading them touch one Redis Cluster slot (only the part in braces is hashed).
 */
function serverRolesTag(prefix: string): string {
  return `{${prefix}:server-roles}`;
}

/**
 * Redis hash of every account whose role is above `member` (userId → role): few entries, so each
 * gateway holds the whole table. Auth writes it (and rebuilds it from MongoDB at start-up and
 * periodically); every gateway reads it whole and follows `serverRoleChannel`.
 */
export function serverRolesKey(prefix: string): string {
  return serverRolesTag(prefix);
}

/** Counter bumped with every role change (orders a full read against the events); same slot as the hash. */
export function serverRolesVersionKey(prefix: string): string {
  return `${serverRolesTag(prefix)}:version`;
}

/** The role-changed channel with the deployment's REDIS_PREFIX. */
export function serverRoleChannel(prefix: string): string {
  return `${prefix}:${PUBSUB_CHANNELS.serverRoleChanged}`;
}

/** Published by auth (or the admin CLI) on `serverRoleChannel` after the hash is written. */
export interface ServerRoleChangedEvent {
  userId: string;
  role: AccountRole;
  /** the value of `serverRolesVersionKey` after this change */
  version: number;
}

/** Administration (SPEC §8 "Server admins and owner"; docs/api.md "Administration"). */
import type { PublicUser } from './models';
import type { AccountRole } from './roles';

export type AccountStatus = 'active' | 'deactivated';
export type RegistrationMode = 'open' | 'invite' | 'closed';

export const ADMIN = {
  /** users per page of GET /api/admin/users (default / most) */
  usersPageDefault: 50,
  usersPageMax: 100,
  auditPageDefault: 50,
  auditPageMax: 100,
  /** a password-reset link lives this long, seconds (30 min) */
  resetTtlSec: 30 * 60,
  /** most uses of one invite; longest an invite may live, seconds (a year) */
  inviteMaxUses: 10_000,
  inviteMaxTtlSec: 31_536_000,
  /** a reason: 1-1000 characters (display-name character rules) */
  reasonMax: 1000,
} as const;

export interface AdminUser {
  user: PublicUser;
  role: AccountRole;
  status: AccountStatus;
  /** ISO-8601 UTC */
  createdAt: string;
  /** last sign-in or token refresh (ISO-8601 UTC), when known */
  lastSeenAt?: string;
}

export interface AdminUsersQuery {
  /** username or display name starts with this (case-insensitive) */
  q?: string;
  role?: AccountRole;
  status?: AccountStatus;
  cursor?: string;
  limit?: number;
}

export interface AdminUsersPage {
  users: AdminUser[];
  nextCursor?: string;
}

/** PATCH /api/admin/users/:id */
export interface AdminUserUpdate {
  userId: string;
  role?: AccountRole;
}

/** POST /api/admin/users/:id/deactivate, /reactivate, /password-reset */
export interface AdminUserAction {
  userId: string;
  reason?: string;
}

/** auth's answer to a reset-link request: the gateway turns `token` into `resetUrl`. */
export interface PasswordResetIssued {
  token: string;
  /** ISO-8601 UTC */
  expiresAt: string;
}

/** 201 of POST /api/admin/users/:id/password-reset */
export interface PasswordResetLink {
  resetUrl: string;
  expiresAt: string;
}

/** POST /api/auth/forgot: always 202, whatever the name (no one learns which names exist). */
export interface PasswordForgotBody {
  username: string;
}

/** POST /api/auth/reset */
export interface PasswordResetBody {
  token: string;
  password: string;
}

export interface ServerSettings {
  registration: RegistrationMode;
  guests: boolean;
  /** server admins, the owner and moderators must have a second factor (TOTP or a passkey, SPEC §12) */
  require2fa: boolean;
}

export type ServerSettingsUpdate = Partial<ServerSettings>;

/** POST /api/admin/invites */
export interface InviteCreateBody {
  maxUses?: number;
  expiresInSec?: number;
}

/** auth's answer: the gateway adds `url`. */
export interface InviteIssued {
  token: string;
  maxUses?: number;
  expiresAt?: string;
}

export interface InviteCreated extends InviteIssued {
  url: string;
}

/** Who did an audited action. */
export interface AuditActor {
  id: string;
  username: string;
  role: string;
}

/** What an audited action was done to. */
export interface AuditTarget {
  type: 'user' | 'settings' | 'invite' | 'room' | 'message' | 'report';
  id?: string;
  /** a human label (username, room name) as it was then */
  label?: string;
}

/** One entry of the append-only audit log (SPEC §8). */
export interface AuditEntry {
  id: string;
  /** ISO-8601 UTC */
  at: string;
  actor: AuditActor;
  /** e.g. `user.role`, `user.deactivate`, `settings.update`, `room.ban` */
  action: string;
  target: AuditTarget;
  reason?: string;
  details: Record<string, unknown>;
}

/** What a service appends (the log adds `id` and `at`). */
export type AuditAppend = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditQuery {
  /** actor's user id or username */
  actor?: string;
  action?: string;
  cursor?: string;
  limit?: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor?: string;
}

export interface ServerStats {
  users: number;
  activeUsers7d: number;
  deactivatedUsers: number;
  /** chat's figures: null until chat answers them (not part of auth) */
  rooms: number | null;
  messages: number | null;
  messagesToday: number | null;
  online: number | null;
}

import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AccountRole,
  AdminUser,
  AdminUsersQuery,
  AdminUsersPage,
  AuditPage,
  AuditQuery,
  InviteCreateBody,
  InviteCreated,
  PasswordResetBody,
  PasswordResetLink,
  ServerSettings,
  ServerSettingsUpdate,
  ServerStats,
} from '@hihi/contracts';
import { firstValueFrom } from 'rxjs';

/** Paths of the administration API (SPEC §8, docs/api.md "Administration"). */
export const ADMIN_API = {
  users: '/api/admin/users',
  settings: '/api/admin/settings',
  invites: '/api/admin/invites',
  audit: '/api/admin/audit',
  stats: '/api/admin/stats',
  reset: '/api/auth/reset',
} as const;

/** Query parameters without the empty ones. */
function params(query: object): HttpParams {
  let p = new HttpParams();
  for (const [key, value] of Object.entries(query) as [string, unknown][]) {
    if (value !== undefined && value !== null && value !== '') p = p.set(key, String(value));
  }
  return p;
}

const user = (id: string) => `${ADMIN_API.users}/${encodeURIComponent(id)}`;

/**
 * The admin console's calls. The server decides who may do what (AdminPolicy on the caller's
 * stored role): the console only shows what it is allowed to show.
 */
@Injectable({ providedIn: 'root' })
export class AdminApiService {
  private readonly http = inject(HttpClient);

  users(query: Omit<AdminUsersQuery, 'limit'> = {}): Promise<AdminUsersPage> {
    return firstValueFrom(this.http.get<AdminUsersPage>(ADMIN_API.users, { params: params(query) }));
  }

  setRole(userId: string, role: AccountRole): Promise<AdminUser> {
    return firstValueFrom(this.http.patch<AdminUser>(user(userId), { role }));
  }

  deactivate(userId: string, reason?: string): Promise<void> {
    return firstValueFrom(this.http.post<void>(`${user(userId)}/deactivate`, reason ? { reason } : {}));
  }

  reactivate(userId: string): Promise<void> {
    return firstValueFrom(this.http.post<void>(`${user(userId)}/reactivate`, {}));
  }

  resetLink(userId: string): Promise<PasswordResetLink> {
    return firstValueFrom(this.http.post<PasswordResetLink>(`${user(userId)}/password-reset`, {}));
  }

  settings(): Promise<ServerSettings> {
    return firstValueFrom(this.http.get<ServerSettings>(ADMIN_API.settings));
  }

  updateSettings(change: ServerSettingsUpdate): Promise<ServerSettings> {
    return firstValueFrom(this.http.patch<ServerSettings>(ADMIN_API.settings, change));
  }

  createInvite(body: InviteCreateBody): Promise<InviteCreated> {
    return firstValueFrom(this.http.post<InviteCreated>(ADMIN_API.invites, body));
  }

  audit(query: Omit<AuditQuery, 'limit'> = {}): Promise<AuditPage> {
    return firstValueFrom(this.http.get<AuditPage>(ADMIN_API.audit, { params: params(query) }));
  }

  stats(): Promise<ServerStats> {
    return firstValueFrom(this.http.get<ServerStats>(ADMIN_API.stats));
  }

  /** POST /api/auth/reset (no session needed: the token is the proof). */
  resetPassword(body: PasswordResetBody): Promise<void> {
    return firstValueFrom(this.http.post<void>(ADMIN_API.reset, body));
  }
}

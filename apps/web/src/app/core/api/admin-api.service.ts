import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AccountRole,
  CommandName,
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
import { routeOf } from './chat-api.service';

/** Query parameters without the empty ones. */
function params(query: object): HttpParams {
  let p = new HttpParams();
  for (const [key, value] of Object.entries(query) as [string, unknown][]) {
    if (value !== undefined && value !== null && value !== '') p = p.set(key, String(value));
  }
  return p;
}

/**
 * The admin console's calls, routed by their PROTOCOL rows (SPEC §8). The server decides who may
 * do what (AdminPolicy on the caller's stored role): the console only shows what it may show.
 */
@Injectable({ providedIn: 'root' })
export class AdminApiService {
  private readonly http = inject(HttpClient);

  private call<T>(command: CommandName, opts: { id?: string; body?: object; query?: object } = {}): Promise<T> {
    const { method, url } = routeOf(command, opts.id === undefined ? {} : { id: opts.id });
    return firstValueFrom(
      this.http.request<T>(method, url, { body: opts.body, params: opts.query ? params(opts.query) : undefined }),
    );
  }

  users(query: Omit<AdminUsersQuery, 'limit'> = {}): Promise<AdminUsersPage> {
    return this.call('adminUsers', { query });
  }

  setRole(userId: string, role: AccountRole): Promise<AdminUser> {
    return this.call('adminUserUpdate', { id: userId, body: { role } });
  }

  async deactivate(userId: string, reason?: string): Promise<void> {
    await this.call('adminDeactivate', { id: userId, body: reason ? { reason } : {} });
  }

  async reactivate(userId: string): Promise<void> {
    await this.call('adminReactivate', { id: userId, body: {} });
  }

  resetLink(userId: string): Promise<PasswordResetLink> {
    return this.call('adminPasswordReset', { id: userId, body: {} });
  }

  settings(): Promise<ServerSettings> {
    return this.call('adminSettings');
  }

  updateSettings(change: ServerSettingsUpdate): Promise<ServerSettings> {
    return this.call('adminSettingsUpdate', { body: change });
  }

  createInvite(body: InviteCreateBody): Promise<InviteCreated> {
    return this.call('adminInviteCreate', { body });
  }

  audit(query: Omit<AuditQuery, 'limit'> = {}): Promise<AuditPage> {
    return this.call('adminAudit', { query });
  }

  stats(): Promise<ServerStats> {
    return this.call('adminStats');
  }

  /** POST /api/auth/reset (no session needed: the token is the proof). */
  async resetPassword(body: PasswordResetBody): Promise<void> {
    await this.call('passwordReset', { body });
  }
}

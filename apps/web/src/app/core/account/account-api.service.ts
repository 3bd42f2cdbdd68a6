import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AccountUser,
  EmailVerified,
  MailLanguage,
  NotificationLevel,
  PasswordChangeBody,
  ProfileUpdateBody,
  Room,
  SessionInfo,
} from '@hihi/contracts';
import { firstValueFrom } from 'rxjs';
import { AuthService } from '../auth/auth.service';

/** Paths of one's own account (docs/api.md "Your account", SPEC §10). */
export const ACCOUNT_API = {
  me: '/api/me',
  avatar: '/api/me/avatar',
  password: '/api/me/password',
  sessions: '/api/me/sessions',
  export: '/api/me/export',
  verifyEmail: '/api/me/email/verify',
  resendVerification: '/api/me/email/resend',
  forgot: '/api/auth/forgot',
  notifications: (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}/notifications`,
} as const;

/**
 * The account's profile, avatar, password, sessions, export and deletion, and a room's
 * notification level. A changed profile is kept with the session (AuthService.setUser) and the
 * tokens are refreshed, so that the socket and new tokens carry the new name.
 */
@Injectable({ providedIn: 'root' })
export class AccountApi {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);

  me(): Promise<AccountUser> {
    return firstValueFrom(this.http.get<AccountUser>(ACCOUNT_API.me));
  }

  async updateProfile(body: ProfileUpdateBody): Promise<AccountUser> {
    return this.adopt(await firstValueFrom(this.http.patch<AccountUser>(ACCOUNT_API.me, body)));
  }

  async uploadAvatar(file: Blob, name: string): Promise<AccountUser> {
    const form = new FormData();
    form.append('file', file, name);
    return this.adopt(await firstValueFrom(this.http.post<AccountUser>(ACCOUNT_API.avatar, form)));
  }

  async removeAvatar(): Promise<AccountUser> {
    return this.adopt(await firstValueFrom(this.http.delete<AccountUser>(ACCOUNT_API.avatar)));
  }

  /** The language mails are written in (not a change of the public profile: no token refresh). */
  setMailLanguage(language: MailLanguage): Promise<AccountUser> {
    return firstValueFrom(this.http.patch<AccountUser>(ACCOUNT_API.me, { language }));
  }

  /** The digest opt-in (private to the account: no token refresh either). */
  setDigest(digest: boolean): Promise<AccountUser> {
    return firstValueFrom(this.http.patch<AccountUser>(ACCOUNT_API.me, { digest }));
  }

  /** POST /api/me/email/verify (no session needed: the link's token is the proof). */
  verifyEmail(token: string): Promise<EmailVerified> {
    return firstValueFrom(this.http.post<EmailVerified>(ACCOUNT_API.verifyEmail, { token }));
  }

  resendVerification(): Promise<void> {
    return firstValueFrom(this.http.post<void>(ACCOUNT_API.resendVerification, {}));
  }

  /** POST /api/auth/forgot: answered 202 whatever the name. */
  forgotPassword(username: string): Promise<void> {
    return firstValueFrom(this.http.post<void>(ACCOUNT_API.forgot, { username }));
  }

  changePassword(body: PasswordChangeBody): Promise<void> {
    return firstValueFrom(this.http.post<void>(ACCOUNT_API.password, body));
  }

  sessions(): Promise<SessionInfo[]> {
    return firstValueFrom(this.http.get<SessionInfo[]>(ACCOUNT_API.sessions));
  }

  revokeSession(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${ACCOUNT_API.sessions}/${encodeURIComponent(id)}`));
  }

  /** The export as a file the browser saves (a Blob; nothing leaves the page but the download). */
  exportData(): Promise<Blob> {
    return firstValueFrom(this.http.get(ACCOUNT_API.export, { responseType: 'blob' }));
  }

  /** Deletes the account, then forgets the session here (the server signed every session out). */
  async deleteAccount(password: string): Promise<void> {
    await firstValueFrom(this.http.delete<void>(ACCOUNT_API.me, { body: { password } }));
    this.auth.clear();
  }

  setNotifications(roomId: string, level: NotificationLevel): Promise<Room> {
    return firstValueFrom(this.http.put<Room>(ACCOUNT_API.notifications(roomId), { level }));
  }

  private async adopt(user: AccountUser): Promise<AccountUser> {
    const { email: _email, emailVerified: _verified, digest: _digest, language: _language, ...publicUser } = user;
    this.auth.setUser(publicUser);
    // new tokens carry the new name (the socket's next handshake too); best effort
    if (this.auth.canRefresh()) await this.auth.refresh().catch(() => undefined);
    return user;
  }
}

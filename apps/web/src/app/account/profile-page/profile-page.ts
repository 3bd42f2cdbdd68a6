import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { AVATAR, LIMITS, type AccountUser, type SessionInfo } from '@hihi/contracts';
import { AccountApi } from '../../core/account/account-api.service';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { Avatar } from '../../shared/avatar/avatar';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';
import { WebPushService } from '../../core/push/web-push.service';

/** A message shown under a section: `status` (polite) or `alert`. */
interface Note {
  kind: 'status' | 'alert';
  text: string;
}

/** The browser and system of a session, or "unknown device". */
export function deviceName(s: Pick<SessionInfo, 'browser' | 'os'>, unknown: string): string {
  const parts = [s.browser, s.os].filter(Boolean);
  return parts.length ? parts.join(' · ') : unknown;
}

/**
 * One's own account (SPEC §10): display name and email, avatar (with a preview before it is
 * uploaded), password change, the signed-in devices (revoke any but this one), the export
 * download, notifications on this device (Web Push), and deleting the account after confirming
 * with the password.
 */
@Component({
  selector: 'hihi-profile-page',
  imports: [FormsModule, RouterLink, LangToggle, Avatar],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './profile-page.html',
  styleUrl: './profile-page.css',
})
export class ProfilePage {
  private readonly api = inject(AccountApi);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly push = inject(WebPushService);
  protected readonly i18n = inject(I18nService);
  protected readonly limits = LIMITS;
  protected readonly avatarMaxMb = Math.round(AVATAR.maxBytes / (1024 * 1024));

  protected readonly guest = this.auth.isGuest;
  protected readonly account = signal<AccountUser | null>(null);
  protected readonly sessions = signal<SessionInfo[]>([]);
  protected readonly busy = signal(false);
  protected readonly infoNote = signal<Note | null>(null);
  protected readonly avatarNote = signal<Note | null>(null);
  protected readonly passwordNote = signal<Note | null>(null);
  protected readonly sessionsNote = signal<Note | null>(null);
  protected readonly exportNote = signal<Note | null>(null);
  protected readonly pushNote = signal<Note | null>(null);
  protected readonly digestNote = signal<Note | null>(null);
  protected readonly deleteNote = signal<Note | null>(null);
  protected readonly deleting = signal(false);
  /** the chosen picture before it is uploaded: its object URL and the file */
  protected readonly preview = signal<{ url: string; file: File } | null>(null);

  protected displayName = '';
  protected email = '';
  protected currentPassword = '';
  protected newPassword = '';
  protected deletePassword = '';

  protected readonly dateFormat = computed(
    () => new Intl.DateTimeFormat(this.i18n.locale(), { dateStyle: 'medium', timeStyle: 'short' }),
  );

  constructor() {
    inject(DestroyRef).onDestroy(() => this.clearPreview());
    if (!this.guest()) void this.reload();
  }

  private async reload(): Promise<void> {
    try {
      const [me, sessions] = await Promise.all([this.api.me(), this.api.sessions()]);
      this.account.set(me);
      this.displayName = me.displayName;
      this.email = me.email ?? '';
      this.sessions.set(sessions);
    } catch {
      /* shown empty; the interceptor signs out on 401 */
    }
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    try {
      await fn();
    } finally {
      this.busy.set(false);
    }
  }

  protected when(iso: string): string {
    return this.dateFormat().format(new Date(iso));
  }

  protected device(s: SessionInfo): string {
    return deviceName(s, this.i18n.t('profile.sessionUnknown'));
  }

  async saveInfo(): Promise<void> {
    await this.run(async () => {
      this.infoNote.set(null);
      const me = this.account();
      const body: { displayName?: string; email?: string | null } = {};
      if (this.displayName.trim() !== me?.displayName) body.displayName = this.displayName.trim();
      if (this.email.trim() !== (me?.email ?? '')) body.email = this.email.trim() || null;
      try {
        const updated = await this.api.updateProfile(body);
        this.account.set(updated);
        this.displayName = updated.displayName;
        this.email = updated.email ?? '';
        // a new address gets its verification link
        const mailed = body.email && updated.email && !updated.emailVerified;
        this.infoNote.set({
          kind: 'status',
          text: mailed ? this.i18n.t('profile.emailSent', { email: updated.email! }) : this.i18n.t('profile.saved'),
        });
      } catch (err) {
        this.infoNote.set({
          kind: 'alert',
          text: this.i18n.t('profile.invalid', { message: httpErrorMessage(err) ?? '' }),
        });
      }
    });
  }

  async resendVerification(): Promise<void> {
    await this.run(async () => {
      this.infoNote.set(null);
      try {
        await this.api.resendVerification();
        this.infoNote.set({ kind: 'status', text: this.i18n.t('profile.emailResent') });
      } catch (err) {
        const text =
          httpStatus(err) === 429
            ? this.i18n.t('forgot.tooMany')
            : this.i18n.t('profile.emailResendFailed', { message: httpErrorMessage(err) ?? '' });
        this.infoNote.set({ kind: 'alert', text });
      }
    });
  }

  /** The digest opt-in (only with a verified address: the box is disabled before). */
  async setDigest(event: Event): Promise<void> {
    const box = event.target as HTMLInputElement;
    const digest = box.checked;
    await this.run(async () => {
      this.digestNote.set(null);
      try {
        this.account.set(await this.api.setDigest(digest));
        this.digestNote.set({
          kind: 'status',
          text: this.i18n.t(digest ? 'profile.digestOn' : 'profile.digestOff'),
        });
      } catch (err) {
        box.checked = !digest;
        this.digestNote.set({
          kind: 'alert',
          text: this.i18n.t('profile.invalid', { message: httpErrorMessage(err) ?? '' }),
        });
      }
    });
  }

  onFile(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    this.avatarNote.set(null);
    if (!file) return;
    if (file.size > AVATAR.maxBytes) {
      this.avatarNote.set({
        kind: 'alert',
        text: this.i18n.t('profile.avatarFailed', { message: `> ${this.avatarMaxMb} MB` }),
      });
      return;
    }
    this.clearPreview();
    this.preview.set({ url: URL.createObjectURL(file), file });
  }

  cancelPreview(): void {
    this.clearPreview();
  }

  async uploadAvatar(): Promise<void> {
    const chosen = this.preview();
    if (!chosen) return;
    await this.run(async () => {
      try {
        this.account.set(await this.api.uploadAvatar(chosen.file, chosen.file.name || 'avatar'));
        this.clearPreview();
        this.avatarNote.set({ kind: 'status', text: this.i18n.t('profile.avatarSaved') });
      } catch (err) {
        this.avatarNote.set({
          kind: 'alert',
          text: this.i18n.t('profile.avatarFailed', { message: httpErrorMessage(err) ?? '' }),
        });
      }
    });
  }

  async removeAvatar(): Promise<void> {
    await this.run(async () => {
      try {
        this.account.set(await this.api.removeAvatar());
        this.avatarNote.set({ kind: 'status', text: this.i18n.t('profile.avatarRemoved') });
      } catch (err) {
        this.avatarNote.set({
          kind: 'alert',
          text: this.i18n.t('profile.avatarFailed', { message: httpErrorMessage(err) ?? '' }),
        });
      }
    });
  }

  async changePassword(): Promise<void> {
    await this.run(async () => {
      this.passwordNote.set(null);
      try {
        await this.api.changePassword({ currentPassword: this.currentPassword, newPassword: this.newPassword });
        this.currentPassword = '';
        this.newPassword = '';
        this.passwordNote.set({ kind: 'status', text: this.i18n.t('profile.passwordChanged') });
        this.sessions.set(await this.api.sessions().catch(() => this.sessions()));
      } catch (err) {
        const text =
          httpStatus(err) === 401
            ? this.i18n.t('profile.passwordWrong')
            : this.i18n.t('profile.passwordFailed', { message: httpErrorMessage(err) ?? '' });
        this.passwordNote.set({ kind: 'alert', text });
      }
    });
  }

  async revoke(s: SessionInfo): Promise<void> {
    await this.run(async () => {
      try {
        await this.api.revokeSession(s.id);
        this.sessions.set(this.sessions().filter((x) => x.id !== s.id));
        this.sessionsNote.set({ kind: 'status', text: this.i18n.t('profile.sessionRevoked') });
      } catch (err) {
        this.sessionsNote.set({
          kind: 'alert',
          text: this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? '' }),
        });
      }
    });
  }

  /** On the click (a user gesture): permission, service worker, subscription (SPEC §10). */
  async enablePush(): Promise<void> {
    await this.run(async () => {
      this.pushNote.set(null);
      const state = await this.push.enable();
      const key = {
        enabled: 'profile.pushEnabled',
        denied: 'profile.pushDenied',
        unsupported: 'profile.pushUnsupported',
        failed: 'profile.pushFailed',
      } as const;
      this.pushNote.set({ kind: state === 'enabled' ? 'status' : 'alert', text: this.i18n.t(key[state]) });
    });
  }

  async exportData(): Promise<void> {
    await this.run(async () => {
      this.exportNote.set(null);
      try {
        const blob = await this.api.exportData();
        const url = URL.createObjectURL(blob);
        const a = document.createElement('a');
        a.href = url;
        a.download = `hihi-export-${new Date().toISOString().slice(0, 10)}.json`;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch {
        this.exportNote.set({ kind: 'alert', text: this.i18n.t('profile.exportFailed') });
      }
    });
  }

  startDelete(): void {
    this.deleteNote.set(null);
    this.deleting.set(true);
  }

  cancelDelete(): void {
    this.deleting.set(false);
    this.deletePassword = '';
  }

  async deleteAccount(): Promise<void> {
    await this.run(async () => {
      this.deleteNote.set(null);
      try {
        await this.api.deleteAccount(this.deletePassword);
        this.deletePassword = '';
        await this.router.navigateByUrl('/login');
      } catch (err) {
        const text =
          httpStatus(err) === 401
            ? this.i18n.t('profile.deleteWrong')
            : this.i18n.t('profile.deleteFailed', { message: httpErrorMessage(err) ?? '' });
        this.deleteNote.set({ kind: 'alert', text });
      }
    });
  }

  private clearPreview(): void {
    const p = this.preview();
    if (p) URL.revokeObjectURL(p.url);
    this.preview.set(null);
  }
}

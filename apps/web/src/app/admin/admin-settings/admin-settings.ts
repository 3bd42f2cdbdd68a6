import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { RegistrationMode, ServerSettings } from '@hihi/contracts';
import { AdminApiService } from '../../core/api/admin-api.service';
import type { I18nKey } from '../../core/i18n/i18n.dictionary';
import { I18nService } from '../../core/i18n/i18n.service';
import { adminError } from '../admin-text';

export const REGISTRATION_MODES: readonly { mode: RegistrationMode; label: I18nKey }[] = [
  { mode: 'open', label: 'admin.settings.open' },
  { mode: 'invite', label: 'admin.settings.invite' },
  { mode: 'closed', label: 'admin.settings.closed' },
];

/** Settings: registration open / invite only / closed, guests on or off, a second factor for staff. */
@Component({
  selector: 'hihi-admin-settings',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './admin-settings.html',
  styleUrl: '../admin-section.css',
})
export class AdminSettings {
  private readonly api = inject(AdminApiService);
  protected readonly i18n = inject(I18nService);
  protected readonly modes = REGISTRATION_MODES;

  protected readonly settings = signal<ServerSettings | null>(null);
  protected registration: RegistrationMode = 'open';
  protected guests = true;
  protected require2fa = false;
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal('');

  constructor() {
    void this.load();
  }

  private adopt(s: ServerSettings): void {
    this.settings.set(s);
    this.registration = s.registration;
    this.guests = s.guests;
    this.require2fa = s.require2fa;
  }

  private async load(): Promise<void> {
    try {
      this.adopt(await this.api.settings());
    } catch (err) {
      this.error.set(adminError(this.i18n, err));
    }
  }

  async save(): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    this.notice.set('');
    try {
      this.adopt(
        await this.api.updateSettings({
          registration: this.registration,
          guests: this.guests,
          require2fa: this.require2fa,
        }),
      );
      this.notice.set(this.i18n.t('admin.settings.saved'));
    } catch (err) {
      this.error.set(adminError(this.i18n, err));
    } finally {
      this.busy.set(false);
    }
  }
}

import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, RouterLink } from '@angular/router';
import type { MfaStatus, PasskeyInfo, TotpEnrolment } from '@hihi/contracts';
import QRCode from 'qrcode';
import { httpStatus } from '../../core/api/http-error';
import { SigninService } from '../../core/auth/signin.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';
import { TokensPanel } from '../tokens-panel/tokens-panel';
import { BotsPanel } from '../bots-panel/bots-panel';

/** The otpauth:// URL as a QR code, drawn here (a data: URL, never a remote service). */
export function qrDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
}

/**
 * Security settings: two-step verification with an authenticator app (QR code, recovery codes
 * shown once) and passkeys (add several, name them, remove them).
 */
@Component({
  selector: 'hihi-security-page',
  imports: [FormsModule, RouterLink, LangToggle, TokensPanel, BotsPanel],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './security-page.html',
  styleUrl: './security-page.css',
})
export class SecurityPage {
  private readonly signin = inject(SigninService);
  protected readonly i18n = inject(I18nService);

  protected readonly status = signal<MfaStatus | null>(null);
  protected readonly enrolment = signal<(TotpEnrolment & { qr: string }) | null>(null);
  protected readonly recoveryCodes = signal<string[] | null>(null);
  protected readonly passkeys = signal<PasskeyInfo[]>([]);
  protected readonly busy = signal(false);
  protected readonly totpError = signal<string | null>(null);
  protected readonly passkeyError = signal<string | null>(null);
  protected readonly disabling = signal(false);
  protected readonly passkeysSupported = this.signin.passkeysSupported();
  protected code = '';
  protected password = '';
  protected disableCode = '';
  protected passkeyName = '';
  /** arrived from a sign-in that the server asked to enrol a second factor, and none is set up yet */
  private readonly askedToEnrol = inject(ActivatedRoute).snapshot.queryParamMap.get('enrol') === '1';
  protected readonly enrolNotice = computed(() => {
    const s = this.status();
    return this.askedToEnrol && !!s && !s.totp && s.passkeys === 0;
  });

  constructor() {
    void this.reload();
  }

  private async reload(): Promise<void> {
    try {
      const [status, passkeys] = await Promise.all([this.signin.status(), this.signin.passkeys()]);
      this.status.set(status);
      this.passkeys.set(passkeys);
    } catch {
      /* shown as empty; the interceptor signs out on 401 */
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

  async startTotp(): Promise<void> {
    await this.run(async () => {
      this.totpError.set(null);
      try {
        const e = await this.signin.enrolTotp();
        this.enrolment.set({ ...e, qr: await qrDataUrl(e.otpauthUrl) });
      } catch {
        this.totpError.set(this.i18n.t('error.generic', { message: '' }));
      }
    });
  }

  async confirmTotp(): Promise<void> {
    const code = this.code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) {
      this.totpError.set(this.i18n.t('security.badCode'));
      return;
    }
    await this.run(async () => {
      try {
        const { recoveryCodes } = await this.signin.confirmTotp(code);
        this.enrolment.set(null);
        this.code = '';
        this.totpError.set(null);
        this.recoveryCodes.set(recoveryCodes);
        await this.reload();
      } catch {
        this.totpError.set(this.i18n.t('security.badCode'));
      }
    });
  }

  cancelTotp(): void {
    this.enrolment.set(null);
    this.code = '';
    this.totpError.set(null);
  }

  recoverySaved(): void {
    this.recoveryCodes.set(null);
  }

  async disableTotp(): Promise<void> {
    await this.run(async () => {
      try {
        await this.signin.disableTotp(this.password, this.disableCode.replace(/\s+/g, ''));
        this.password = '';
        this.disableCode = '';
        this.disabling.set(false);
        this.totpError.set(null);
        await this.reload();
      } catch (err) {
        this.totpError.set(httpStatus(err) === 429 ? this.i18n.t('login.tooMany') : this.i18n.t('security.wrong'));
      }
    });
  }

  async addPasskey(): Promise<void> {
    await this.run(async () => {
      this.passkeyError.set(null);
      try {
        await this.signin.addPasskey(this.passkeyName);
        this.passkeyName = '';
        await this.reload();
      } catch (err) {
        if (!(err instanceof Error && err.name === 'NotAllowedError'))
          this.passkeyError.set(this.i18n.t('security.passkeyFailed'));
      }
    });
  }

  async removePasskey(p: PasskeyInfo): Promise<void> {
    await this.run(async () => {
      await this.signin.removePasskey(p.id).catch(() => undefined);
      await this.reload();
    });
  }

  protected date(iso: string): string {
    return new Date(iso).toLocaleDateString(this.i18n.locale());
  }
}

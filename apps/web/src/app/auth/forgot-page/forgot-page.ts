import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { LIMITS } from '@hihi/contracts';
import { AccountApi } from '../../core/account/account-api.service';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { DuckIcon } from '../../shared/duck-icon/duck-icon';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';

/**
 * Forgot password (SPEC §10): the username, then the same answer whatever it is — if an account
 * with a verified email has that name, a reset link (30 min, one use) is on its way.
 */
@Component({
  selector: 'hihi-forgot-page',
  imports: [ReactiveFormsModule, RouterLink, DuckIcon, LangToggle],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './forgot-page.html',
  styleUrl: '../auth-layout.css',
})
export class ForgotPage {
  private readonly api = inject(AccountApi);
  protected readonly i18n = inject(I18nService);
  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', [Validators.required, Validators.maxLength(LIMITS.usernameMax * 4)]],
  });
  protected readonly busy = signal(false);
  protected readonly sent = signal(false);
  protected readonly error = signal<string | null>(null);

  protected show(): boolean {
    const c = this.form.controls.username;
    return c.invalid && (c.touched || c.dirty);
  }

  async submit(): Promise<void> {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.api.forgotPassword(this.form.getRawValue().username.trim());
      this.sent.set(true);
    } catch (err) {
      const status = httpStatus(err);
      this.error.set(
        status === 429
          ? this.i18n.t('forgot.tooMany')
          : status === 0
            ? this.i18n.t('error.network')
            : this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) }),
      );
    } finally {
      this.busy.set(false);
    }
  }
}

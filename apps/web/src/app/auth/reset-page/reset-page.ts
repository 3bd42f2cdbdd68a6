import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { LIMITS } from '@hihi/contracts';
import { map } from 'rxjs';
import { AdminApiService } from '../../core/api/admin-api.service';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { linkParam } from '../../core/auth/auth.guards';
import { I18nService } from '../../core/i18n/i18n.service';
import { DuckIcon } from '../../shared/duck-icon/duck-icon';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';
import { passwordsMatch } from '../register-page/register-page';

/**
 * A password-reset link (`/reset#token=…`, SPEC §8): choose a new password; every session of the
 * account ends. Works in any browser, signed in or not (the token is the proof; it stays in the
 * fragment, so it never reaches a server log).
 */
@Component({
  selector: 'hihi-reset-page',
  imports: [ReactiveFormsModule, RouterLink, DuckIcon, LangToggle],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './reset-page.html',
  styleUrl: '../auth-layout.css',
})
export class ResetPage {
  private readonly api = inject(AdminApiService);
  protected readonly i18n = inject(I18nService);
  protected readonly limits = LIMITS;
  private readonly route = inject(ActivatedRoute);
  protected readonly token = toSignal(this.route.fragment.pipe(map(() => linkParam(this.route.snapshot, 'token'))), {
    initialValue: linkParam(this.route.snapshot, 'token'),
  });

  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      password: [
        '',
        [Validators.required, Validators.minLength(LIMITS.passwordMin), Validators.maxLength(LIMITS.passwordMax)],
      ],
      confirm: ['', [Validators.required]],
    },
    { validators: passwordsMatch },
  );
  protected readonly busy = signal(false);
  protected readonly done = signal(false);
  protected readonly error = signal<string | null>(null);

  protected show(name: 'password' | 'confirm'): boolean {
    const c = this.form.controls[name];
    return c.invalid && (c.touched || c.dirty);
  }

  async submit(): Promise<void> {
    const token = this.token();
    if (this.busy() || !token) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.api.resetPassword({ token, password: this.form.getRawValue().password });
      this.done.set(true);
    } catch (err) {
      const status = httpStatus(err);
      this.error.set(
        status === 401
          ? this.i18n.t('reset.invalid')
          : status === 400
            ? this.i18n.t('reset.refused', { message: httpErrorMessage(err) ?? '' })
            : status === 429
              ? this.i18n.t('login.tooMany')
              : status === 0
                ? this.i18n.t('error.network')
                : this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) }),
      );
    } finally {
      this.busy.set(false);
    }
  }
}

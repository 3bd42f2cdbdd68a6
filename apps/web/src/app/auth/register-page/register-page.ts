import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import {
  type AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  type ValidationErrors,
  Validators,
} from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { isValidUsername, LIMITS } from '@hihi/contracts';
import { map, tap } from 'rxjs';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { inviteToken } from '../../core/auth/auth.guards';
import { AuthService } from '../../core/auth/auth.service';
import { SigninService } from '../../core/auth/signin.service';
import type { I18nKey } from '../../core/i18n/i18n.dictionary';
import { I18nService } from '../../core/i18n/i18n.service';
import { DuckIcon } from '../../shared/duck-icon/duck-icon';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';

export function usernameValidator(control: AbstractControl<string>): ValidationErrors | null {
  const value = (control.value ?? '').trim();
  return !value || isValidUsername(value) ? null : { username: true };
}

export function passwordsMatch(group: AbstractControl): ValidationErrors | null {
  const password = group.get('password')?.value as string | undefined;
  const confirm = group.get('confirm')?.value as string | undefined;
  return confirm && password !== confirm ? { mismatch: true } : null;
}

/**
 * Why registration was refused (403, SPEC §8): closed, invite only without an invite, or a bad
 * invite — told apart by the server's message; null for any other refusal.
 */
export function registrationRefusal(message: string | null): I18nKey | null {
  const m = (message ?? '').toLowerCase();
  if (m.includes('closed')) return 'register.closed';
  if (m.includes('not valid') || m.includes('expired') || m.includes('used up')) return 'register.badInvite';
  if (m.includes('invite')) return 'register.inviteOnly';
  return null;
}

@Component({
  selector: 'hihi-register-page',
  imports: [ReactiveFormsModule, RouterLink, DuckIcon, LangToggle],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './register-page.html',
  styleUrl: '../auth-layout.css',
})
export class RegisterPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly i18n = inject(I18nService);
  protected readonly limits = LIMITS;
  /** registration is closed / invite only / the invite is bad (shown above the form once known) */
  protected readonly refusal = signal<I18nKey | null>(null);
  /** the token of an invite link (`/register#invite=…`), if opened from one */
  private readonly route = inject(ActivatedRoute);
  protected readonly invite = toSignal(
    this.route.fragment.pipe(
      map(() => inviteToken(this.route.snapshot)),
      // a new link: what was refused before no longer applies
      tap(() => this.refusal.set(null)),
    ),
    { initialValue: inviteToken(this.route.snapshot) },
  );
  /** a member already signed in who opened an invite link here */
  protected readonly signedInAs = computed(() => {
    const u = this.auth.user();
    return u && !u.guest ? u.displayName || u.username : null;
  });

  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      username: ['', [Validators.required, usernameValidator]],
      displayName: ['', [Validators.maxLength(LIMITS.displayNameMax)]],
      password: [
        '',
        [Validators.required, Validators.minLength(LIMITS.passwordMin), Validators.maxLength(LIMITS.passwordMax)],
      ],
      confirm: ['', [Validators.required]],
    },
    { validators: passwordsMatch },
  );
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    // the server says up front whether registration is closed or needs an invite
    inject(SigninService)
      .methods()
      .then((m) => {
        if (m.registrationMode === 'closed') this.refusal.set('register.closed');
        else if (m.registrationMode === 'invite' && !this.invite()) this.refusal.set('register.inviteOnly');
      })
      .catch(() => undefined /* learnt from the refusal instead */);
  }

  protected show(name: 'username' | 'displayName' | 'password' | 'confirm'): boolean {
    const c = this.form.controls[name];
    return c.invalid && (c.touched || c.dirty);
  }

  async submit(): Promise<void> {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { username, displayName, password } = this.form.getRawValue();
    const invite = this.invite();
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.auth.register({
        username: username.trim(),
        password,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(invite ? { inviteToken: invite } : {}),
      });
      await this.router.navigateByUrl('/chat');
    } catch (err) {
      const status = httpStatus(err);
      const refusal = status === 403 ? registrationRefusal(httpErrorMessage(err)) : null;
      this.refusal.set(refusal);
      if (refusal) return;
      this.error.set(
        status === 409
          ? this.i18n.t('register.taken')
          : status === 0
            ? this.i18n.t('error.network')
            : this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) }),
      );
    } finally {
      this.busy.set(false);
    }
  }
}

import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { MfaChallenge, SigninMethods } from '@hihi/contracts';
import { SigninService } from '../../core/auth/signin.service';
import { SecondStep } from '../second-step/second-step';
import { SigninAlternatives } from '../signin-alternatives/signin-alternatives';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { httpErrorMessage, httpStatus, retryAfterSeconds } from '../../core/api/http-error';
import { AuthService } from '../../core/auth/auth.service';
import { rememberNext } from '../../core/auth/next-url';
import { I18nService } from '../../core/i18n/i18n.service';
import { DuckIcon } from '../../shared/duck-icon/duck-icon';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';

@Component({
  selector: 'hihi-login-page',
  imports: [ReactiveFormsModule, RouterLink, DuckIcon, LangToggle, SecondStep, SigninAlternatives],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './login-page.html',
  styleUrl: '../auth-layout.css',
})
export class LoginPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  protected readonly i18n = inject(I18nService);

  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', [Validators.required]],
    password: ['', [Validators.required]],
    remember: [false],
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  /** two-factor, passkeys, single sign-on (SPEC §12) */
  private readonly signin = inject(SigninService);
  protected readonly challenge = signal<MfaChallenge | null>(null);
  protected readonly methods = signal<SigninMethods | null>(null);

  constructor() {
    void this.signin.methods().then(
      (m) => this.methods.set(m),
      () => undefined,
    );
    const query = inject(ActivatedRoute).snapshot.queryParamMap;
    // a link opened signed out: go on to it after the sign-in (kept across an SSO round trip)
    rememberNext(query.get('next'));
    const sso = query.get('sso');
    if (query.get('ssoError')) this.error.set(this.i18n.t('sso.failed'));
    if (sso) {
      void this.signin.ssoExchange(sso).then(
        () => this.onSignedIn(),
        () => this.error.set(this.i18n.t('sso.failed')),
      );
    }
  }

  protected async onSignedIn(): Promise<void> {
    await this.router.navigateByUrl(this.auth.homeAfterSignIn());
  }

  async submit(): Promise<void> {
    if (this.busy()) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { username, password, remember } = this.form.getRawValue();
    this.busy.set(true);
    this.error.set(null);
    try {
      const signedIn = await this.auth.login(username.trim(), password, remember);
      if ('mfaRequired' in signedIn) {
        this.challenge.set(signedIn);
        return;
      }
      await this.router.navigateByUrl(this.auth.homeAfterSignIn());
    } catch (err) {
      this.error.set(this.describe(err));
    } finally {
      this.busy.set(false);
    }
  }

  async asGuest(): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.auth.guest();
      await this.router.navigateByUrl('/chat');
    } catch (err) {
      this.error.set(this.describe(err));
    } finally {
      this.busy.set(false);
    }
  }

  private describe(err: unknown): string {
    const status = httpStatus(err);
    if (status === 401) return this.i18n.t('login.wrong');
    if (status === 403) return this.i18n.t('sso.only');
    if (status === 429) {
      const seconds = retryAfterSeconds(err);
      return seconds ? this.i18n.t('login.tooManyIn', { seconds }) : this.i18n.t('login.tooMany');
    }
    if (status === 0) return this.i18n.t('error.network');
    return this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) });
  }
}

import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import type { SigninMethods } from '@hihi/contracts';
import { SIGNIN_API, SigninService } from '../../core/auth/signin.service';
import { I18nService } from '../../core/i18n/i18n.service';

/** "Sign in with a passkey" (no username) and "Sign in with …" (single sign-on, when configured). */
@Component({
  selector: 'hihi-signin-alternatives',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="alternatives">
      @if (supported) {
        <button class="btn btn--block" type="button" (click)="passkey()" [disabled]="busy()">
          <span aria-hidden="true">🔑</span> {{ i18n.t('passkey.signIn') }}
        </button>
      }
      @if (methods()?.oidc; as oidc) {
        <a class="btn btn--block" [href]="ssoStart">{{ i18n.t('sso.signIn', { name: oidc.name }) }}</a>
      }
      @if (error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
    </div>
  `,
  styles: `
    .alternatives {
      display: flex;
      flex-direction: column;
      gap: 10px;
      margin-top: 10px;
    }
    .btn {
      background: #fff;
      border-color: #eadfc0;
      color: inherit;
    }
    .btn:hover:not(:disabled) {
      border-color: #d9c58a;
    }
    a.btn {
      text-align: center;
      text-decoration: none;
    }
  `,
})
export class SigninAlternatives {
  private readonly signin = inject(SigninService);
  protected readonly i18n = inject(I18nService);

  readonly methods = input<SigninMethods | null>(null);
  readonly remember = input(false);
  readonly signedIn = output<void>();

  protected readonly supported = this.signin.passkeysSupported();
  protected readonly ssoStart = SIGNIN_API.oidcStart;
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  async passkey(): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.signin.passkeySignIn(this.remember());
      this.signedIn.emit();
    } catch (err) {
      // the user closing the browser's dialog is no error worth shouting about
      if (!(err instanceof Error && err.name === 'NotAllowedError')) this.error.set(this.i18n.t('passkey.failed'));
    } finally {
      this.busy.set(false);
    }
  }
}

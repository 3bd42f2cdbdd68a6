import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { AccountApi } from '../../core/account/account-api.service';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { linkParam } from '../../core/auth/auth.guards';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { DuckIcon } from '../../shared/duck-icon/duck-icon';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';

type State = { kind: 'working' } | { kind: 'done'; email: string } | { kind: 'failed'; message: string };

/**
 * An email verification link (`/verify-email#token=…`, SPEC §10): the token is sent at once and
 * the page says whether the address is now verified. Works in any browser, signed in or not (the
 * token is the proof; it stays in the fragment, so it never reaches a server log).
 */
@Component({
  selector: 'hihi-verify-email-page',
  imports: [RouterLink, DuckIcon, LangToggle],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './verify-email-page.html',
  styleUrl: '../auth-layout.css',
})
export class VerifyEmailPage {
  private readonly api = inject(AccountApi);
  protected readonly i18n = inject(I18nService);
  protected readonly signedIn = inject(AuthService).isSignedIn;
  protected readonly token = linkParam(inject(ActivatedRoute).snapshot, 'token');
  protected readonly state = signal<State>({ kind: 'working' });
  protected readonly next = computed(() => (this.signedIn() ? '/profile' : '/login'));
  protected readonly doneEmail = computed(() => {
    const s = this.state();
    return s.kind === 'done' ? s.email : '';
  });
  protected readonly failedMessage = computed(() => {
    const s = this.state();
    return s.kind === 'failed' ? s.message : '';
  });

  constructor() {
    if (this.token) void this.verify(this.token);
  }

  private async verify(token: string): Promise<void> {
    try {
      const { email } = await this.api.verifyEmail(token);
      this.state.set({ kind: 'done', email });
    } catch (err) {
      const status = httpStatus(err);
      this.state.set({
        kind: 'failed',
        message:
          status === 400
            ? this.i18n.t('verify.invalid')
            : status === 429
              ? this.i18n.t('login.tooMany')
              : status === 0
                ? this.i18n.t('error.network')
                : this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) }),
      });
    }
  }
}

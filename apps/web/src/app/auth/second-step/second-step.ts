import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  inject,
  input,
  output,
  signal,
  viewChild,
  afterNextRender,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { MfaChallenge } from '@hihi/contracts';
import { httpStatus, retryAfterSeconds } from '../../core/api/http-error';
import { SigninService } from '../../core/auth/signin.service';
import { I18nService } from '../../core/i18n/i18n.service';

/** The second step of a sign-in with 2FA on: a code from the app, or a recovery code. */
@Component({
  selector: 'hihi-second-step',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="second-step" (ngSubmit)="submit()" aria-labelledby="mfa-title" novalidate>
      <h2 id="mfa-title" class="second-step__title">{{ i18n.t('mfa.title') }}</h2>
      @if (recovery()) {
        <div class="field">
          <label for="mfa-recovery">{{ i18n.t('mfa.recoveryCode') }}</label>
          <input
            #field
            id="mfa-recovery"
            class="input"
            name="recovery"
            autocomplete="off"
            autocapitalize="off"
            spellcheck="false"
            placeholder="xxxx-xxxx-xxxx-xxxx"
            [(ngModel)]="value"
          />
        </div>
      } @else {
        <p class="second-step__hint" id="mfa-hint">{{ i18n.t('mfa.prompt') }}</p>
        <div class="field">
          <label for="mfa-code">{{ i18n.t('mfa.code') }}</label>
          <input
            #field
            id="mfa-code"
            class="input input--code"
            name="code"
            inputmode="numeric"
            autocomplete="one-time-code"
            maxlength="7"
            pattern="[0-9 ]*"
            aria-describedby="mfa-hint"
            [(ngModel)]="value"
          />
        </div>
      }
      @if (error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      <button class="btn btn--primary btn--block" type="submit" [disabled]="busy()">{{ i18n.t('mfa.submit') }}</button>
      <div class="second-step__links">
        <button type="button" class="btn btn--ghost btn--small" (click)="toggle()">
          {{ recovery() ? i18n.t('mfa.useCode') : i18n.t('mfa.useRecovery') }}
        </button>
        <button type="button" class="btn btn--ghost btn--small" (click)="cancelled.emit()">
          {{ i18n.t('mfa.back') }}
        </button>
      </div>
    </form>
  `,
  styles: `
    .second-step {
      display: flex;
      flex-direction: column;
      gap: 12px;
    }
    .second-step__title {
      font-size: 1.2rem;
      margin: 0;
      text-align: center;
    }
    .second-step__hint {
      margin: 0;
      color: var(--text-soft, inherit);
      text-align: center;
    }
    .second-step__links {
      display: flex;
      justify-content: space-between;
      flex-wrap: wrap;
      gap: 8px;
    }
    .input--code {
      font-size: 1.4rem;
      letter-spacing: 0.3em;
      text-align: center;
    }
  `,
})
export class SecondStep {
  private readonly signin = inject(SigninService);
  protected readonly i18n = inject(I18nService);

  readonly challenge = input.required<MfaChallenge>();
  readonly remember = input(false);
  readonly done = output<void>();
  readonly cancelled = output<void>();

  protected readonly recovery = signal(false);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected value = '';
  private readonly field = viewChild<ElementRef<HTMLInputElement>>('field');

  constructor() {
    afterNextRender(() => this.field()?.nativeElement.focus());
  }

  protected toggle(): void {
    this.recovery.update((r) => !r);
    this.value = '';
    this.error.set(null);
    setTimeout(() => this.field()?.nativeElement.focus());
  }

  async submit(): Promise<void> {
    const value = this.value.replace(/\s+/g, '');
    if (this.busy() || !value) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const mfaToken = this.challenge().mfaToken;
      await this.signin.secondStep(
        this.recovery() ? { mfaToken, recoveryCode: value } : { mfaToken, code: value },
        this.remember(),
      );
      this.done.emit();
    } catch (err) {
      const status = httpStatus(err);
      if (status === 429) {
        const seconds = retryAfterSeconds(err);
        this.error.set(seconds ? this.i18n.t('login.tooManyIn', { seconds }) : this.i18n.t('login.tooMany'));
      } else if (status === 0) this.error.set(this.i18n.t('error.network'));
      else this.error.set(this.i18n.t('mfa.wrong'));
      this.value = '';
    } finally {
      this.busy.set(false);
    }
  }
}

import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AuthTokens,
  MfaLoginBody,
  MfaStatus,
  PasskeyInfo,
  RecoveryCodes,
  SigninMethods,
  TotpEnrolment,
  WebAuthnCredentialJson,
} from '@hihi/contracts';
import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { firstValueFrom } from 'rxjs';
import { AuthService } from './auth.service';

/** Paths of the sign-in methods beyond the password (docs/api.md, SPEC §12). */
export const SIGNIN_API = {
  methods: '/api/auth/methods',
  loginMfa: '/api/auth/login/mfa',
  passkeyOptions: '/api/auth/passkey/options',
  passkey: '/api/auth/passkey',
  oidcStart: '/api/auth/oidc/start',
  oidcExchange: '/api/auth/oidc/exchange',
  mfa: '/api/me/2fa',
  totp: '/api/me/2fa/totp',
  totpConfirm: '/api/me/2fa/totp/confirm',
  passkeys: '/api/me/passkeys',
  passkeysOptions: '/api/me/passkeys/options',
} as const;

/**
 * Two-factor, passkeys and single sign-on for the web client. Sign-ins end in AuthService.adopt
 * (the tokens are kept exactly like a password sign-in's).
 */
@Injectable({ providedIn: 'root' })
export class SigninService {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthService);

  methods(): Promise<SigninMethods> {
    return firstValueFrom(this.http.get<SigninMethods>(SIGNIN_API.methods));
  }

  passkeysSupported(): boolean {
    try {
      return browserSupportsWebAuthn();
    } catch {
      return false;
    }
  }

  async secondStep(body: MfaLoginBody, remember: boolean): Promise<void> {
    const tokens = await firstValueFrom(this.http.post<AuthTokens>(SIGNIN_API.loginMfa, body));
    this.auth.adopt(tokens, remember);
  }

  /** No username: the browser offers the passkeys it has for this site. */
  async passkeySignIn(remember: boolean): Promise<void> {
    const options = await firstValueFrom(
      this.http.post<PublicKeyCredentialRequestOptionsJSON>(SIGNIN_API.passkeyOptions, {}),
    );
    const credential = await startAuthentication({ optionsJSON: options });
    const tokens = await firstValueFrom(
      this.http.post<AuthTokens>(SIGNIN_API.passkey, {
        credential: credential as unknown as WebAuthnCredentialJson,
        rememberMe: remember,
      }),
    );
    this.auth.adopt(tokens, remember);
  }

  /** The end of a single sign-on: the one-time code of `/login?sso=…` becomes tokens. */
  async ssoExchange(code: string): Promise<void> {
    const tokens = await firstValueFrom(this.http.post<AuthTokens>(SIGNIN_API.oidcExchange, { code }));
    this.auth.adopt(tokens, false);
  }

  status(): Promise<MfaStatus> {
    return firstValueFrom(this.http.get<MfaStatus>(SIGNIN_API.mfa));
  }

  enrolTotp(): Promise<TotpEnrolment> {
    return firstValueFrom(this.http.post<TotpEnrolment>(SIGNIN_API.totp, {}));
  }

  confirmTotp(code: string): Promise<RecoveryCodes> {
    return firstValueFrom(this.http.post<RecoveryCodes>(SIGNIN_API.totpConfirm, { code }));
  }

  disableTotp(password: string, code: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(SIGNIN_API.totp, { body: { password, code } }));
  }

  passkeys(): Promise<PasskeyInfo[]> {
    return firstValueFrom(this.http.get<PasskeyInfo[]>(SIGNIN_API.passkeys));
  }

  async addPasskey(name: string): Promise<PasskeyInfo> {
    const options = await firstValueFrom(
      this.http.post<PublicKeyCredentialCreationOptionsJSON>(SIGNIN_API.passkeysOptions, {}),
    );
    const credential = await startRegistration({ optionsJSON: options });
    return firstValueFrom(
      this.http.post<PasskeyInfo>(SIGNIN_API.passkeys, {
        credential: credential as unknown as WebAuthnCredentialJson,
        ...(name.trim() ? { name: name.trim() } : {}),
      }),
    );
  }

  removePasskey(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${SIGNIN_API.passkeys}/${encodeURIComponent(id)}`));
  }
}

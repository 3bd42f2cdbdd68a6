/**
 * Sign-in methods beyond the password (SPEC §12): TOTP two-factor with recovery codes, passkeys
 * (WebAuthn) and OpenID Connect single sign-on. Patterns, payload and reply types, and the rows of
 * the protocol table are declared here once; PROTOCOL (protocol.ts) spreads SIGNIN_PROTOCOL in.
 */
import { command, NoData } from './command';
import type { RegistrationMode } from './admin';
import type { AuthTokens } from './models';

export const SIGNIN_PATTERNS = {
  /** second factors of the actor: what is on */
  mfaStatus: 'auth.mfa.status',
  /** start TOTP enrolment: a new pending secret */
  totpEnrol: 'auth.mfa.totp.enrol',
  /** confirm TOTP enrolment with a first code: 2FA on, recovery codes answered once */
  totpConfirm: 'auth.mfa.totp.confirm',
  /** turn TOTP off (password and a code) */
  totpDisable: 'auth.mfa.totp.disable',
  /** the second step of a password sign-in */
  loginMfa: 'auth.login.mfa',
  passkeyRegOptions: 'auth.passkey.reg.options',
  passkeyRegister: 'auth.passkey.register',
  passkeyList: 'auth.passkey.list',
  passkeyRemove: 'auth.passkey.remove',
  passkeyLoginOptions: 'auth.passkey.login.options',
  passkeyLogin: 'auth.passkey.login',
  /** a verified OpenID Connect identity signs in (the gateway checked the ID token) */
  oidcSignIn: 'auth.oidc.signin',
} as const;
export type SigninPattern = (typeof SIGNIN_PATTERNS)[keyof typeof SIGNIN_PATTERNS];

/* ---------- TOTP (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step) ---------- */

export const TOTP = { algorithm: 'SHA1', digits: 6, periodSec: 30, window: 1, issuer: 'Hihi Chat' } as const;
/** Recovery codes handed out when TOTP is turned on (each works once). */
export const RECOVERY_CODE_COUNT = 10;
/** Lifetime of the token between the password step and the second step of a sign-in, seconds. */
export const MFA_TOKEN_TTL_SEC = 300;

/** Which second steps a sign-in may take. */
export type MfaMethod = 'totp' | 'recovery';

/** `POST /api/auth/login` when the account has 2FA on: no tokens yet. */
export interface MfaChallenge {
  mfaRequired: true;
  /** short-lived; presented with the code to `POST /api/auth/login/mfa` */
  mfaToken: string;
  methods: MfaMethod[];
}

/** The answer of a password sign-in: tokens, or the second step to take. */
export type LoginReply = AuthTokens | MfaChallenge;

export function isMfaChallenge(r: LoginReply): r is MfaChallenge {
  return (r as Partial<MfaChallenge>).mfaRequired === true;
}

export interface MfaLoginBody {
  mfaToken: string;
  /** 6 digits from the authenticator app */
  code?: string;
  /** one of the recovery codes (`xxxx-xxxx-xxxx-xxxx`) */
  recoveryCode?: string;
}

export interface TotpEnrolment {
  /** base32, for typing into an app */
  secret: string;
  /** `otpauth://totp/…` for the QR code */
  otpauthUrl: string;
}
export interface TotpConfirmBody {
  code: string;
}
export interface RecoveryCodes {
  recoveryCodes: string[];
}
export interface TotpDisableBody {
  password: string;
  /** a current code, or a recovery code */
  code: string;
}

export interface MfaStatus {
  totp: boolean;
  recoveryCodesLeft: number;
  passkeys: number;
}

/* ---------- Passkeys (WebAuthn) ---------- */

/** The relying party as the gateway serves it (rpId: its host; origin: its public origin). */
export interface RelyingParty {
  rpId: string;
  origin: string;
}

export interface PasskeyInfo {
  id: string;
  name: string;
  /** ISO-8601 */
  createdAt: string;
  lastUsedAt?: string;
  /** the credential may be synced to other devices (backup eligible) */
  backupEligible: boolean;
  backedUp: boolean;
}

/** WebAuthn JSON (the browser's PublicKeyCredential.toJSON(), as @simplewebauthn/browser makes it). */
export interface WebAuthnCredentialJson {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    attestationObject?: string;
    authenticatorData?: string;
    signature?: string;
    userHandle?: string;
    transports?: string[];
    publicKeyAlgorithm?: number;
    publicKey?: string;
  };
  clientExtensionResults: Record<string, unknown>;
  authenticatorAttachment?: string;
}

export interface PasskeyRegisterBody {
  credential: WebAuthnCredentialJson;
  /** the user's name for this passkey ("laptop", "phone") */
  name?: string;
}
export interface PasskeyLoginBody {
  credential: WebAuthnCredentialJson;
  rememberMe?: boolean;
}
/** Options for navigator.credentials.create/get, JSON-encoded (SimpleWebAuthn `…OptionsJSON`). */
export type WebAuthnOptionsJson = Record<string, unknown>;

/* ---------- OpenID Connect ---------- */

/** What the web app learns of the server's sign-in methods (GET /api/auth/methods). */
export interface SigninMethods {
  password: boolean;
  registration: boolean;
  passkeys: boolean;
  /** the provider's display name when single sign-on is configured */
  oidc?: { name: string };
  /** registration now (SPEC §8): `open`, `invite` (an invite link is needed) or `closed`; absent when auth did not answer */
  registrationMode?: RegistrationMode;
  /** guests may come in; absent when auth did not answer */
  guests?: boolean;
}

/** A verified identity from the provider (ID token checked by the gateway). */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  preferredUsername?: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
}

/* ---------- Bus payloads (with the actor's user id) ---------- */

export interface UserRef {
  userId: string;
}

export const SIGNIN_PROTOCOL = {
  authMfaStatus: command<UserRef, MfaStatus>()({
    http: 'GET /api/me/2fa',
    pattern: SIGNIN_PATTERNS.mfaStatus,
    dto: 'MeDto',
    emits: [],
  }),
  authTotpEnrol: command<UserRef, TotpEnrolment>()({
    http: 'POST /api/me/2fa/totp',
    pattern: SIGNIN_PATTERNS.totpEnrol,
    dto: 'MeDto',
    emits: [],
  }),
  authTotpConfirm: command<UserRef & TotpConfirmBody, RecoveryCodes>()({
    http: 'POST /api/me/2fa/totp/confirm',
    pattern: SIGNIN_PATTERNS.totpConfirm,
    dto: 'TotpConfirmBusDto',
    emits: [],
  }),
  authTotpDisable: command<UserRef & TotpDisableBody, NoData>()({
    http: 'DELETE /api/me/2fa/totp',
    pattern: SIGNIN_PATTERNS.totpDisable,
    dto: 'TotpDisableBusDto',
    emits: [],
  }),
  authLoginMfa: command<MfaLoginBody, AuthTokens>()({
    http: 'POST /api/auth/login/mfa',
    pattern: SIGNIN_PATTERNS.loginMfa,
    dto: 'MfaLoginDto',
    emits: [],
  }),
  authPasskeyRegOptions: command<UserRef & RelyingParty, WebAuthnOptionsJson>()({
    http: 'POST /api/me/passkeys/options',
    pattern: SIGNIN_PATTERNS.passkeyRegOptions,
    dto: 'PasskeyRegOptionsBusDto',
    emits: [],
  }),
  authPasskeyRegister: command<UserRef & RelyingParty & PasskeyRegisterBody, PasskeyInfo>()({
    http: 'POST /api/me/passkeys',
    pattern: SIGNIN_PATTERNS.passkeyRegister,
    dto: 'PasskeyRegisterBusDto',
    emits: [],
  }),
  authPasskeyList: command<UserRef, PasskeyInfo[]>()({
    http: 'GET /api/me/passkeys',
    pattern: SIGNIN_PATTERNS.passkeyList,
    dto: 'MeDto',
    emits: [],
  }),
  authPasskeyRemove: command<UserRef & { id: string }, NoData>()({
    http: 'DELETE /api/me/passkeys/:id',
    pattern: SIGNIN_PATTERNS.passkeyRemove,
    dto: 'PasskeyRemoveBusDto',
    emits: [],
  }),
  authPasskeyLoginOptions: command<RelyingParty, WebAuthnOptionsJson>()({
    http: 'POST /api/auth/passkey/options',
    pattern: SIGNIN_PATTERNS.passkeyLoginOptions,
    dto: 'RelyingPartyDto',
    emits: [],
  }),
  authPasskeyLogin: command<RelyingParty & PasskeyLoginBody, AuthTokens>()({
    http: 'POST /api/auth/passkey',
    pattern: SIGNIN_PATTERNS.passkeyLogin,
    dto: 'PasskeyLoginBusDto',
    emits: [],
  }),
  authOidcSignIn: command<OidcIdentity, AuthTokens>()({
    http: 'GET /api/auth/oidc/callback',
    pattern: SIGNIN_PATTERNS.oidcSignIn,
    dto: 'OidcIdentityDto',
    emits: [],
  }),
} as const;

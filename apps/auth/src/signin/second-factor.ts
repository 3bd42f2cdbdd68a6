import type { AccountRole, MfaChallenge } from '@hihi/contracts';

/**
 * What the password sign-in (AuthService.login) asks after the password is right: does this
 * account need a second step? MfaService answers; injected under SECOND_FACTOR so AuthService
 * knows nothing else of it.
 */
export const SECOND_FACTOR = Symbol('SECOND_FACTOR');
export interface SecondFactor {
  challenge(user: { id: string; usernameKey: string }, rememberMe: boolean): Promise<MfaChallenge | undefined>;
  /** the server requires a second factor of this account (`require2fa`) and it has none yet */
  enrolmentRequired(user: { id: string; role?: AccountRole }): Promise<boolean>;
  /** has the account a second factor (TOTP on, or a passkey)? */
  enrolled(userId: string): Promise<boolean>;
}

/** The time source of the sign-in factors (tests move it). */
export const SIGNIN_CLOCK = Symbol('SIGNIN_CLOCK');
export interface SigninClock {
  now(): number;
}
export const systemSigninClock: SigninClock = { now: () => Date.now() };

import type { MfaChallenge } from '@hihi/contracts';

/**
 * What the password sign-in (AuthService.login) asks after the password is right: does this
 * account need a second step? MfaService answers; injected under SECOND_FACTOR so AuthService
 * knows nothing else of it.
 */
export const SECOND_FACTOR = Symbol('SECOND_FACTOR');
export interface SecondFactor {
  challenge(user: { id: string; usernameKey: string }, rememberMe: boolean): Promise<MfaChallenge | undefined>;
}

/** The time source of the sign-in factors (tests move it). */
export const SIGNIN_CLOCK = Symbol('SIGNIN_CLOCK');
export interface SigninClock {
  now(): number;
}
export const systemSigninClock: SigninClock = { now: () => Date.now() };

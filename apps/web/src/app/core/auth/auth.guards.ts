import { inject } from '@angular/core';
import { type ActivatedRouteSnapshot, type CanActivateFn, Router, type RouterStateSnapshot } from '@angular/router';
import { roleAtLeast } from '@hihi/contracts';
import { AuthService } from './auth.service';
import { safeNext } from './next-url';

/**
 * Only signed-in people (members or guests) may enter; others go to the sign-in page, which goes
 * on to where they were headed (`?next=`: a mailed or pushed link opened signed out).
 */
export const authGuard: CanActivateFn = (_route: ActivatedRouteSnapshot, state?: RouterStateSnapshot) => {
  const auth = inject(AuthService);
  if (auth.isSignedIn()) return true;
  const next = safeNext(state?.url);
  return inject(Router).createUrlTree(['/login'], next && next !== '/chat' ? { queryParams: { next } } : {});
};

/**
 * Sign-in and register pages: members are sent to the chat; guests may still sign in. An invite
 * link (`/register#invite=…` or `?invite=…`) opens the register page even for a signed-in member.
 */
export const anonymousGuard: CanActivateFn = (route: ActivatedRouteSnapshot) => {
  const auth = inject(AuthService);
  if (inviteToken(route)) return true;
  return auth.isSignedIn() && !auth.isGuest() ? inject(Router).createUrlTree(['/chat']) : true;
};

/**
 * The admin console: server admins and the owner (the role of the session's user). The API
 * refuses everyone else whatever the client shows; this only keeps others off a useless page.
 */
export const adminGuard: CanActivateFn = () => {
  const auth = inject(AuthService);
  const router = inject(Router);
  if (!auth.isSignedIn()) return router.createUrlTree(['/login']);
  const role = auth.user()?.role;
  return role && !auth.isGuest() && roleAtLeast(role, 'admin') ? true : router.createUrlTree(['/chat']);
};

/** A value of a link's fragment (`#token=…&x=…`) or, failing that, of its query. */
export function linkParam(
  route: Pick<ActivatedRouteSnapshot, 'fragment' | 'queryParamMap'>,
  name: string,
): string | null {
  const fromFragment = route.fragment ? new URLSearchParams(route.fragment).get(name) : null;
  return fromFragment || route.queryParamMap?.get(name) || null;
}

export function inviteToken(route: Pick<ActivatedRouteSnapshot, 'fragment' | 'queryParamMap'>): string | null {
  return linkParam(route, 'invite');
}

import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { AuthService } from './auth.service';

/** Only signed-in people (members or guests) may enter; others go to the sign-in page. */
export const authGuard: CanActivateFn = () => {
  const auth = inject(AuthService);
  return auth.isSignedIn() ? true : inject(Router).createUrlTree(['/login']);
};

/** Sign-in and register pages: members are sent to the chat; guests may still sign in. */
export const anonymousGuard: CanActivateFn = () => {
  const auth = inject(AuthService);
  return auth.isSignedIn() && !auth.isGuest() ? inject(Router).createUrlTree(['/chat']) : true;
};

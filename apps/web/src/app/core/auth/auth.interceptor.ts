import { HttpErrorResponse, type HttpInterceptorFn, type HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, from, switchMap, throwError } from 'rxjs';
import { AuthService } from './auth.service';

function isApi(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith(`${globalThis.location?.origin ?? ''}/api/`);
}

function isAuthEndpoint(url: string): boolean {
  return url.includes('/api/auth/');
}

/**
 * Requests whose 401 says "wrong password" (password change, account deletion), not "expired
 * token": never refreshed and retried (a retry would count as a second failed sign-in).
 */
function isPasswordCheck<T>(req: HttpRequest<T>): boolean {
  const path = req.url.replace(/^https?:\/\/[^/]+/, '').split('?')[0];
  return (req.method === 'POST' && path === '/api/me/password') || (req.method === 'DELETE' && path === '/api/me');
}

function withBearer<T>(req: HttpRequest<T>, token: string | null): HttpRequest<T> {
  return token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;
}

/**
 * Adds the bearer token to API calls. When the access token is about to expire it refreshes
 * first; when the server still answers 401 it refreshes once and retries once. Concurrent
 * requests share one refresh (AuthService.refresh de-duplicates).
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  if (!isApi(req.url) || isAuthEndpoint(req.url)) return next(req);
  const auth = inject(AuthService);

  return from(auth.validAccessToken()).pipe(
    switchMap((token) =>
      next(withBearer(req, token)).pipe(
        catchError((err: unknown) => {
          if (err instanceof HttpErrorResponse && err.status === 401 && auth.canRefresh() && !isPasswordCheck(req)) {
            return from(auth.refresh()).pipe(switchMap((fresh) => next(withBearer(req, fresh))));
          }
          if (err instanceof HttpErrorResponse && err.status === 401 && auth.isGuest()) {
            auth.expire();
          }
          return throwError(() => err);
        }),
      ),
    ),
  );
};

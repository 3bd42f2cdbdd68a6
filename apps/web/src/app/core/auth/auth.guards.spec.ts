import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { type ActivatedRouteSnapshot, type RouterStateSnapshot, UrlTree, provideRouter } from '@angular/router';
import { anonymousGuard, authGuard } from './auth.guards';
import { SESSION_STORAGE_KEY } from './auth.service';

function run(guard: typeof authGuard): unknown {
  return TestBed.runInInjectionContext(() => guard({} as ActivatedRouteSnapshot, {} as RouterStateSnapshot));
}

function signIn(guest: boolean) {
  sessionStorage.setItem(
    SESSION_STORAGE_KEY,
    JSON.stringify({
      user: { id: 'u1', username: 'alice', displayName: 'Alice', guest },
      accessToken: 'a',
      expiresAt: Date.now() + 60_000,
      remember: false,
      ...(guest ? {} : { refreshToken: 'r' }),
    }),
  );
}

const path = (result: unknown) => (result instanceof UrlTree ? result.toString() : result);

describe('route guards', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
  });

  it('authGuard sends visitors to /login', () => {
    expect(path(run(authGuard))).toBe('/login');
  });

  it('authGuard lets members and guests in', () => {
    signIn(false);
    expect(run(authGuard)).toBe(true);
  });

  it('authGuard lets guests in', () => {
    signIn(true);
    expect(run(authGuard)).toBe(true);
  });

  it('anonymousGuard sends members to /chat but lets visitors and guests sign in', () => {
    expect(run(anonymousGuard)).toBe(true);
    signIn(false);
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient()] });
    expect(path(run(anonymousGuard))).toBe('/chat');
  });

  it('anonymousGuard lets a guest reach the sign-in page', () => {
    signIn(true);
    expect(run(anonymousGuard)).toBe(true);
  });
});

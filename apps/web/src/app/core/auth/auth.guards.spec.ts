import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import {
  type ActivatedRouteSnapshot,
  type RouterStateSnapshot,
  UrlTree,
  convertToParamMap,
  provideRouter,
} from '@angular/router';
import { adminGuard, anonymousGuard, authGuard, linkParam } from './auth.guards';
import { SESSION_STORAGE_KEY } from './auth.service';

function run(guard: typeof authGuard, route: Partial<ActivatedRouteSnapshot> = {}): unknown {
  return TestBed.runInInjectionContext(() => guard(route as ActivatedRouteSnapshot, {} as RouterStateSnapshot));
}

function signIn(guest: boolean, role = guest ? 'guest' : 'member') {
  sessionStorage.setItem(
    SESSION_STORAGE_KEY,
    JSON.stringify({
      user: { id: 'u1', username: 'alice', displayName: 'Alice', guest, role },
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

  it('authGuard keeps where a visitor was headed (a mailed link), but not another site', () => {
    const at = (url: string) =>
      path(
        TestBed.runInInjectionContext(() => authGuard({} as ActivatedRouteSnapshot, { url } as RouterStateSnapshot)),
      );
    expect(at('/chat?room=r1&msg=m1&seq=3')).toBe('/login?next=%2Fchat%3Froom%3Dr1%26msg%3Dm1%26seq%3D3');
    expect(at('/chat')).toBe('/login');
    expect(at('//evil.example')).toBe('/login');
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

  it('anonymousGuard lets a signed-in member open an invite link', () => {
    signIn(false);
    expect(run(anonymousGuard, { fragment: 'invite=abc', queryParamMap: convertToParamMap({}) })).toBe(true);
    expect(run(anonymousGuard, { fragment: null, queryParamMap: convertToParamMap({ invite: 'abc' }) })).toBe(true);
  });

  it('adminGuard: admins and the owner in; members, moderators and guests to /chat; visitors to /login', () => {
    expect(path(run(adminGuard))).toBe('/login');
    for (const [role, expected] of [
      ['owner', true],
      ['admin', true],
      ['moderator', '/chat'],
      ['member', '/chat'],
    ] as const) {
      signIn(false, role);
      TestBed.resetTestingModule();
      TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient()] });
      expect(path(run(adminGuard))).toBe(expected);
    }
    signIn(true, 'admin');
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient()] });
    expect(path(run(adminGuard))).toBe('/chat');
  });

  it('linkParam reads the fragment first, then the query', () => {
    const q = convertToParamMap({ token: 'q' });
    expect(linkParam({ fragment: 'token=f&x=1', queryParamMap: q }, 'token')).toBe('f');
    expect(linkParam({ fragment: null, queryParamMap: q }, 'token')).toBe('q');
    expect(linkParam({ fragment: 'other=1', queryParamMap: convertToParamMap({}) }, 'token')).toBeNull();
  });
});

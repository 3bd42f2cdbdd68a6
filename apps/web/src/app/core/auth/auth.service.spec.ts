import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { AuthTokens, PublicUser } from '@hihi/contracts';
import { AUTH_API, AuthService, SESSION_STORAGE_KEY, type StoredSession } from './auth.service';
import { rememberNext } from './next-url';

const alice: PublicUser = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false, role: 'member' };
const tokens = (n: number): AuthTokens => ({
  user: alice,
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresIn: 900,
});

function setup() {
  TestBed.configureTestingModule({
    providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
  });
  return { auth: TestBed.inject(AuthService), http: TestBed.inject(HttpTestingController) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('AuthService', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it('keeps the session in localStorage with "remember me"', async () => {
    const { auth, http } = setup();
    const done = auth.login('alice', 'pw-12345678', true);
    const req = http.expectOne(AUTH_API.login);
    expect(req.request.body).toEqual({ username: 'alice', password: 'pw-12345678', rememberMe: true });
    req.flush(tokens(1));
    await done;
    expect(JSON.parse(localStorage.getItem(SESSION_STORAGE_KEY)!).refreshToken).toBe('refresh-1');
    expect(sessionStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(auth.user()).toEqual(alice);
    expect(auth.accessToken()).toBe('access-1');
  });

  it('registering from an invite link while signed in ends the old session on the server', async () => {
    const { auth, http } = setup();
    const login = auth.login('alice', 'pw-12345678', false);
    http.expectOne(AUTH_API.login).flush(tokens(1));
    await login;
    const done = auth.register({ username: 'carol', password: 'pw-12345678', inviteToken: 'inv' });
    const reg = http.expectOne(AUTH_API.register);
    expect(reg.request.body).toEqual({ username: 'carol', password: 'pw-12345678', inviteToken: 'inv' });
    reg.flush(tokens(2));
    await done;
    const out = http.expectOne(AUTH_API.logout);
    expect(out.request.body).toEqual({ refreshToken: 'refresh-1' });
    out.flush(null);
    expect(auth.accessToken()).toBe('access-2');
  });

  it('keeps the session in sessionStorage without "remember me"', async () => {
    const { auth, http } = setup();
    const done = auth.login('alice', 'pw-12345678', false);
    http.expectOne(AUTH_API.login).flush(tokens(1));
    await done;
    expect(JSON.parse(sessionStorage.getItem(SESSION_STORAGE_KEY)!).refreshToken).toBe('refresh-1');
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('restores a saved session on start', () => {
    const saved: StoredSession = {
      user: alice,
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: Date.now() + 60_000,
      remember: true,
    };
    localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(saved));
    const { auth } = setup();
    expect(auth.isSignedIn()).toBe(true);
    expect(auth.accessToken()).toBe('a');
  });

  it('shares one refresh between concurrent callers and rotates the refresh token', async () => {
    const { auth, http } = setup();
    const login = auth.login('alice', 'pw-12345678', true);
    http.expectOne(AUTH_API.login).flush(tokens(1));
    await login;

    const a = auth.refresh();
    const b = auth.refresh();
    await flush();
    const reqs = http.match(AUTH_API.refresh);
    expect(reqs.length).toBe(1);
    expect(reqs[0].request.body).toEqual({ refreshToken: 'refresh-1' });
    reqs[0].flush(tokens(2));
    expect(await a).toBe('access-2');
    expect(await b).toBe('access-2');
    expect(JSON.parse(localStorage.getItem(SESSION_STORAGE_KEY)!).refreshToken).toBe('refresh-2');

    // a later refresh presents the rotated token
    const c = auth.refresh();
    await flush();
    const next = http.expectOne(AUTH_API.refresh);
    expect(next.request.body).toEqual({ refreshToken: 'refresh-2' });
    next.flush(tokens(3));
    expect(await c).toBe('access-3');
  });

  it('a sign-in the server asks to enrol a second factor lands on the security page; others on the chat', async () => {
    const { auth, http } = setup();
    const asked = auth.login('boss', 'pw-12345678', false);
    http.expectOne(AUTH_API.login).flush({ ...tokens(1), enrolSecondFactor: true });
    await asked;
    expect(auth.homeAfterSignIn()).toBe('/security?enrol=1');
    const plain = auth.login('alice', 'pw-12345678', false);
    http.expectOne(AUTH_API.login).flush(tokens(2));
    await plain;
    expect(auth.homeAfterSignIn()).toBe('/chat');
  });

  it('a sign-in goes on, once, to the link that was opened signed out', async () => {
    const { auth, http } = setup();
    rememberNext('/chat?room=r1&msg=m1&seq=3');
    const signedIn = auth.login('alice', 'pw-12345678', false);
    http.expectOne(AUTH_API.login).flush(tokens(1));
    await signedIn;
    expect(auth.homeAfterSignIn()).toBe('/chat?room=r1&msg=m1&seq=3');
    expect(auth.homeAfterSignIn()).toBe('/chat');
  });

  it('refreshes an access token that is about to expire', async () => {
    const { auth, http } = setup();
    const login = auth.login('alice', 'pw-12345678', false);
    http.expectOne(AUTH_API.login).flush({ ...tokens(1), expiresIn: 5 });
    await login;
    expect(auth.hasFreshAccessToken()).toBe(false);
    const token = auth.validAccessToken();
    await flush();
    http.expectOne(AUTH_API.refresh).flush(tokens(2));
    expect(await token).toBe('access-2');
  });

  it('signs out locally and goes to /login when the refresh token is refused', async () => {
    const { auth, http } = setup();
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    const login = auth.login('alice', 'pw-12345678', true);
    http.expectOne(AUTH_API.login).flush(tokens(1));
    await login;

    const refresh = auth.refresh();
    await flush();
    http
      .expectOne(AUTH_API.refresh)
      .flush({ statusCode: 401, error: 'Unauthorized', message: 'x' }, { status: 401, statusText: 'Unauthorized' });
    await expect(refresh).rejects.toBeTruthy();
    expect(auth.isSignedIn()).toBe(false);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(navigate).toHaveBeenCalledWith('/login');
  });

  it('logs out on the server with the refresh token and forgets the session', async () => {
    const { auth, http } = setup();
    const login = auth.login('alice', 'pw-12345678', true);
    http.expectOne(AUTH_API.login).flush(tokens(1));
    await login;
    const out = auth.logout();
    expect(auth.isSignedIn()).toBe(false);
    const req = http.expectOne(AUTH_API.logout);
    expect(req.request.body).toEqual({ refreshToken: 'refresh-1' });
    req.flush(null, { status: 204, statusText: 'No Content' });
    await out;
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
  });

  it('signs in a guest without a refresh token', async () => {
    const { auth, http } = setup();
    const done = auth.guest();
    http
      .expectOne(AUTH_API.guest)
      .flush({ user: { ...alice, id: 'g1', guest: true }, accessToken: 'g-access', expiresIn: 900 });
    await done;
    expect(auth.isGuest()).toBe(true);
    expect(auth.canRefresh()).toBe(false);
    expect(sessionStorage.getItem(SESSION_STORAGE_KEY)).toContain('g-access');
  });
});

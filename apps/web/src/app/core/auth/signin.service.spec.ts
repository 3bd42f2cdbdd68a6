import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AuthService } from './auth.service';
import { SigninService } from './signin.service';

describe('SigninService', () => {
  function setup() {
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
    return {
      signin: TestBed.inject(SigninService),
      auth: TestBed.inject(AuthService),
      http: TestBed.inject(HttpTestingController),
    };
  }
  const tokens = {
    user: { id: 'u1', username: 'alice', displayName: 'Alice', guest: false },
    accessToken: 'at',
    refreshToken: 'rt',
    expiresIn: 900,
    rememberMe: true,
    refreshExpiresIn: 1000,
  };

  it('the second step posts the code with the mfaToken and keeps the tokens like a sign-in', async () => {
    const { signin, auth, http } = setup();
    const done = signin.secondStep({ mfaToken: 'm', code: '123456' }, true);
    const req = http.expectOne('/api/auth/login/mfa');
    expect(req.request.body).toEqual({ mfaToken: 'm', code: '123456' });
    req.flush(tokens);
    await done;
    expect(auth.user()?.username).toBe('alice');
    expect(auth.accessToken()).toBe('at');
    expect(localStorage.getItem('hihi.session')).toContain('"rt"');
  });

  it('the single sign-on hand-off exchanges the one-time code', async () => {
    const { signin, auth, http } = setup();
    const done = signin.ssoExchange('c'.repeat(43));
    const req = http.expectOne('/api/auth/oidc/exchange');
    expect(req.request.body).toEqual({ code: 'c'.repeat(43) });
    req.flush(tokens);
    await done;
    expect(auth.isSignedIn()).toBe(true);
  });

  it('turning TOTP off sends password and code in the DELETE body', async () => {
    const { signin, http } = setup();
    const done = signin.disableTotp('pw', '123456');
    const req = http.expectOne('/api/me/2fa/totp');
    expect(req.request.method).toBe('DELETE');
    expect(req.request.body).toEqual({ password: 'pw', code: '123456' });
    req.flush(null, { status: 204, statusText: 'No Content' });
    await done;
  });
});

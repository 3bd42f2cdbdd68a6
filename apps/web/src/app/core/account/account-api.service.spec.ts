import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AuthService } from '../auth/auth.service';
import { ACCOUNT_API, AccountApi } from './account-api.service';

describe('AccountApi', () => {
  let api: AccountApi;
  let http: HttpTestingController;
  let auth: AuthService;

  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])] });
    api = TestBed.inject(AccountApi);
    http = TestBed.inject(HttpTestingController);
    auth = TestBed.inject(AuthService);
  });

  afterEach(() => http.verify());

  it('keeps a changed profile with the session, without the email', async () => {
    auth.adopt(
      {
        user: { id: 'u1', username: 'alice', displayName: 'Alice', guest: false },
        accessToken: 'a',
        refreshToken: '',
        expiresIn: 900,
      },
      false,
    );
    const done = api.updateProfile({ displayName: '爱丽丝' });
    const req = http.expectOne(ACCOUNT_API.me);
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ displayName: '爱丽丝' });
    req.flush({
      id: 'u1',
      username: 'alice',
      displayName: '爱丽丝',
      guest: false,
      email: 'a@example.org',
      emailVerified: true,
      digest: true,
      language: 'zh',
    });
    const user = await done;
    expect(user.email).toBe('a@example.org');
    expect(auth.user()).toEqual({ id: 'u1', username: 'alice', displayName: '爱丽丝', guest: false });
  });

  it('the mail routes: verify, resend, forgot, digest and language', async () => {
    const verify = api.verifyEmail('tok');
    const v = http.expectOne(ACCOUNT_API.verifyEmail);
    expect([v.request.method, v.request.body]).toEqual(['POST', { token: 'tok' }]);
    v.flush({ email: 'a@example.org' });
    expect(await verify).toEqual({ email: 'a@example.org' });

    const resend = api.resendVerification();
    const r = http.expectOne(ACCOUNT_API.resendVerification);
    expect(r.request.method).toBe('POST');
    r.flush(null, { status: 204, statusText: 'No Content' });
    await resend;

    const forgot = api.forgotPassword('alice');
    const f = http.expectOne(ACCOUNT_API.forgot);
    expect(f.request.body).toEqual({ username: 'alice' });
    f.flush(null, { status: 202, statusText: 'Accepted' });
    await forgot;

    const digest = api.setDigest(true);
    const d = http.expectOne(ACCOUNT_API.me);
    expect([d.request.method, d.request.body]).toEqual(['PATCH', { digest: true }]);
    d.flush({ id: 'u1', digest: true });
    expect((await digest).digest).toBe(true);

    const lang = api.setMailLanguage('zh');
    const l = http.expectOne(ACCOUNT_API.me);
    expect(l.request.body).toEqual({ language: 'zh' });
    l.flush({ id: 'u1', language: 'zh' });
    await lang;
  });

  it('sends the avatar as multipart in the field "file", and the notification level by PUT', async () => {
    const up = api.uploadAvatar(new Blob(['x'], { type: 'image/png' }), 'me.png');
    const req = http.expectOne(ACCOUNT_API.avatar);
    expect(req.request.method).toBe('POST');
    expect((req.request.body as FormData).get('file')).toBeTruthy();
    req.flush({ id: 'u1', username: 'alice', displayName: 'A', guest: false, avatarUrl: '/api/avatars/x.webp' });
    expect((await up).avatarUrl).toBe('/api/avatars/x.webp');

    const level = api.setNotifications('lobby', 'none');
    const put = http.expectOne('/api/rooms/lobby/notifications');
    expect([put.request.method, put.request.body]).toEqual(['PUT', { level: 'none' }]);
    put.flush({ id: 'lobby', notifications: 'none' });
    expect((await level).notifications).toBe('none');
  });

  it('deleting the account sends the password and forgets the session here', async () => {
    auth.adopt(
      {
        user: { id: 'u1', username: 'a', displayName: 'A', guest: false },
        accessToken: 't',
        refreshToken: '',
        expiresIn: 900,
      },
      false,
    );
    const done = api.deleteAccount('secret');
    const req = http.expectOne(ACCOUNT_API.me);
    expect([req.request.method, req.request.body]).toEqual(['DELETE', { password: 'secret' }]);
    req.flush(null, { status: 204, statusText: 'No Content' });
    await done;
    expect(auth.isSignedIn()).toBe(false);
  });
});

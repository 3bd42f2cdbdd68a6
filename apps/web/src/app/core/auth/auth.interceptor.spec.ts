import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { authInterceptor } from './auth.interceptor';
import { AUTH_API, SESSION_STORAGE_KEY, type StoredSession } from './auth.service';

const user = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false, role: 'member' as const };
const flush = () => new Promise((r) => setTimeout(r, 0));
const unauthorized = { status: 401, statusText: 'Unauthorized' };

function setup(session: Partial<StoredSession> = {}) {
  const saved: StoredSession = {
    user,
    accessToken: 'old-access',
    refreshToken: 'refresh-1',
    expiresAt: Date.now() + 600_000,
    remember: false,
    ...session,
  };
  sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(saved));
  TestBed.configureTestingModule({
    providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting(), provideRouter([])],
  });
  return { http: TestBed.inject(HttpClient), ctrl: TestBed.inject(HttpTestingController) };
}

const fresh = { user, accessToken: 'new-access', refreshToken: 'refresh-2', expiresIn: 900 };

describe('authInterceptor', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it('adds the bearer token to API calls only', async () => {
    const { http, ctrl } = setup();
    const rooms = firstValueFrom(http.get('/api/rooms'));
    await flush();
    const req = ctrl.expectOne('/api/rooms');
    expect(req.request.headers.get('Authorization')).toBe('Bearer old-access');
    req.flush([]);
    await rooms;

    const asset = firstValueFrom(http.get('/favicon.svg', { responseType: 'text' }));
    await flush();
    const other = ctrl.expectOne('/favicon.svg');
    expect(other.request.headers.has('Authorization')).toBe(false);
    other.flush('');
    await asset;
  });

  it('refreshes on 401 and retries once with the new token', async () => {
    const { http, ctrl } = setup();
    const result = firstValueFrom(http.get<string[]>('/api/rooms'));
    await flush();
    ctrl.expectOne('/api/rooms').flush({ message: 'expired' }, unauthorized);
    await flush();
    const refresh = ctrl.expectOne(AUTH_API.refresh);
    expect(refresh.request.body).toEqual({ refreshToken: 'refresh-1' });
    expect(refresh.request.headers.has('Authorization')).toBe(false);
    refresh.flush(fresh);
    await flush();
    const retry = ctrl.expectOne('/api/rooms');
    expect(retry.request.headers.get('Authorization')).toBe('Bearer new-access');
    retry.flush(['ok']);
    expect(await result).toEqual(['ok']);
    ctrl.verify();
  });

  it('does not loop: a second 401 after the retry is returned to the caller', async () => {
    const { http, ctrl } = setup();
    const result = firstValueFrom(http.get('/api/rooms'));
    await flush();
    ctrl.expectOne('/api/rooms').flush({}, unauthorized);
    await flush();
    ctrl.expectOne(AUTH_API.refresh).flush(fresh);
    await flush();
    ctrl.expectOne('/api/rooms').flush({}, unauthorized);
    await expect(result).rejects.toMatchObject({ status: 401 });
    await flush();
    expect(ctrl.match(AUTH_API.refresh).length).toBe(0);
  });

  it('lets concurrent 401s share a single refresh', async () => {
    const { http, ctrl } = setup();
    const a = firstValueFrom(http.get('/api/rooms'));
    const b = firstValueFrom(http.get('/api/me'));
    await flush();
    ctrl.expectOne('/api/rooms').flush({}, unauthorized);
    ctrl.expectOne('/api/me').flush({}, unauthorized);
    await flush();
    const refreshes = ctrl.match(AUTH_API.refresh);
    expect(refreshes.length).toBe(1);
    refreshes[0].flush(fresh);
    await flush();
    const retries = [ctrl.expectOne('/api/rooms'), ctrl.expectOne('/api/me')];
    for (const r of retries) expect(r.request.headers.get('Authorization')).toBe('Bearer new-access');
    retries[0].flush([]);
    retries[1].flush(user);
    await Promise.all([a, b]);
  });

  it('refreshes before sending when the access token has expired', async () => {
    const { http, ctrl } = setup({ expiresAt: Date.now() - 1000 });
    const result = firstValueFrom(http.get('/api/me'));
    await flush();
    expect(ctrl.match('/api/me').length).toBe(0);
    ctrl.expectOne(AUTH_API.refresh).flush(fresh);
    await flush();
    const req = ctrl.expectOne('/api/me');
    expect(req.request.headers.get('Authorization')).toBe('Bearer new-access');
    req.flush(user);
    await result;
  });
});

import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AdminApiService } from './admin-api.service';

describe('AdminApiService', () => {
  let api: AdminApiService;
  let http: HttpTestingController;
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(AdminApiService);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('searches users with only the filters given', async () => {
    const page = api.users({ q: 'ali', role: undefined, status: 'deactivated', cursor: '' });
    const req = http.expectOne((r) => r.url === '/api/admin/users');
    expect(req.request.params.keys().sort()).toEqual(['q', 'status']);
    expect(req.request.params.get('status')).toBe('deactivated');
    req.flush({ users: [] });
    expect(await page).toEqual({ users: [] });
  });

  it('acts on one account at its encoded path with the contract bodies', async () => {
    const role = api.setRole('u/1', 'moderator');
    const r1 = http.expectOne('/api/admin/users/u%2F1');
    expect(r1.request.method).toBe('PATCH');
    expect(r1.request.body).toEqual({ role: 'moderator' });
    r1.flush({});
    await role;
    const off = api.deactivate('u1', 'spam');
    const r2 = http.expectOne('/api/admin/users/u1/deactivate');
    expect(r2.request.body).toEqual({ reason: 'spam' });
    r2.flush(null, { status: 204, statusText: 'No Content' });
    await off;
    const off2 = api.deactivate('u1');
    http.expectOne('/api/admin/users/u1/deactivate').flush(null);
    await off2;
    const on = api.reactivate('u1');
    http.expectOne('/api/admin/users/u1/reactivate').flush(null);
    await on;
    const link = api.resetLink('u1');
    const r3 = http.expectOne('/api/admin/users/u1/password-reset');
    expect(r3.request.method).toBe('POST');
    r3.flush({ resetUrl: 'http://x/reset#token=t', expiresAt: '2026-12-02T06:00:00Z' });
    expect((await link).resetUrl).toContain('#token=');
  });

  it('settings, invites, audit, stats and the reset', async () => {
    const s = api.updateSettings({ registration: 'invite' });
    const r1 = http.expectOne('/api/admin/settings');
    expect(r1.request.method).toBe('PATCH');
    expect(r1.request.body).toEqual({ registration: 'invite' });
    r1.flush({ registration: 'invite', guests: true });
    await s;
    const inv = api.createInvite({ maxUses: 3 });
    const r2 = http.expectOne('/api/admin/invites');
    expect(r2.request.body).toEqual({ maxUses: 3 });
    r2.flush({ token: 't', url: 'u' });
    await inv;
    const audit = api.audit({ actor: 'alice', action: 'user.role', cursor: 'c1' });
    const r3 = http.expectOne((r) => r.url === '/api/admin/audit');
    expect(r3.request.params.toString()).toBe('actor=alice&action=user.role&cursor=c1');
    r3.flush({ entries: [] });
    await audit;
    const stats = api.stats();
    http.expectOne('/api/admin/stats').flush({ users: 1 });
    await stats;
    const reset = api.resetPassword({ token: 't', password: 'correct-horse' });
    const r4 = http.expectOne('/api/auth/reset');
    expect(r4.request.body).toEqual({ token: 't', password: 'correct-horse' });
    r4.flush(null);
    await reset;
  });
});

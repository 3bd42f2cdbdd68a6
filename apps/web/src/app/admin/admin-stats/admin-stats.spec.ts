import { TestBed } from '@angular/core/testing';
import { AdminApiService } from '../../core/api/admin-api.service';
import { AdminStats } from './admin-stats';

describe('AdminStats', () => {
  it('shows each figure, "n/a" for the ones the server does not know, and refreshes', async () => {
    localStorage.setItem('hihi.lang', 'en');
    const api = {
      stats: vi.fn().mockResolvedValue({
        users: 1234,
        activeUsers7d: 5,
        deactivatedUsers: 1,
        rooms: null,
        messages: null,
        messagesToday: null,
        online: null,
      }),
    };
    TestBed.configureTestingModule({ providers: [{ provide: AdminApiService, useValue: api }] });
    const fixture = TestBed.createComponent(AdminStats);
    const el = fixture.nativeElement as HTMLElement;
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(el.querySelector('[data-testid="admin-stats"]')).toBeTruthy();
    });
    const figures = [...el.querySelectorAll('.stat')].map((s) => [
      s.querySelector('dt')?.textContent?.trim(),
      s.querySelector('dd')?.textContent?.trim(),
    ]);
    expect(figures[0]).toEqual(['Accounts', '1,234']);
    expect(figures).toContainEqual(['Rooms', 'n/a']);
    expect(figures).toHaveLength(7);
    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Refresh'))!.click();
    await vi.waitFor(() => expect(api.stats).toHaveBeenCalledTimes(2));
  });
});

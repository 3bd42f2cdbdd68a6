import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Report } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { QueuePage } from './queue-page';

const user = (id: string, name: string) => ({ id, username: id, displayName: name, guest: false });
const report = (id: string, status: Report['status'] = 'open'): Report => ({
  id,
  roomId: 'r1',
  roomName: 'tea',
  message: {
    id: `m-${id}`,
    roomId: 'r1',
    seq: 1,
    sender: { id: 'u2', username: 'bob', displayName: 'Bob', bot: false },
    text: 'rude',
    createdAt: '2026-12-02T05:00:00Z',
  },
  reportedText: '<b>rude</b>',
  reporter: user('u3', 'Carol'),
  reason: 'insults',
  status,
  createdAt: '2026-12-02T05:01:00Z',
  ...(status === 'resolved'
    ? { resolution: { action: 'dismiss' as const, by: user('u1', 'Alice'), at: '2026-12-02T05:02:00Z' } }
    : {}),
});

describe('QueuePage', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const api = {
      reports: vi.fn(async (q: { status?: string }) =>
        q.status === 'resolved'
          ? { reports: [report('x', 'resolved')], openCount: 1 }
          : { reports: [report('a'), report('b')], openCount: 2 },
      ),
      resolveReport: vi.fn(async () => report('a', 'resolved')),
    };
    TestBed.configureTestingModule({ providers: [provideRouter([]), { provide: ChatApiService, useValue: api }] });
    const fixture = TestBed.createComponent(QueuePage);
    const el = fixture.nativeElement as HTMLElement;
    const settle = async () => {
      await new Promise((r) => setTimeout(r));
      await fixture.whenStable();
    };
    await settle();
    const item = (id: string) => el.querySelector(`[data-report="${id}"]`) as HTMLElement;
    const click = (root: HTMLElement, text: string) =>
      [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text)!.click();
    return { fixture, el, api, settle, item, click };
  }

  it('lists the open reports with the reported text (as text), reason and reporter, and the count', async () => {
    const { el, api, item } = await render();
    expect(api.reports).toHaveBeenCalledWith({ status: 'open' });
    expect(el.querySelectorAll('[data-testid="reports"] li.row')).toHaveLength(2);
    expect(item('a').querySelector('blockquote')?.textContent).toContain('<b>rude</b>');
    expect(item('a').querySelector('b')).toBeNull();
    expect(item('a').textContent).toContain('insults');
    expect(item('a').textContent).toContain('reported by Carol');
    expect(el.querySelector('[data-testid="queue-count"]')?.textContent).toContain('2 open reports');
  });

  it('one click resolves: dismiss, delete, mute with the chosen duration, ban', async () => {
    const { api, item, click, settle } = await render();
    click(item('a'), 'Dismiss');
    await settle();
    expect(api.resolveReport).toHaveBeenLastCalledWith('a', { action: 'dismiss' });
    click(item('b'), 'Delete message');
    await settle();
    expect(api.resolveReport).toHaveBeenLastCalledWith('b', { action: 'delete' });
    const dur = item('b').querySelector('select') as HTMLSelectElement;
    dur.selectedIndex = 2; // 1 day
    dur.dispatchEvent(new Event('change'));
    click(item('b'), 'Mute author');
    await settle();
    expect(api.resolveReport).toHaveBeenLastCalledWith('b', { action: 'mute', durationSec: 86_400 });
    dur.selectedIndex = 3; // until lifted
    dur.dispatchEvent(new Event('change'));
    click(item('b'), 'Mute author');
    await settle();
    expect(api.resolveReport).toHaveBeenLastCalledWith('b', { action: 'mute' });
    click(item('b'), 'Ban author');
    await settle();
    expect(api.resolveReport).toHaveBeenLastCalledWith('b', { action: 'ban' });
  });

  it('shows resolved reports with how; a report resolved meanwhile (409) reloads the list', async () => {
    const { el, api, item, click, settle } = await render();
    click(el, 'Resolved');
    await settle();
    expect(api.reports).toHaveBeenLastCalledWith({ status: 'resolved' });
    expect(item('x').textContent).toContain('dismissed · Alice');
    expect(item('x').querySelectorAll('button')).toHaveLength(0);
    click(el, 'Open');
    await settle();
    api.resolveReport.mockRejectedValueOnce(
      new HttpErrorResponse({ status: 409, error: { message: 'resolved already' } }),
    );
    const calls = api.reports.mock.calls.length;
    click(item('a'), 'Dismiss');
    await settle();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('resolved already');
    expect(api.reports.mock.calls.length).toBe(calls + 1);
  });
});

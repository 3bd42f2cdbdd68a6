import { TestBed } from '@angular/core/testing';
import type { AuditEntry } from '@hihi/contracts';
import { AdminApiService } from '../../core/api/admin-api.service';
import { AdminAudit, detailsText, targetText } from './admin-audit';

const entry = (id: string, action: string): AuditEntry => ({
  id,
  at: '2026-12-02T05:00:00Z',
  actor: { id: 'a1', username: 'alice', role: 'owner' },
  action,
  target: { type: 'user', id: 'u2', label: 'bob' },
  reason: '<b>spam</b>',
  details: { from: 'member', to: 'moderator' },
});

describe('audit text', () => {
  it('target and details read as plain text', () => {
    expect(targetText({ type: 'settings' })).toBe('settings');
    expect(targetText({ type: 'user', id: 'u1' })).toBe('user u1');
    expect(targetText({ type: 'user', id: 'u1', label: 'bob' })).toBe('bob');
    expect(detailsText({ from: 'member', n: 3, o: { a: 1 } })).toBe('from: member · n: 3 · o: {"a":1}');
  });
});

describe('AdminAudit', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const api = { audit: vi.fn().mockResolvedValue({ entries: [entry('1', 'user.role')], nextCursor: 'c2' }) };
    TestBed.configureTestingModule({ providers: [{ provide: AdminApiService, useValue: api }] });
    const fixture = TestBed.createComponent(AdminAudit);
    const el = fixture.nativeElement as HTMLElement;
    const settle = async () => {
      await new Promise((r) => setTimeout(r));
      await fixture.whenStable();
    };
    await settle();
    return { fixture, el, api, settle };
  }

  it('lists entries (reasons as text), filters by actor and action, and pages on', async () => {
    const { el, api, settle } = await render();
    const list = el.querySelector('[data-testid="audit-entries"]') as HTMLElement;
    expect(list.querySelectorAll('li.row')).toHaveLength(1);
    expect(list.textContent).toContain('user.role');
    expect(list.textContent).toContain('@alice');
    expect(list.textContent).toContain('<b>spam</b>');
    expect(list.querySelector('b')).toBeNull();
    const actor = el.querySelector('#audit-actor') as HTMLInputElement;
    actor.value = 'alice';
    actor.dispatchEvent(new Event('input'));
    const action = el.querySelector('#audit-action') as HTMLInputElement;
    action.value = 'user.deactivate';
    action.dispatchEvent(new Event('input'));
    api.audit.mockResolvedValueOnce({ entries: [entry('2', 'user.deactivate')], nextCursor: 'c3' });
    (el.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
    await settle();
    expect(api.audit).toHaveBeenLastCalledWith({ actor: 'alice', action: 'user.deactivate', cursor: undefined });
    api.audit.mockResolvedValueOnce({ entries: [entry('3', 'user.deactivate')] });
    [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Load more'))!.click();
    await settle();
    expect(api.audit).toHaveBeenLastCalledWith({ actor: 'alice', action: 'user.deactivate', cursor: 'c3' });
    expect(el.querySelectorAll('[data-testid="audit-entries"] li.row')).toHaveLength(2);
  });
});

import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import type { BansPage } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { BanList } from './ban-list';

const eve = { id: 'u-eve', username: 'eve', displayName: '<b>Eve</b>', guest: false };

describe('BanList', () => {
  async function render(pages: BansPage[]) {
    localStorage.setItem('hihi.lang', 'en');
    const api = {
      bans: vi.fn(async () => pages.shift() ?? { bans: [] }),
      unban: vi.fn(async () => undefined),
    };
    TestBed.configureTestingModule({ providers: [{ provide: ChatApiService, useValue: api }] });
    const fixture = TestBed.createComponent(BanList);
    fixture.componentRef.setInput('roomId', 'r1');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const toggle = el.querySelector<HTMLButtonElement>('#bans-toggle')!;
    return { fixture, api, el, toggle };
  }

  it('loads only when opened, lists who was banned, when and why (as text), and pages on', async () => {
    const { fixture, api, el, toggle } = await render([
      { bans: [{ userId: eve.id, user: eve, bannedAt: '2026-12-01T10:00:00.000Z', reason: 'spam' }], nextCursor: 'c1' },
      { bans: [{ userId: 'u-gone', bannedAt: '2026-11-30T10:00:00.000Z' }] },
    ]);
    expect(api.bans).not.toHaveBeenCalled();
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await fixture.whenStable();
    expect(api.bans).toHaveBeenCalledWith('r1', {});
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const rows = () => [...el.querySelectorAll('.ban')];
    expect(rows()).toHaveLength(1);
    expect(rows()[0].querySelector('.ban__name')?.textContent).toBe('<b>Eve</b>');
    expect(rows()[0].querySelector('b')).toBeNull();
    expect(rows()[0].textContent).toContain('spam');
    expect(rows()[0].querySelector('time')?.getAttribute('datetime')).toBe('2026-12-01T10:00:00.000Z');
    const more = [...el.querySelectorAll('button')].find((b) => b.textContent?.includes('Show more'))!;
    more.click();
    await fixture.whenStable();
    expect(api.bans).toHaveBeenLastCalledWith('r1', { cursor: 'c1' });
    expect(rows()).toHaveLength(2);
    expect(rows()[1].querySelector('.ban__name')?.textContent).toBe('(unknown user)');
  });

  it('unbans: the row goes and the outcome is announced', async () => {
    const { fixture, api, el, toggle } = await render([
      { bans: [{ userId: eve.id, user: eve, bannedAt: '2026-12-01T10:00:00.000Z' }] },
    ]);
    toggle.click();
    await fixture.whenStable();
    const unban = el.querySelector<HTMLButtonElement>('.ban button')!;
    expect(unban.getAttribute('aria-label')).toBe('Unban <b>Eve</b>');
    unban.click();
    await fixture.whenStable();
    expect(api.unban).toHaveBeenCalledWith('r1', eve.id);
    expect(el.querySelectorAll('.ban')).toHaveLength(0);
    expect(el.querySelector('[aria-live] .done')?.textContent).toContain('no longer banned');
    expect(el.querySelector('.bans__none')?.textContent).toContain('Nobody');
  });

  it('says why it could not load', async () => {
    const { fixture, api, el, toggle } = await render([]);
    api.bans.mockRejectedValueOnce(new HttpErrorResponse({ status: 403 }));
    toggle.click();
    await fixture.whenStable();
    expect(el.querySelector('[role="alert"]')?.textContent?.length).toBeGreaterThan(0);
    expect(el.querySelector('.bans__none')).toBeNull();
  });
});

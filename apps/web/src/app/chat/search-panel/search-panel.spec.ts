import { TestBed } from '@angular/core/testing';
import type { SearchReply } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { excerptParts, SearchJump, SearchPanel } from './search-panel';

function reply(texts: string[], nextCursor?: string): SearchReply {
  return {
    results: texts.map((text, i) => ({
      roomId: 'lobby',
      roomName: 'lobby',
      message: {
        id: `m${text}${i}`,
        roomId: 'lobby',
        seq: 10 + i,
        sender: { id: 'u1', username: 'alice', displayName: 'Alice', bot: false },
        text,
        createdAt: '2026-11-26T10:00:00.000Z',
      },
      excerpt: text,
      highlights: [[0, 2]],
    })),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

describe('excerptParts', () => {
  it('splits an excerpt into text and matches, ignoring bad ranges', () => {
    expect(excerptParts('小黄鸭你好', [[1, 3]])).toEqual([
      { text: '小', match: false },
      { text: '黄鸭', match: true },
      { text: '你好', match: false },
    ]);
    // out of range, overlapping or out of order: ignored
    expect(
      excerptParts('abc', [
        [1, 2],
        [0, 1],
        [2, 9],
      ]),
    ).toEqual([
      { text: 'a', match: false },
      { text: 'b', match: true },
      { text: 'c', match: false },
    ]);
    expect(excerptParts('abc')).toEqual([{ text: 'abc', match: false }]);
  });
});

describe('SearchPanel', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const api = { search: vi.fn() };
    TestBed.configureTestingModule({ providers: [{ provide: ChatApiService, useValue: api }] });
    const fixture = TestBed.createComponent(SearchPanel);
    await fixture.whenStable();
    return { fixture, api, el: fixture.nativeElement as HTMLElement };
  }

  async function search(fixture: { whenStable(): Promise<unknown> }, el: HTMLElement, q: string) {
    const input = el.querySelector('input') as HTMLInputElement;
    input.value = q;
    input.dispatchEvent(new Event('input'));
    el.querySelector('form')!.dispatchEvent(new Event('submit'));
    await fixture.whenStable();
  }

  it('shows results with room, sender and the matches marked, as text', async () => {
    const { fixture, api, el } = await render();
    api.search.mockResolvedValue(reply(['<b>hi</b> there']));
    await search(fixture, el, ' <b>hi ');
    expect(api.search).toHaveBeenCalledWith({ q: '<b>hi' });
    const hit = el.querySelector('.search__hit')!;
    expect(hit.querySelector('.search__room')!.textContent).toContain('lobby');
    expect(hit.querySelector('.search__sender')!.textContent).toContain('Alice');
    expect(hit.querySelector('.search__mark')!.textContent).toBe('<b');
    expect(hit.querySelector('b')).toBeNull();
    expect(hit.querySelector('.search__excerpt')!.textContent!.replace(/\s+/g, '')).toBe('<b>hi</b>there');
  });

  it('jumps to a result, pages with more, and says when nothing is found', async () => {
    const { fixture, api, el } = await render();
    api.search.mockResolvedValueOnce(reply(['one'], 'c1')).mockResolvedValueOnce(reply(['two']));
    const jumps: SearchJump[] = [];
    fixture.componentInstance.jump.subscribe((j) => jumps.push(j));
    await search(fixture, el, 'o');
    (el.querySelector('.search__hit') as HTMLButtonElement).click();
    expect(jumps).toEqual([{ roomId: 'lobby', seq: 10 }]);
    (el.querySelector('.search__results > .btn') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(api.search).toHaveBeenLastCalledWith({ q: 'o', cursor: 'c1' });
    expect(el.querySelectorAll('.search__hit')).toHaveLength(2);
    expect(el.querySelector('.search__results > .btn')).toBeNull();

    api.search.mockResolvedValueOnce(reply([]));
    await search(fixture, el, 'zzz');
    expect(el.querySelector('.search__note')!.textContent).toContain('No messages found');
  });

  it('explains a failure and clears', async () => {
    const { fixture, api, el } = await render();
    api.search.mockRejectedValue(new Error('503'));
    await search(fixture, el, 'x');
    expect(el.querySelector('[role="alert"]')!.textContent).toContain('Search failed');
    (el.querySelector('.search__clear') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(el.querySelector('[role="alert"]')).toBeNull();
    expect((el.querySelector('input') as HTMLInputElement).value).toBe('');
  });
});

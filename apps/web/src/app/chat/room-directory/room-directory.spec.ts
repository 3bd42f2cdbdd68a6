import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import type { DirectoryRoom } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { ChatStore } from '../chat-store.service';
import { DIRECTORY_DEBOUNCE_MS, RoomDirectory } from './room-directory';

const room = (id: string, extra: Partial<DirectoryRoom> = {}): DirectoryRoom => ({
  id,
  name: id,
  kind: 'public',
  memberCount: 3,
  joined: false,
  ...extra,
});

describe('RoomDirectory', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const api = { directory: vi.fn() };
    const store = { joinPublic: vi.fn() };
    api.directory.mockResolvedValueOnce({
      rooms: [room('tea', { topic: '<b>oolong</b>', memberCount: 12 }), room('cats', { joined: true })],
      nextCursor: 'c2',
    });
    TestBed.configureTestingModule({
      providers: [
        { provide: ChatApiService, useValue: api },
        { provide: ChatStore, useValue: store },
      ],
    });
    const fixture = TestBed.createComponent(RoomDirectory);
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    return { fixture, api, store, el: fixture.nativeElement as HTMLElement };
  }
  const names = (el: HTMLElement) => [...el.querySelectorAll('.item__name')].map((n) => n.textContent);

  it('lists public rooms with topic (as text) and member count, and pages on', async () => {
    const { fixture, api, el } = await render();
    expect(api.directory).toHaveBeenCalledWith({ limit: 20 });
    expect(names(el)).toEqual(['tea', 'cats']);
    expect(el.querySelector('.item__topic')?.textContent).toBe('<b>oolong</b>');
    expect(el.querySelector('.item__topic b')).toBeNull();
    expect(el.querySelector('.item__count')?.textContent).toContain('12');
    expect([...el.querySelectorAll('.item button')].map((b) => b.textContent?.trim())).toEqual(['Join', 'Open']);
    api.directory.mockResolvedValueOnce({ rooms: [room('cats', { joined: true }), room('dogs')] });
    (el.querySelector(':scope > button') as HTMLButtonElement).click();
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    expect(api.directory).toHaveBeenLastCalledWith({ cursor: 'c2', limit: 20 });
    expect(names(el)).toEqual(['tea', 'cats', 'dogs']);
    expect(el.querySelector(':scope > button')).toBeNull();
  });

  it('searches by name after typing stops, dropping answers of older searches', async () => {
    const { fixture, api, el } = await render();
    const wait = () => new Promise((r) => setTimeout(r, DIRECTORY_DEBOUNCE_MS + 50));
    const input = el.querySelector('input') as HTMLInputElement;
    let release: (v: unknown) => void = () => undefined;
    api.directory.mockImplementationOnce(() => new Promise((r) => (release = r)));
    api.directory.mockResolvedValueOnce({ rooms: [room('teahouse')] });
    input.value = 't';
    input.dispatchEvent(new Event('input'));
    input.value = 'te';
    input.dispatchEvent(new Event('input'));
    await wait();
    expect(api.directory).toHaveBeenCalledTimes(2); // one search for both keystrokes
    input.value = 'tea';
    input.dispatchEvent(new Event('input'));
    await wait();
    release({ rooms: [room('telescope')] }); // the slower, older answer
    await new Promise((r) => setTimeout(r, 0));
    await fixture.whenStable();
    expect(api.directory).toHaveBeenLastCalledWith({ q: 'tea', limit: 20 });
    expect(names(el)).toEqual(['teahouse']);
  });

  it('joins a room and says so; explains a refusal', async () => {
    const { fixture, store, el } = await render();
    const opened: string[] = [];
    fixture.componentInstance.opened.subscribe((id) => opened.push(id));
    store.joinPublic.mockResolvedValueOnce({ id: 'tea' });
    (el.querySelector('.item button') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(store.joinPublic).toHaveBeenCalledWith('tea');
    expect(opened).toEqual(['tea']);
    expect(el.querySelector('.item button')?.textContent?.trim()).toBe('Open');
    store.joinPublic.mockRejectedValueOnce(new HttpErrorResponse({ status: 403 }));
    (el.querySelectorAll('.item button')[1] as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('may not join');
  });
});

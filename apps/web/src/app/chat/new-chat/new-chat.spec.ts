import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { ChatStore } from '../chat-store.service';
import { NewChat } from './new-chat';

describe('NewChat', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const store = { createRoom: vi.fn(), openDm: vi.fn() };
    TestBed.configureTestingModule({ providers: [{ provide: ChatStore, useValue: store }] });
    const fixture = TestBed.createComponent(NewChat);
    await fixture.whenStable();
    return { fixture, store, el: fixture.nativeElement as HTMLElement };
  }

  async function fill(fixture: { whenStable(): Promise<unknown> }, el: HTMLElement, value: string) {
    const input = el.querySelector('input') as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    (el.querySelector('form button') as HTMLButtonElement).click();
    await fixture.whenStable();
  }

  it('creates a room', async () => {
    const { fixture, store, el } = await render();
    store.createRoom.mockResolvedValue({ id: 'r9' });
    const opened: string[] = [];
    fixture.componentInstance.opened.subscribe((id) => opened.push(id));
    (el.querySelectorAll('.actions button')[0] as HTMLButtonElement).click();
    await fixture.whenStable();
    await fill(fixture, el, ' Tea ');
    expect(store.createRoom).toHaveBeenCalledWith('Tea');
    expect(opened).toEqual(['r9']);
  });

  it('explains an unknown DM user', async () => {
    const { fixture, store, el } = await render();
    store.openDm.mockRejectedValue(new HttpErrorResponse({ status: 404 }));
    (el.querySelectorAll('.actions button')[1] as HTMLButtonElement).click();
    await fixture.whenStable();
    await fill(fixture, el, 'nobody');
    await fixture.whenStable();
    expect(store.openDm).toHaveBeenCalledWith('nobody');
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('No such user');
  });
});

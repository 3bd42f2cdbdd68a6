import { HttpErrorResponse } from '@angular/common/http';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { ChatStore } from '../chat-store.service';
import { PeopleStore } from '../state/people.store';
import { NewChat } from './new-chat';

const people = [
  { id: 'u2', username: 'bob', displayName: 'Bob' },
  { id: 'u3', username: 'bella', displayName: 'Bella' },
  { id: 'u4', username: 'carol', displayName: 'Carol' },
];

describe('NewChat', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const store = {
      createRoom: vi.fn(),
      openDm: vi.fn(),
      openGroup: vi.fn(),
      me: signal({ id: 'u1', username: 'alice', displayName: 'Alice', guest: false }),
    };
    const peopleStore = {
      warm: vi.fn(async () => undefined),
      suggest: (text: string, exclude: readonly string[] = []) =>
        people.filter((p) => p.username.startsWith(text.toLowerCase()) && !exclude.includes(p.username)),
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: ChatStore, useValue: store },
        { provide: PeopleStore, useValue: peopleStore },
      ],
    });
    const fixture = TestBed.createComponent(NewChat);
    await fixture.whenStable();
    return { fixture, store, el: fixture.nativeElement as HTMLElement };
  }

  const tab = async (fixture: { whenStable(): Promise<unknown> }, el: HTMLElement, index: number) => {
    (el.querySelectorAll('.actions button')[index] as HTMLButtonElement).click();
    await fixture.whenStable();
  };
  async function type(fixture: { whenStable(): Promise<unknown> }, input: HTMLInputElement, value: string) {
    input.value = value;
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
  }
  const key = (input: HTMLElement, k: string) =>
    input.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));

  it('creates a private room with a topic', async () => {
    const { fixture, store, el } = await render();
    store.createRoom.mockResolvedValue({ id: 'r9' });
    const opened: string[] = [];
    fixture.componentInstance.opened.subscribe((id) => opened.push(id));
    await tab(fixture, el, 0);
    await type(fixture, el.querySelector('#new-chat-input') as HTMLInputElement, ' Tea ');
    (el.querySelector('input[value="private"]') as HTMLInputElement).click();
    await type(fixture, el.querySelector('#new-chat-topic') as HTMLInputElement, ' oolong only ');
    (el.querySelector('form button[type="submit"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(store.createRoom).toHaveBeenCalledWith('Tea', { kind: 'private', topic: 'oolong only' });
    expect(opened).toEqual(['r9']);
  });

  it('puts the focus in the field when the form opens, and back on its button after Escape', async () => {
    const { fixture, el } = await render();
    document.body.appendChild(el);
    try {
      const dm = el.querySelector<HTMLButtonElement>('.actions .new-chat__dm')!;
      dm.focus();
      dm.click();
      await fixture.whenStable();
      const input = el.querySelector<HTMLInputElement>('#new-chat-input')!;
      expect(document.activeElement).toBe(input);
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
      await fixture.whenStable();
      expect(el.querySelector('form')).toBeNull();
      expect(document.activeElement).toBe(dm);
    } finally {
      el.remove();
    }
  });

  it('explains an unknown DM user', async () => {
    const { fixture, store, el } = await render();
    store.openDm.mockRejectedValue(new HttpErrorResponse({ status: 404 }));
    await tab(fixture, el, 2);
    await type(fixture, el.querySelector('#new-chat-input') as HTMLInputElement, '@nobody');
    (el.querySelector('form button[type="submit"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    await fixture.whenStable();
    expect(store.openDm).toHaveBeenCalledWith('nobody');
    expect(el.querySelector('[role="alert"]')?.textContent).toContain('No such user');
  });

  it('picks 2–8 people for a group with the keyboard and opens it', async () => {
    const { fixture, store, el } = await render();
    store.openGroup.mockResolvedValue({ id: 'g1' });
    await tab(fixture, el, 3);
    const input = el.querySelector('#new-chat-input') as HTMLInputElement;
    const create = () => el.querySelector('form > button.btn--primary') as HTMLButtonElement;
    expect(input.getAttribute('role')).toBe('combobox');
    await type(fixture, input, 'b');
    expect([...el.querySelectorAll('[role="option"] .combo__user')].map((o) => o.textContent)).toEqual([
      '@bob',
      '@bella',
    ]);
    key(input, 'ArrowDown');
    await fixture.whenStable();
    expect(input.getAttribute('aria-activedescendant')).toBe('new-chat-input-opt-1');
    key(input, 'Enter');
    await fixture.whenStable();
    expect([...el.querySelectorAll('.chip bdi')].map((c) => c.textContent)).toEqual(['@bella']);
    expect(create().disabled).toBe(true); // one other person is a DM, not a group
    await type(fixture, input, 'b');
    expect(el.querySelectorAll('[role="option"]')).toHaveLength(1); // bella is picked already
    await type(fixture, input, 'carol');
    (el.querySelector('form .row button[type="submit"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(create().disabled).toBe(false);
    expect(create().textContent).toContain('3');
    create().click();
    await fixture.whenStable();
    expect(store.openGroup).toHaveBeenCalledWith(['bella', 'carol']);
  });

  it('asks for the directory', async () => {
    const { fixture, el } = await render();
    let asked = 0;
    fixture.componentInstance.browse.subscribe(() => asked++);
    await tab(fixture, el, 1);
    expect(asked).toBe(1);
  });
});

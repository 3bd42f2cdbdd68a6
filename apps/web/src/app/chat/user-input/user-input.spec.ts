import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { type Person, PeopleStore } from '../state/people.store';
import { UserInput } from './user-input';

const everyone: Person[] = [
  { id: 'u2', username: 'bob', displayName: '<i>Bob</i>' },
  { id: 'u3', username: 'bella', displayName: 'Bella' },
];

@Component({
  imports: [UserInput],
  template: `<hihi-user-input
    inputId="who"
    [exclude]="exclude()"
    [(value)]="value"
    (picked)="picked.push($event.username)"
  />`,
})
class Host {
  readonly value = signal('');
  readonly exclude = signal<string[]>([]);
  readonly picked: string[] = [];
}

describe('UserInput', () => {
  async function render() {
    const people = {
      warm: vi.fn(async () => undefined),
      suggest: vi.fn((text: string, exclude: readonly string[] = []) =>
        everyone.filter((p) => p.username.startsWith(text) && !exclude.includes(p.username)),
      ),
    };
    TestBed.configureTestingModule({ providers: [{ provide: PeopleStore, useValue: people }] });
    const fixture = TestBed.createComponent(Host);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const input = el.querySelector('input') as HTMLInputElement;
    const type = async (v: string) => {
      input.value = v;
      input.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    const key = async (k: string) => {
      input.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
      await fixture.whenStable();
    };
    return { fixture, el, input, type, key, people };
  }

  it('suggests as one types (names as text), chooses with the arrows and takes with Enter', async () => {
    const { fixture, el, input, type, key, people } = await render();
    await type('b');
    expect(people.warm).toHaveBeenCalled();
    expect(input.getAttribute('aria-expanded')).toBe('true');
    expect(el.querySelectorAll('[role="option"]')).toHaveLength(2);
    expect(el.querySelector('.combo__name i')).toBeNull();
    await key('ArrowUp'); // wraps to the last
    expect(input.getAttribute('aria-activedescendant')).toBe('who-opt-1');
    await key('Enter');
    expect(fixture.componentInstance.picked).toEqual(['bella']);
    expect(fixture.componentInstance.value()).toBe('bella');
    expect(input.getAttribute('aria-expanded')).toBe('false');
  });

  it('closes with Escape and leaves Enter to the form when nothing is suggested', async () => {
    const { fixture, el, input, type, key } = await render();
    await type('b');
    await key('Escape');
    expect(el.querySelector('[role="listbox"]')?.hasAttribute('hidden')).toBe(true);
    await type('zz');
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    input.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(false);
    expect(fixture.componentInstance.value()).toBe('zz');
  });

  it('leaves out the excluded usernames', async () => {
    const { fixture, el, type } = await render();
    fixture.componentInstance.exclude.set(['bob']);
    await type('b');
    expect([...el.querySelectorAll('.combo__user')].map((u) => u.textContent)).toEqual(['@bella']);
  });
});

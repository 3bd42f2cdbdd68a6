import { gridTarget, refocus, tabbables, trapTab } from './focus';

type Spec = [tag: string, attrs?: Record<string, string>, children?: Spec[]];

/** Builds a fixture in the document from [tag, attributes, children] (no markup parsing). */
function dom(...specs: Spec[]): HTMLElement {
  const make = ([tag, attrs = {}, children = []]: Spec): HTMLElement => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    el.append(...children.map(make));
    return el;
  };
  const box = document.createElement('div');
  box.append(...specs.map(make));
  document.body.appendChild(box);
  return box;
}

describe('focus helpers', () => {
  afterEach(() => document.body.replaceChildren());

  it('lists what Tab reaches: not disabled, hidden, inert, aria-hidden or tabindex -1', () => {
    const box = dom(
      ['button', { id: 'a' }],
      ['button', { id: 'b', disabled: '' }],
      ['input', { id: 'c', type: 'hidden' }],
      ['a', { id: 'd', href: '#x' }],
      ['span', { id: 'e', tabindex: '0' }],
      ['span', { id: 'f', tabindex: '-1' }],
      ['div', { inert: '' }, [['button', { id: 'g' }]]],
      ['button', { id: 'h', hidden: '' }],
      ['button', { id: 'i', 'aria-hidden': 'true' }],
      ['textarea', { id: 'j' }],
    );
    expect(tabbables(box).map((el) => el.id)).toEqual(['a', 'd', 'e', 'j']);
  });

  it('keeps Tab inside a dialog: last → first, first ← last, and pulls a focus from outside in', () => {
    const outside = dom(['button', { id: 'out' }]);
    const dialog = dom(['button', { id: 'one' }], ['button', { id: 'two' }], ['button', { id: 'three' }]);
    const tab = (shiftKey = false) => {
      const event = new KeyboardEvent('keydown', { key: 'Tab', shiftKey, cancelable: true });
      const moved = trapTab(event, dialog);
      return { moved, prevented: event.defaultPrevented, at: document.activeElement?.id };
    };
    dialog.querySelector<HTMLElement>('#three')!.focus();
    expect(tab()).toEqual({ moved: true, prevented: true, at: 'one' });
    expect(tab(true)).toEqual({ moved: true, prevented: true, at: 'three' });
    // in the middle the browser's own Tab is left alone
    dialog.querySelector<HTMLElement>('#two')!.focus();
    expect(tab()).toEqual({ moved: false, prevented: false, at: 'two' });
    outside.querySelector<HTMLElement>('#out')!.focus();
    expect(tab()).toEqual({ moved: true, prevented: true, at: 'one' });
    // other keys are not its business
    expect(trapTab(new KeyboardEvent('keydown', { key: 'Enter' }), dialog)).toBe(false);
  });

  it('a dialog with nothing to focus swallows Tab', () => {
    const dialog = dom(['p']);
    const event = new KeyboardEvent('keydown', { key: 'Tab', cancelable: true });
    expect(trapTab(event, dialog)).toBe(true);
    expect(event.defaultPrevented).toBe(true);
  });

  it('moves in a grid with arrows, Home and End, clamped at the edges', () => {
    // 24 cells, 8 wide
    expect(gridTarget('ArrowRight', 0, 24, 8)).toBe(1);
    expect(gridTarget('ArrowLeft', 0, 24, 8)).toBe(0);
    expect(gridTarget('ArrowDown', 3, 24, 8)).toBe(11);
    expect(gridTarget('ArrowDown', 20, 24, 8)).toBe(23);
    expect(gridTarget('ArrowUp', 3, 24, 8)).toBe(0);
    expect(gridTarget('ArrowUp', 11, 24, 8)).toBe(3);
    expect(gridTarget('Home', 17, 24, 8)).toBe(0);
    expect(gridTarget('End', 2, 24, 8)).toBe(23);
    expect(gridTarget('Enter', 2, 24, 8)).toBeNull();
    expect(gridTarget('ArrowRight', 0, 0, 8)).toBeNull();
  });

  it('refocuses an element only while it is in the document', () => {
    const box = dom(['button', { id: 'a' }]);
    const button = box.querySelector<HTMLElement>('#a')!;
    expect(refocus(button)).toBe(true);
    expect(document.activeElement).toBe(button);
    button.remove();
    expect(refocus(button)).toBe(false);
    expect(refocus(null)).toBe(false);
  });
});

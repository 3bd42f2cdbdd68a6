import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { LIMITS } from '@hihi/contracts';
import { I18nService } from '../../core/i18n/i18n.service';
import type { Member } from '../chat-store.service';
import { Composer, matchMembers } from './composer';

describe('Composer', () => {
  let fixture: ComponentFixture<Composer>;
  let box: HTMLTextAreaElement;
  let sent: string[];
  let typing: boolean[];

  beforeEach(async () => {
    localStorage.setItem('hihi.lang', 'zh');
    fixture = TestBed.createComponent(Composer);
    sent = [];
    typing = [];
    fixture.componentInstance.send.subscribe((t) => sent.push(t));
    fixture.componentInstance.typing.subscribe((t) => typing.push(t));
    await fixture.whenStable();
    box = fixture.nativeElement.querySelector('textarea');
  });

  function type(text: string) {
    box.value = text;
    box.dispatchEvent(new Event('input'));
  }
  function key(init: KeyboardEventInit) {
    const event = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init });
    box.dispatchEvent(event);
    return event;
  }

  it('shows the 说点啥吧... placeholder and a label', () => {
    expect(box.placeholder).toBe('说点啥吧...');
    expect(fixture.nativeElement.querySelector(`label[for="${box.id}"]`)).toBeTruthy();
  });

  it('sends the trimmed text on Enter and clears the box', async () => {
    type('  hello duck  ');
    const event = key({});
    expect(event.defaultPrevented).toBe(true);
    expect(sent).toEqual(['hello duck']);
    await fixture.whenStable();
    expect(box.value).toBe('');
  });

  it('keeps Shift+Enter for a new line', () => {
    type('line one');
    const event = key({ shiftKey: true });
    expect(event.defaultPrevented).toBe(false);
    expect(sent).toEqual([]);
  });

  it('does not send while an IME is composing', () => {
    type('nihao');
    key({ isComposing: true });
    expect(sent).toEqual([]);
  });

  it('does not send blank text', () => {
    type('   \n  ');
    key({});
    expect(sent).toEqual([]);
  });

  it('counts characters against the 4000 limit and blocks longer text', async () => {
    type('你好');
    await fixture.whenStable();
    const counter: HTMLElement = fixture.nativeElement.querySelector('.composer__count');
    expect(counter.textContent?.replace(/\s+/g, '')).toBe(`2/${LIMITS.messageMax}`);

    type('x'.repeat(LIMITS.messageMax + 1));
    await fixture.whenStable();
    key({});
    expect(sent).toEqual([]);
    const button: HTMLButtonElement = fixture.nativeElement.querySelector('.composer__send');
    expect(button.disabled).toBe(true);
    expect(fixture.nativeElement.querySelector('[role="alert"]')).toBeTruthy();
  });

  it('reports typing and stops when the message is sent', () => {
    type('h');
    expect(typing).toEqual([true]);
    key({});
    expect(typing).toEqual([true, false]);
  });

  it('inserts a quick-pick emoji at the caret', async () => {
    type('hi');
    box.setSelectionRange(2, 2);
    (fixture.nativeElement.querySelector('.composer__tools button') as HTMLButtonElement).click();
    await fixture.whenStable();
    const emoji = fixture.nativeElement.querySelector('.emoji') as HTMLButtonElement;
    emoji.click();
    await fixture.whenStable();
    expect(box.value).toBe(`hi${emoji.textContent?.trim()}`);
    expect(fixture.nativeElement.querySelector('.emoji')).toBeNull();
  });

  it('follows the language toggle', async () => {
    TestBed.inject(I18nService).setLang('en');
    await fixture.whenStable();
    expect(box.placeholder).toBe('Say something...');
  });

  describe('mentions', () => {
    const members: Member[] = [
      { id: 'u2', username: 'bob', displayName: 'Bob', bot: false, online: true },
      { id: 'u3', username: 'bella', displayName: '贝拉', bot: false, online: false },
      { id: 'bot:duck', username: 'duck', displayName: '小黄鸭', bot: true, online: true },
    ];
    const options = () =>
      Array.from(fixture.nativeElement.querySelectorAll('[role="option"]') as NodeListOf<HTMLElement>);

    beforeEach(async () => {
      fixture.componentRef.setInput('members', members);
      await fixture.whenStable();
    });

    it('opens on @, narrows as you type, and inserts with Enter', async () => {
      type('hi @');
      await fixture.whenStable();
      expect(options().map((o) => o.textContent)).toEqual([
        expect.stringContaining('@bob'),
        expect.stringContaining('@bella'),
        expect.stringContaining('@duck'),
      ]);
      expect(box.getAttribute('aria-expanded')).toBe('true');
      type('hi @be');
      await fixture.whenStable();
      expect(options()).toHaveLength(1);
      const event = key({ key: 'Enter' });
      expect(event.defaultPrevented).toBe(true);
      expect(sent).toEqual([]); // Enter picked, did not send
      expect(box.value).toBe('hi @bella ');
      await fixture.whenStable();
      expect(options()).toHaveLength(0);
    });

    it('moves with the arrows, inserts with Tab, closes with Esc', async () => {
      type('@');
      await fixture.whenStable();
      key({ key: 'ArrowDown' });
      key({ key: 'ArrowDown' });
      key({ key: 'ArrowUp' });
      await fixture.whenStable();
      expect(box.getAttribute('aria-activedescendant')).toBe('mention-opt-1');
      key({ key: 'Tab' });
      expect(box.value).toBe('@bella ');

      type('@小');
      await fixture.whenStable();
      expect(options()).toHaveLength(1); // by display name
      key({ key: 'Escape' });
      await fixture.whenStable();
      expect(options()).toHaveLength(0);
      expect(box.value).toBe('@小');
    });

    it('sends with Enter when the name is already typed out in full', async () => {
      type('hi @duck');
      await fixture.whenStable();
      expect(options()).toHaveLength(1);
      key({ key: 'Enter' });
      expect(sent).toEqual(['hi @duck']);
    });

    it('inserts the one tapped or clicked', async () => {
      type('hello @d');
      await fixture.whenStable();
      options()[0].click();
      expect(box.value).toBe('hello @duck ');
    });

    it('does not open inside an email address', async () => {
      type('mail me at me@');
      await fixture.whenStable();
      expect(options()).toHaveLength(0);
    });

    it('matches username and display-name prefixes first', () => {
      expect(matchMembers(members, 'b').map((m) => m.username)).toEqual(['bob', 'bella']);
      expect(matchMembers(members, 'uc').map((m) => m.username)).toEqual(['duck']);
    });
  });

  describe('reply', () => {
    it('shows what is replied to and cancels with the button or Esc', async () => {
      const cancelled: number[] = [];
      fixture.componentInstance.cancelReply.subscribe(() => cancelled.push(1));
      fixture.componentRef.setInput('replyTo', { name: '小明', text: '**bold** words' });
      await fixture.whenStable();
      const reply: HTMLElement = fixture.nativeElement.querySelector('.reply');
      expect(reply.textContent).toContain('小明');
      expect(reply.querySelector('.reply__excerpt')?.textContent).toBe('bold words');
      (reply.querySelector('button') as HTMLButtonElement).click();
      key({ key: 'Escape' });
      expect(cancelled).toHaveLength(2);
    });
  });
});

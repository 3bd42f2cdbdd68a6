import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { DUCK, type Message } from '@hihi/contracts';
import { UploadService } from '../../core/api/upload.service';
import type { OutboxItem } from '../outbox.service';
import { MessageList, arrivals, buildItems } from './message-list';

const me = { id: 'u1', username: 'alice', displayName: 'Alice' };
const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 10, min)).toISOString();
const msg = (seq: number, sender: Message['sender'], text: string, min = seq): Message => ({
  id: `m${seq}`,
  roomId: 'lobby',
  seq,
  sender,
  text,
  createdAt: at(min),
});
const alice = { id: 'u1', username: 'alice', displayName: 'Alice', bot: false };
const bob = { id: 'u2', username: 'bob', displayName: '小明', bot: false };
const duck = { id: 'duck', username: 'duck', displayName: '小黄鸭', bot: true };

describe('buildItems', () => {
  it('groups consecutive messages of one sender and puts the outbox last', () => {
    const pending: OutboxItem[] = [
      { clientMsgId: 'c1', roomId: 'lobby', text: 'queued', status: 'failed', createdAt: at(4) },
    ];
    const items = buildItems([msg(1, bob, 'a'), msg(2, bob, 'b'), msg(3, alice, 'c')], pending, me, () => 'day');
    expect(items.map((i) => [i.text, i.mine, i.continued, i.status])).toEqual([
      ['a', false, false, 'sent'],
      ['b', false, true, 'sent'],
      ['c', true, false, 'sent'],
      ['queued', true, true, 'failed'],
    ]);
    expect(items[0].day).toBe('day');
    expect(items[1].day).toBeNull();
  });
});

describe('MessageList', () => {
  let fixture: ComponentFixture<MessageList>;

  beforeEach(async () => {
    localStorage.setItem('hihi.lang', 'zh');
    TestBed.configureTestingModule({
      providers: [{ provide: UploadService, useValue: { blob: () => new Promise(() => {}) } }],
    });
    fixture = TestBed.createComponent(MessageList);
    fixture.componentRef.setInput('roomId', 'lobby');
    fixture.componentRef.setInput('me', me);
    fixture.componentRef.setInput('messages', [
      msg(1, bob, '<img src=x onerror=alert(1)> hi'),
      msg(2, duck, 'quack'),
      msg(3, alice, 'mine'),
    ]);
    fixture.componentRef.setInput('pending', [
      { clientMsgId: 'c9', roomId: 'lobby', text: 'oops', status: 'failed', createdAt: at(5) },
    ]);
    await fixture.whenStable();
  });

  it('shows the duck’s picture with its greeting only (as the seed’s chat page), labelled', async () => {
    expect(fixture.nativeElement.querySelectorAll('.msg__picture').length).toBe(0); // a bot message, not the greeting
    fixture.componentRef.setInput('messages', [
      { ...msg(1, duck, DUCK.greetingUser), clientMsgId: `${DUCK.greetingKey}duck-room` },
      { ...msg(2, duck, 'quack'), clientMsgId: 're:m1:0' },
      { ...msg(3, alice, 'hi'), clientMsgId: `${DUCK.greetingKey}spoof` },
    ]);
    await fixture.whenStable();
    const pictures = fixture.nativeElement.querySelectorAll('.msg__picture');
    expect(pictures.length).toBe(1);
    expect(pictures[0].getAttribute('aria-label')).toBe('小黄鸭的照片');
    expect(pictures[0].querySelector('svg')).not.toBeNull();
  });

  it('renders user text as text, never as HTML', () => {
    const first: HTMLElement = fixture.nativeElement.querySelector('.msg__bubble');
    expect(first.textContent).toContain('<img src=x onerror=alert(1)> hi');
    expect(fixture.nativeElement.querySelector('.msg__bubble img')).toBeNull();
  });

  it('puts own messages on the right and others on the left with avatar and name', () => {
    const rows: HTMLElement[] = Array.from(fixture.nativeElement.querySelectorAll('.msg'));
    expect(rows.map((r) => r.classList.contains('msg--mine'))).toEqual([false, false, true, true]);
    expect(rows[0].querySelector('hihi-avatar')).toBeTruthy();
    expect(rows[0].querySelector('.msg__name')?.textContent).toContain('小明');
    expect(rows[2].querySelector('hihi-avatar')).toBeNull();
  });

  it('gives the duck its duck avatar', () => {
    const duckRow: HTMLElement = fixture.nativeElement.querySelectorAll('.msg')[1];
    expect(duckRow.classList.contains('msg--bot')).toBe(true);
    expect(duckRow.querySelector('hihi-duck-icon svg')).toBeTruthy();
    expect(duckRow.querySelector('[data-testid="bot-tag"]')?.textContent).toBe('BOT');
    expect(fixture.nativeElement.querySelectorAll('.msg')[0].querySelector('[data-testid="bot-tag"]')).toBeNull();
  });

  it('offers retry on a failed message', () => {
    const retried: string[] = [];
    fixture.componentInstance.retry.subscribe((id) => retried.push(id));
    const button: HTMLButtonElement = fixture.nativeElement.querySelector('.msg--failed .link-btn');
    expect(button.textContent).toContain('重试');
    button.click();
    expect(retried).toEqual(['c9']);
  });

  it('asks for older history', async () => {
    let asked = 0;
    fixture.componentInstance.loadOlder.subscribe(() => asked++);
    fixture.componentRef.setInput('hasMore', true);
    await fixture.whenStable();
    const before = asked;
    (fixture.nativeElement.querySelector('.history-edge button') as HTMLButtonElement).click();
    expect(asked).toBe(before + 1);
  });

  it('says when the beginning is reached', () => {
    expect(fixture.nativeElement.querySelector('.history-edge').textContent).toContain('开头');
  });
});

describe('MessageList conversations', () => {
  let fixture: ComponentFixture<MessageList>;
  let el: HTMLElement;
  const original = msg(1, bob, 'the **original**');
  const messages: Message[] = [
    original,
    { ...msg(2, alice, 'fixed text'), editedAt: at(3) },
    { ...msg(3, bob, ''), deleted: true },
    {
      ...msg(4, bob, 'an answer'),
      replyTo: { id: 'm1', seq: 1, sender: bob, text: 'the **original**' },
      reactions: [
        { emoji: '👍', count: 3, userIds: ['u1', 'u2', 'u9'] },
        { emoji: '🦆', count: 1, userIds: ['u2'] },
      ],
      attachments: [
        { id: 'a1', name: 'notes.pdf', size: 2048, contentType: 'application/pdf', url: '/api/uploads/a1' },
        { id: 'a2', name: 'evil', size: 1, contentType: 'text/html', url: 'javascript:alert(1)' },
      ],
    },
    { ...msg(5, bob, 'reply to a gone one'), replyTo: { id: 'm0', seq: 0, sender: bob, text: '', deleted: true } },
  ];

  beforeEach(async () => {
    localStorage.setItem('hihi.lang', 'en');
    TestBed.configureTestingModule({
      providers: [{ provide: UploadService, useValue: { blob: () => new Promise(() => {}) } }],
    });
    fixture = TestBed.createComponent(MessageList);
    fixture.componentRef.setInput('roomId', 'lobby');
    fixture.componentRef.setInput('me', me);
    fixture.componentRef.setInput('names', { u1: 'Alice', u2: '小明' });
    fixture.componentRef.setInput('messages', messages);
    await fixture.whenStable();
    el = fixture.nativeElement;
  });
  afterEach(() => localStorage.setItem('hihi.lang', 'zh'));

  const row = (seq: number) => el.querySelector<HTMLElement>(`article[data-seq="${seq}"]`)!;

  it('renders formatting, the edited marker with its time, and tombstones', () => {
    expect(row(1).querySelector('.msg__bubble strong')?.textContent).toBe('original');
    const edited = row(2).querySelector<HTMLElement>('.msg__edited')!;
    expect(edited.textContent).toContain('(edited)');
    expect(edited.title).toMatch(/^Edited /);
    expect(row(3).querySelector('.msg__bubble--deleted')?.textContent).toContain('Message deleted');
    expect(row(3).querySelector('.msg__actions')).toBeNull();
  });

  it('isolates names with bdi', () => {
    expect(row(1).querySelector('bdi.msg__name')?.textContent).toBe('小明');
  });

  it('shows the quoted original and jumps to it, or says it was deleted', () => {
    const jumps: number[] = [];
    fixture.componentInstance.jump.subscribe((s) => jumps.push(s));
    const quote = row(4).querySelector<HTMLButtonElement>('.msg__quote')!;
    expect(quote.textContent).toContain('小明');
    expect(quote.textContent).toContain('the **original**');
    quote.click();
    expect(jumps).toEqual([1]);
    expect(row(5).querySelector('.msg__quote')?.textContent).toContain('Message deleted');
  });

  it('shows the live original in the quote once it is deleted', async () => {
    fixture.componentRef.setInput('messages', [{ ...original, text: '', deleted: true }, ...messages.slice(1)]);
    await fixture.whenStable();
    expect(row(4).querySelector('.msg__quote')?.textContent).toContain('Message deleted');
  });

  it('shows reaction chips with counts, my own highlighted, who reacted in the tooltip, and toggles', () => {
    const reacted: unknown[] = [];
    fixture.componentInstance.react.subscribe((r) => reacted.push(r));
    const chips = Array.from(row(4).querySelectorAll<HTMLButtonElement>('.chip'));
    expect(chips.map((c) => c.textContent?.replace(/\s/g, ''))).toEqual(['👍3', '🦆1']);
    expect(chips.map((c) => c.getAttribute('aria-pressed'))).toEqual(['true', 'false']);
    expect(chips[0].title).toBe('Alice, 小明 +1');
    expect(chips[0].getAttribute('aria-label')).toContain('Alice, 小明 +1 reacted with 👍');
    chips[1].click();
    expect(reacted).toEqual([{ messageId: 'm4', emoji: '🦆' }]);
  });

  it('picks a new reaction from the emoji picker', async () => {
    const reacted: unknown[] = [];
    fixture.componentInstance.react.subscribe((r) => reacted.push(r));
    row(1).querySelector<HTMLButtonElement>('.msg__actions [aria-label="Add reaction"]')!.click();
    await fixture.whenStable();
    expect(el.querySelector('.react-picker')).toBeTruthy();
    const emoji = Array.from(el.querySelectorAll<HTMLButtonElement>('.react-picker button')).find((b) =>
      b.textContent?.includes('🦆'),
    )!;
    emoji.click();
    await fixture.whenStable();
    expect(reacted).toEqual([{ messageId: 'm1', emoji: '🦆' }]);
    expect(el.querySelector('.react-picker')).toBeNull();
  });

  it('lists files as download chips with name and size, never as links to their URL', () => {
    const chips = Array.from(row(4).querySelectorAll<HTMLButtonElement>('.msg__files hihi-attachment .file-chip'));
    expect(chips.map((c) => c.querySelector('.file-chip__name')?.textContent)).toEqual(['notes.pdf', 'evil']);
    expect(chips[0].textContent).toContain('2.0 KB');
    expect(row(4).querySelector('.msg__files a')).toBeNull();
  });

  it('edits own messages inline: Enter saves, Esc cancels', async () => {
    const edits: unknown[] = [];
    fixture.componentInstance.edit.subscribe((e) => edits.push(e));
    expect(row(1).querySelector('[aria-label="Edit"]')).toBeNull(); // not mine
    row(2).querySelector<HTMLButtonElement>('[aria-label="Edit"]')!.click();
    await fixture.whenStable();
    let box = row(2).querySelector<HTMLTextAreaElement>('textarea.msg__edit')!;
    expect(box.value).toBe('fixed text');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await fixture.whenStable();
    expect(row(2).querySelector('textarea')).toBeNull();
    expect(edits).toEqual([]);

    row(2).querySelector<HTMLButtonElement>('[aria-label="Edit"]')!.click();
    await fixture.whenStable();
    box = row(2).querySelector<HTMLTextAreaElement>('textarea.msg__edit')!;
    box.value = 'better text';
    box.dispatchEvent(new Event('input'));
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await fixture.whenStable();
    expect(edits).toEqual([{ messageId: 'm2', text: 'better text' }]);
  });

  it('deletes own messages after a confirmation', async () => {
    const removed: string[] = [];
    fixture.componentInstance.remove.subscribe((id) => removed.push(id));
    row(2).querySelector<HTMLButtonElement>('[aria-label="Delete"]')!.click();
    await fixture.whenStable();
    expect(removed).toEqual([]);
    row(2).querySelector<HTMLButtonElement>('.msg__confirm-delete')!.click();
    expect(removed).toEqual(['m2']);
  });

  it('offers reply on any message', () => {
    const replies: string[] = [];
    fixture.componentInstance.reply.subscribe((m) => replies.push(m.id));
    row(1).querySelector<HTMLButtonElement>('[aria-label="Reply"]')!.click();
    expect(replies).toEqual(['m1']);
  });

  it('puts the new-messages divider above the first unread message of others', async () => {
    fixture.componentRef.setInput('unreadFrom', 2);
    await fixture.whenStable();
    const divider = el.querySelector('.unread-divider')!;
    expect(divider.textContent).toContain('New messages');
    // seq 2 is mine: the divider goes above seq 3
    expect(divider.nextElementSibling?.getAttribute('data-seq')).toBe('3');
  });

  it('offers the jump to unread only when there is an unread message of others to jump to', async () => {
    const pill = () => el.querySelector('.jump-unread');
    // the list re-checks on scroll (and after rendering)
    const scrolled = async () => {
      fixture.componentInstance['onScroll']();
      await fixture.whenStable();
    };
    // everything read (the first unread would come after the last message, seq 5): no pill
    fixture.componentRef.setInput('unreadFrom', 6);
    await fixture.whenStable();
    await scrolled();
    expect(el.querySelector('.unread-divider')).toBeNull();
    expect(pill()).toBeNull();
    // further back than what is loaded (only one's own messages are loaded): the pill
    fixture.componentRef.setInput('messages', [msg(7, alice, 'later'), msg(8, alice, 'and later')]);
    fixture.componentRef.setInput('hasMore', true);
    fixture.componentRef.setInput('unreadFrom', 2);
    await fixture.whenStable();
    await scrolled();
    expect(pill()).not.toBeNull();
  });

  it('offers no actions to guests', async () => {
    fixture.componentRef.setInput('interactive', false);
    await fixture.whenStable();
    expect(el.querySelector('.msg__actions')).toBeNull();
  });
});

describe('arrivals (what a screen reader hears)', () => {
  const items = (msgs: Message[]) => buildItems(msgs, [], me, () => 'day');
  const history = items([msg(1, bob, 'a'), msg(2, alice, 'b')]);

  it('announces nothing on a room’s first render (the history on join) nor on a room switch', () => {
    expect(arrivals(null, history, true)).toEqual([]);
    expect(arrivals([], history, true)).toEqual([]);
    expect(arrivals(history, items([msg(9, bob, 'other room')]), false)).toEqual([]);
  });

  it('announces messages from others appended at the end, not one’s own nor older history above', () => {
    const later = items([msg(1, bob, 'a'), msg(2, alice, 'b'), msg(3, bob, 'new'), msg(4, alice, 'mine')]);
    expect(arrivals(history, later, true).map((i) => i.text)).toEqual(['new']);
    const older = items([msg(0, bob, 'older'), msg(1, bob, 'a'), msg(2, alice, 'b')]);
    expect(arrivals(history, older, true)).toEqual([]);
  });
});

describe('MessageList (keyboard and screen readers)', () => {
  let fixture: ComponentFixture<MessageList>;
  let el: HTMLElement;
  const key = (target: Element, k: string) =>
    target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
  const live = () =>
    Array.from(el.querySelectorAll('[role="status"][aria-live="polite"] p')).map((p) => p.textContent?.trim());

  beforeEach(async () => {
    localStorage.setItem('hihi.lang', 'en');
    TestBed.configureTestingModule({
      providers: [{ provide: UploadService, useValue: { blob: () => new Promise(() => {}) } }],
    });
    fixture = TestBed.createComponent(MessageList);
    fixture.componentRef.setInput('roomId', 'lobby');
    fixture.componentRef.setInput('me', me);
    fixture.componentRef.setInput('messages', [msg(1, bob, 'one'), msg(2, alice, 'two'), msg(3, bob, 'three')]);
    el = fixture.nativeElement;
    document.body.appendChild(el);
    await fixture.whenStable();
  });
  afterEach(() => {
    el.remove();
    localStorage.setItem('hihi.lang', 'zh');
  });

  it('is a labelled log that is not itself live (the history is never read out on join)', () => {
    const log = el.querySelector('[role="log"]')!;
    expect(log.getAttribute('aria-label')).toBe('Messages');
    expect(log.getAttribute('aria-live')).toBe('off');
    expect(document.getElementById(log.getAttribute('aria-describedby')!)?.textContent).toContain(
      'arrows move between messages',
    );
    expect(live()).toEqual([]);
  });

  it('announces politely a message from someone else that arrives, with the sender’s name', async () => {
    fixture.componentRef.setInput('messages', [
      msg(1, bob, 'one'),
      msg(2, alice, 'two'),
      msg(3, bob, 'three'),
      msg(4, bob, 'hello **there**'),
      msg(5, alice, 'my own'),
    ]);
    await fixture.whenStable();
    expect(live()).toEqual(['小明: hello there']);
    // another room: the announcements are cleared and its history is not read
    fixture.componentRef.setInput('roomId', 'r2');
    fixture.componentRef.setInput('messages', [msg(1, bob, 'elsewhere')]);
    await fixture.whenStable();
    expect(live()).toEqual([]);
  });

  it('moves between messages with the arrow keys, Home and End', async () => {
    const log = el.querySelector<HTMLElement>('[role="log"]')!;
    const rows = () => Array.from(el.querySelectorAll<HTMLElement>('article.msg'));
    log.focus();
    key(log, 'ArrowUp');
    expect(document.activeElement).toBe(rows()[2]);
    key(rows()[2], 'ArrowUp');
    expect(document.activeElement).toBe(rows()[1]);
    key(rows()[1], 'Home');
    expect(document.activeElement).toBe(rows()[0]);
    key(rows()[0], 'ArrowUp');
    expect(document.activeElement).toBe(rows()[0]);
    key(rows()[0], 'End');
    expect(document.activeElement).toBe(rows()[2]);
    key(rows()[2], 'ArrowDown');
    expect(document.activeElement).toBe(rows()[2]);
  });

  it('moves between a message’s actions with Left and Right (toolbar)', () => {
    const acts = Array.from(el.querySelectorAll<HTMLButtonElement>('article[data-seq="2"] .msg__actions .act'));
    expect(acts.map((b) => b.getAttribute('aria-label'))).toEqual(['Add reaction', 'Reply', 'Edit', 'Delete']);
    acts[0].focus();
    key(acts[0], 'ArrowRight');
    expect(document.activeElement).toBe(acts[1]);
    key(acts[1], 'ArrowLeft');
    key(acts[0], 'ArrowLeft');
    expect(document.activeElement).toBe(acts[0]);
  });

  it('gives the focus back to the reaction button when the picker closes or picks', async () => {
    const button = el.querySelector<HTMLButtonElement>('article[data-seq="1"] .act[aria-label="Add reaction"]')!;
    button.focus();
    button.click();
    await fixture.whenStable();
    const picker = el.querySelector<HTMLElement>('.react-picker [role="dialog"]')!;
    expect(picker.getAttribute('aria-label')).toBe('Add reaction');
    expect(picker.contains(document.activeElement)).toBe(true);
    key(document.activeElement!, 'Escape');
    await fixture.whenStable();
    expect(el.querySelector('.react-picker')).toBeNull();
    expect(document.activeElement).toBe(button);
    const reacted: unknown[] = [];
    fixture.componentInstance.react.subscribe((r) => reacted.push(r));
    button.click();
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('.react-picker .emoji')!.click();
    await fixture.whenStable();
    expect(reacted).toEqual([{ messageId: 'm1', emoji: '😀' }]);
    expect(document.activeElement).toBe(button);
  });

  it('puts the focus on Cancel when asked to confirm a delete, and back on the message after', async () => {
    el.querySelector<HTMLButtonElement>('article[data-seq="2"] .act[aria-label="Delete"]')!.click();
    await fixture.whenStable();
    expect(document.activeElement?.classList.contains('msg__confirm-cancel')).toBe(true);
    (document.activeElement as HTMLButtonElement).click();
    await fixture.whenStable();
    expect(document.activeElement).toBe(el.querySelector('article[data-seq="2"]'));
  });
});

describe('MessageList: moderation', () => {
  async function render(moderate: boolean, reportable: boolean, messages: Message[]) {
    localStorage.setItem('hihi.lang', 'en');
    TestBed.configureTestingModule({
      providers: [{ provide: UploadService, useValue: { blob: () => new Promise(() => {}) } }],
    });
    const fixture = TestBed.createComponent(MessageList);
    fixture.componentRef.setInput('roomId', 'lobby');
    fixture.componentRef.setInput('me', me);
    fixture.componentRef.setInput('moderate', moderate);
    fixture.componentRef.setInput('reportable', reportable);
    fixture.componentRef.setInput('messages', messages);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const labels = (seq: number) =>
      [...el.querySelectorAll(`article[data-seq="${seq}"] .msg__actions button`)].map((b) =>
        b.getAttribute('aria-label'),
      );
    return { fixture, el, labels };
  }

  it('members report others’ messages (not their own, not the duck’s); moderators also delete them', async () => {
    const messages = [
      msg(1, bob, 'hi'),
      msg(2, me as Message['sender'], 'mine'),
      msg(3, { ...bob, id: 'duck', bot: true }, 'q'),
    ];
    const member = await render(false, true, messages);
    expect(member.labels(1)).toEqual(['Add reaction', 'Reply', 'Report']);
    expect(member.labels(2)).toEqual(['Add reaction', 'Reply', 'Edit', 'Delete']);
    expect(member.labels(3)).toEqual(['Add reaction', 'Reply']);
    TestBed.resetTestingModule();
    const mod = await render(true, true, messages);
    expect(mod.labels(1)).toEqual(['Add reaction', 'Reply', 'Delete', 'Report']);
  });

  it('report asks the page for a reason; a moderator’s tombstone says who deleted it', async () => {
    const { fixture, el } = await render(false, true, [
      msg(1, bob, 'hi'),
      { ...msg(2, bob, ''), deleted: true, deletedBy: 'moderator' },
    ]);
    const reported: Message[] = [];
    fixture.componentInstance.report.subscribe((m) => reported.push(m));
    (el.querySelector('article[data-seq="1"] .msg__actions [aria-label="Report"]') as HTMLButtonElement).click();
    expect(reported.map((m) => m.seq)).toEqual([1]);
    expect(el.querySelector('article[data-seq="2"] .msg__bubble--deleted')?.textContent).toContain(
      'Deleted by a moderator',
    );
  });
});

import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { Message } from '@hihi/contracts';
import type { OutboxItem } from '../outbox.service';
import { MessageList, buildItems } from './message-list';

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

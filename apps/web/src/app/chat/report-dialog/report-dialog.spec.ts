import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Message } from '@hihi/contracts';
import { ReportDialog } from './report-dialog';

const message: Message = {
  id: 'm1',
  roomId: 'r1',
  seq: 3,
  sender: { id: 'u2', username: 'bob', displayName: 'Bob', bot: false },
  text: '<b>rude</b>',
  createdAt: '2026-12-02T05:00:00Z',
};

@Component({
  imports: [ReportDialog],
  template: `<button id="opener" (click)="m.set(msg)">open</button>
    <hihi-report-dialog [message]="m()" [error]="error()" (send)="sent.push($event)" (closed)="m.set(null)" />`,
})
class Host {
  readonly msg = message;
  readonly m = signal<Message | null>(null);
  readonly error = signal<string | null>(null);
  readonly sent: { message: Message; reason: string }[] = [];
}

describe('ReportDialog', () => {
  async function render() {
    localStorage.setItem('hihi.lang', 'en');
    const fixture = TestBed.createComponent(Host);
    document.body.appendChild(fixture.nativeElement);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    return { fixture, el, host: fixture.componentInstance };
  }

  it('opens with the message quoted as text and the focus in the reason; an empty reason is not sent', async () => {
    const { fixture, el, host } = await render();
    try {
      (el.querySelector('#opener') as HTMLButtonElement).focus();
      (el.querySelector('#opener') as HTMLButtonElement).click();
      await fixture.whenStable();
      await new Promise((r) => setTimeout(r));
      const dialog = el.querySelector('dialog') as HTMLDialogElement;
      expect(dialog.hasAttribute('open')).toBe(true);
      expect(dialog.querySelector('blockquote')?.textContent).toContain('<b>rude</b>');
      expect(dialog.querySelector('b')).toBeNull();
      expect(document.activeElement?.id).toBe('report-reason');
      (dialog.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
      await fixture.whenStable();
      expect(host.sent).toEqual([]);
      expect(dialog.querySelector('#report-missing')?.textContent).toContain('Please give a reason');
      const reason = dialog.querySelector('textarea') as HTMLTextAreaElement;
      reason.value = '  spam  ';
      reason.dispatchEvent(new Event('input'));
      (dialog.querySelector('form') as HTMLFormElement).dispatchEvent(new Event('submit'));
      expect(host.sent).toEqual([{ message, reason: 'spam' }]);
      host.error.set('You have already reported this message');
      await fixture.whenStable();
      expect(dialog.querySelector('[role="alert"]')?.textContent).toContain('already reported');
      [...dialog.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Cancel')!.click();
      await fixture.whenStable();
      expect(dialog.hasAttribute('open')).toBe(false);
      expect(document.activeElement?.id).toBe('opener');
    } finally {
      (fixture.nativeElement as HTMLElement).remove();
    }
  });
});

import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { type Attachment, LIMITS } from '@hihi/contracts';
import { Observable, Subject } from 'rxjs';
import { UploadError, type UploadEvent, UploadService } from '../../core/api/upload.service';
import { I18nService } from '../../core/i18n/i18n.service';
import type { Member } from '../chat-store.service';
import { Composer, type ComposerMessage, filesText, matchMembers, uploadErrorKey } from './composer';

/** A fake UploadService: each upload is a Subject the test drives; unsubscribing counts as abort. */
class FakeUploads {
  readonly calls: { file: File; events: Subject<UploadEvent>; aborted: boolean }[] = [];
  upload(file: File) {
    const call = { file, events: new Subject<UploadEvent>(), aborted: false };
    this.calls.push(call);
    return new Observable<UploadEvent>((subscriber) => {
      let finished = false;
      const inner = call.events.subscribe({
        next: (e) => subscriber.next(e),
        error: (e: unknown) => {
          finished = true;
          subscriber.error(e);
        },
        complete: () => {
          finished = true;
          subscriber.complete();
        },
      });
      return () => {
        if (!finished) call.aborted = true;
        inner.unsubscribe();
      };
    });
  }
  blob() {
    return new Promise<Blob>(() => {});
  }
}

describe('Composer', () => {
  let fixture: ComponentFixture<Composer>;
  let box: HTMLTextAreaElement;
  let sent: string[];
  let messages: ComposerMessage[];
  let typing: boolean[];
  let uploads: FakeUploads;

  beforeEach(async () => {
    localStorage.setItem('hihi.lang', 'zh');
    uploads = new FakeUploads();
    TestBed.configureTestingModule({ providers: [{ provide: UploadService, useValue: uploads }] });
    fixture = TestBed.createComponent(Composer);
    sent = [];
    messages = [];
    typing = [];
    fixture.componentInstance.send.subscribe((m) => {
      sent.push(m.text);
      messages.push(m);
    });
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

  it('the emoji picker takes the focus and gives it back to its button on Escape — also reopened at once', async () => {
    document.body.appendChild(fixture.nativeElement);
    try {
      const button = fixture.nativeElement.querySelector('.composer__emoji-btn') as HTMLButtonElement;
      const inPicker = () => !!document.activeElement?.closest('#emoji-picker');
      button.focus();
      button.click();
      await fixture.whenStable();
      expect(inPicker()).toBe(true);
      document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      expect(document.activeElement).toBe(button);
      // Enter again before the next render: the same picker stays, and it still gets the focus
      button.click();
      await fixture.whenStable();
      expect(inPicker()).toBe(true);
    } finally {
      fixture.nativeElement.remove();
    }
  });

  it('follows the language toggle', async () => {
    TestBed.inject(I18nService).setLang('en');
    await fixture.whenStable();
    expect(box.placeholder).toBe('Say something...');
  });

  it('shows what moderation says under the box, and holds sending while slow mode waits', async () => {
    fixture.componentRef.setInput('note', '慢速模式:12 秒后可以再发一条');
    fixture.componentRef.setInput('hold', true);
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[data-testid="composer-note"]')?.textContent).toContain('12 秒');
    type('hello');
    key({});
    await fixture.whenStable();
    expect(sent).toEqual([]);
    expect((fixture.nativeElement.querySelector('.composer__send') as HTMLButtonElement).disabled).toBe(true);
    fixture.componentRef.setInput('hold', false);
    await fixture.whenStable();
    key({});
    expect(sent).toEqual(['hello']);
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
      // a textbox may not carry aria-expanded (axe aria-allowed-attr): it points at the list
      expect(box.getAttribute('aria-expanded')).toBeNull();
      expect(box.getAttribute('aria-controls')).toBe('mention-list');
      expect(fixture.nativeElement.querySelector('[role="status"]')?.textContent).toMatch(/people to mention|可以提及/);
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

  describe('attachments', () => {
    const att = (id: string, name: string): Attachment => ({
      id,
      name,
      size: 10,
      contentType: 'image/png',
      url: `/api/uploads/${id}`,
      width: 4,
      height: 3,
    });
    const file = (name: string, size = 2048) => new File([new Uint8Array(size)], name, { type: 'image/png' });
    const items = (): HTMLElement[] => Array.from(fixture.nativeElement.querySelectorAll('.file'));

    it('attaches picked files with name, size and a progress bar, and sends their ids with the text', async () => {
      const picker: HTMLInputElement = fixture.nativeElement.querySelector('input[type="file"]');
      expect(picker.multiple).toBe(true);
      Object.defineProperty(picker, 'files', { value: [file('duck.png')], configurable: true });
      picker.dispatchEvent(new Event('change'));
      await fixture.whenStable();
      expect(uploads.calls.map((c) => c.file.name)).toEqual(['duck.png']);
      expect(items()[0].textContent).toContain('duck.png');
      expect(items()[0].textContent).toContain('2.0 KB');

      uploads.calls[0].events.next({ kind: 'progress', fraction: 0.5 });
      await fixture.whenStable();
      expect(items()[0].querySelector('progress')!.value).toBe(50);

      uploads.calls[0].events.next({ kind: 'done', attachment: att('u1', 'duck.png') });
      uploads.calls[0].events.complete();
      type('look');
      key({});
      expect(messages).toEqual([{ text: 'look', attachments: [att('u1', 'duck.png')] }]);
      await fixture.whenStable();
      expect(items()).toHaveLength(0);
    });

    it('waits for uploads before sending, and sends the file names when there is no text', async () => {
      fixture.componentInstance.addFiles([file('a.png'), file('b.png')]);
      await fixture.whenStable();
      key({});
      expect(messages).toEqual([]);
      await fixture.whenStable();
      expect(fixture.nativeElement.textContent).toContain('等文件传完就发送');
      uploads.calls[0].events.next({ kind: 'done', attachment: att('u1', 'a.png') });
      uploads.calls[0].events.complete();
      expect(messages).toEqual([]);
      uploads.calls[1].events.next({ kind: 'done', attachment: att('u2', 'b.png') });
      uploads.calls[1].events.complete();
      expect(messages).toEqual([{ text: 'a.png, b.png', attachments: [att('u1', 'a.png'), att('u2', 'b.png')] }]);
    });

    it('text typed in the instant the room changes is not shown in the new room (what the box shows is what is sent)', async () => {
      fixture.componentRef.setInput('roomId', 'room-a');
      await fixture.whenStable();
      // typed before the change of room was rendered: the binding has not seen it
      type('typed as the room changed');
      fixture.componentRef.setInput('roomId', 'room-b');
      await fixture.whenStable();
      expect(box.value).toBe('');
      key({});
      expect(messages).toEqual([]);
      // it stayed with the room it was typed in
      fixture.componentRef.setInput('roomId', 'room-a');
      await fixture.whenStable();
      expect(box.value).toBe('typed as the room changed');
    });

    it('keeps a draft per room: text and files stay with their room, uploads go on, a waiting send is called off', async () => {
      fixture.componentRef.setInput('roomId', 'room-a');
      await fixture.whenStable();
      type('for room a');
      fixture.componentInstance.addFiles([file('a.png')]);
      await fixture.whenStable();
      key({}); // waits for the upload
      expect(messages).toEqual([]);

      fixture.componentRef.setInput('roomId', 'room-b');
      await fixture.whenStable();
      expect(box.value).toBe('');
      expect(items()).toHaveLength(0);
      // the upload finishes while room b is shown: nothing is sent, to b or anywhere
      uploads.calls[0].events.next({ kind: 'done', attachment: att('u1', 'a.png') });
      uploads.calls[0].events.complete();
      await fixture.whenStable();
      expect(messages).toEqual([]);
      type('for room b');
      key({});
      expect(messages).toEqual([{ text: 'for room b', attachments: [] }]);

      fixture.componentRef.setInput('roomId', 'room-a');
      await fixture.whenStable();
      expect(box.value).toBe('for room a');
      expect(items()).toHaveLength(1);
      expect(uploads.calls[0].aborted).toBe(false);
      key({});
      expect(messages.at(-1)).toEqual({ text: 'for room a', attachments: [att('u1', 'a.png')] });
    });

    it('cancels an upload in flight with the remove button (aborts it, sends nothing)', async () => {
      fixture.componentInstance.addFiles([file('big.png')]);
      await fixture.whenStable();
      const cancel: HTMLButtonElement = items()[0].querySelector('.file__remove')!;
      expect(cancel.getAttribute('aria-label')).toBe('取消上传 big.png');
      cancel.click();
      await fixture.whenStable();
      expect(uploads.calls[0].aborted).toBe(true);
      expect(items()).toHaveLength(0);
      key({});
      expect(messages).toEqual([]);
    });

    it('shows refusals per file in the current language', async () => {
      fixture.componentInstance.addFiles([file('huge.png'), file('page.html'), file('ok.png')]);
      uploads.calls[0].events.error(new UploadError(413));
      uploads.calls[1].events.error(new UploadError(415));
      await fixture.whenStable();
      expect(items()[0].querySelector('[role="alert"]')?.textContent).toContain('文件太大了');
      expect(items()[1].querySelector('[role="alert"]')?.textContent).toContain('不支持这种文件类型');
      TestBed.inject(I18nService).setLang('en');
      await fixture.whenStable();
      expect(items()[0].querySelector('[role="alert"]')?.textContent).toContain('This file is too big');
      uploads.calls[2].events.next({ kind: 'done', attachment: att('u3', 'ok.png') });
      uploads.calls[2].events.complete();
      key({});
      expect(messages).toEqual([{ text: 'ok.png', attachments: [att('u3', 'ok.png')] }]);
    });

    it('takes images pasted from the clipboard', async () => {
      // jsdom has no DataTransfer: the event carries a stand-in with the files list
      const event = new Event('paste', { bubbles: true, cancelable: true });
      Object.defineProperty(event, 'clipboardData', { value: { files: [file('pasted.png')] } });
      box.dispatchEvent(event);
      expect(event.defaultPrevented).toBe(true);
      expect(uploads.calls.map((c) => c.file.name)).toEqual(['pasted.png']);
    });

    it('refuses more than 10 files', async () => {
      fixture.componentInstance.addFiles(Array.from({ length: 11 }, (_, i) => file(`f${i}.png`)));
      await fixture.whenStable();
      expect(uploads.calls).toHaveLength(10);
      expect(items()[10].querySelector('[role="alert"]')?.textContent).toContain('最多 10 个文件');
    });

    it('has no attach button for guests and ignores their files', async () => {
      expect(fixture.nativeElement.querySelector('.composer__attach')).toBeTruthy();
      fixture.componentRef.setInput('canAttach', false);
      await fixture.whenStable();
      expect(fixture.nativeElement.querySelector('.composer__attach')).toBeNull();
      fixture.componentInstance.addFiles([file('x.png')]);
      expect(uploads.calls).toHaveLength(0);
    });

    it('maps statuses to messages and names files-only messages', () => {
      expect([413, 415, 403, 500, 0].map(uploadErrorKey)).toEqual([
        'upload.tooBig',
        'upload.badType',
        'upload.forbidden',
        'upload.failed',
        'upload.failed',
      ]);
      expect(filesText([att('1', 'a.png'), att('2', 'b.pdf')])).toBe('a.png, b.pdf');
      expect(Array.from(filesText([att('1', 'x'.repeat(5000))]))).toHaveLength(LIMITS.messageMax);
    });
  });
});

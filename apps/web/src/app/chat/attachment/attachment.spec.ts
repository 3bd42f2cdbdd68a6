import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { Attachment } from '@hihi/contracts';
import { UploadService } from '../../core/api/upload.service';
import { AttachmentView, thumbSize } from './attachment';

const image: Attachment = {
  id: 'i1',
  name: '黄鸭.png',
  size: 5000,
  contentType: 'image/png',
  url: '/api/uploads/i1',
  width: 800,
  height: 400,
};
const pdf: Attachment = {
  id: 'p1',
  name: 'notes.pdf',
  size: 2048,
  contentType: 'application/pdf',
  url: '/api/uploads/p1',
};

describe('thumbSize', () => {
  it('fits the longest side into 240 px and keeps the ratio', () => {
    expect(thumbSize(800, 400)).toEqual({ width: 240, height: 120 });
    expect(thumbSize(100, 300)).toEqual({ width: 80, height: 240 });
    expect(thumbSize(50, 40)).toEqual({ width: 50, height: 40 });
    expect(thumbSize(undefined, 40)).toBeNull();
  });
});

describe('AttachmentView', () => {
  let fixture: ComponentFixture<AttachmentView>;
  let fetched: Attachment[];
  let created: string[];
  let revoked: string[];
  let fail: boolean;

  beforeEach(() => {
    fetched = [];
    created = [];
    revoked = [];
    fail = false;
    localStorage.setItem('hihi.lang', 'en');
    let n = 0;
    vi.spyOn(URL, 'createObjectURL').mockImplementation(() => {
      const url = `blob:test/${++n}`;
      created.push(url);
      return url;
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url: string) => void revoked.push(url));
    TestBed.configureTestingModule({
      providers: [
        {
          provide: UploadService,
          useValue: {
            blob: (a: Attachment) => {
              fetched.push(a);
              return fail ? Promise.reject(new Error('401')) : Promise.resolve(new Blob(['x']));
            },
          },
        },
      ],
    });
  });

  afterEach(() => vi.restoreAllMocks());

  async function render(a: Attachment) {
    fixture = TestBed.createComponent(AttachmentView);
    fixture.componentRef.setInput('attachment', a);
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('fetches an image with the token into a blob URL, reserves its space, names it in alt, revokes on destroy', async () => {
    const el = await render(image);
    expect(fetched).toEqual([image]);
    const img = el.querySelector<HTMLImageElement>('.thumb img')!;
    expect(img.getAttribute('src')).toBe('blob:test/1');
    expect(img.alt).toBe('黄鸭.png');
    expect(img.getAttribute('width')).toBe('240');
    expect(img.getAttribute('height')).toBe('120');
    expect(el.querySelector<HTMLButtonElement>('.thumb')!.style.width).toBe('240px');
    fixture.destroy();
    expect(revoked).toEqual(['blob:test/1']);
  });

  it('opens the lightbox on click and closes it with its button', async () => {
    const el = await render(image);
    const dialog = el.querySelector<HTMLDialogElement>('dialog')!;
    el.querySelector<HTMLButtonElement>('.thumb')!.click();
    await fixture.whenStable();
    expect(dialog.open).toBe(true);
    expect(dialog.querySelector('img')?.getAttribute('alt')).toBe('黄鸭.png');
    expect(dialog.querySelector('img')?.getAttribute('src')).toBe('blob:test/1');
    dialog.querySelector<HTMLButtonElement>('.lightbox__close')!.click();
    await fixture.whenStable();
    expect(dialog.open).toBe(false);
    expect(dialog.querySelector('img')).toBeNull();
  });

  it('moves the focus to Close when the lightbox opens, keeps Tab in it, and gives it back to the thumbnail', async () => {
    const el = await render(image);
    document.body.appendChild(el);
    try {
      const dialog = el.querySelector<HTMLDialogElement>('dialog')!;
      const thumb = el.querySelector<HTMLButtonElement>('.thumb')!;
      thumb.focus();
      thumb.click();
      await fixture.whenStable();
      const close = dialog.querySelector<HTMLButtonElement>('.lightbox__close')!;
      expect(document.activeElement).toBe(close);
      const tab = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
      close.dispatchEvent(tab);
      expect(tab.defaultPrevented).toBe(true);
      expect(document.activeElement).toBe(close);
      close.click();
      await fixture.whenStable();
      expect(document.activeElement).toBe(thumb);
    } finally {
      el.remove();
    }
  });

  it('shows a failure instead of a broken image', async () => {
    fail = true;
    const el = await render(image);
    expect(el.querySelector('.thumb img')).toBeNull();
    expect(el.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('Could not load the file');
    expect(el.querySelector<HTMLButtonElement>('.thumb')!.disabled).toBe(true);
  });

  it('shows other files as a chip and downloads them through a blob URL under their name', async () => {
    const el = await render(pdf);
    expect(fetched).toEqual([]); // nothing fetched until asked
    const chip = el.querySelector<HTMLButtonElement>('.file-chip')!;
    expect(chip.textContent).toContain('notes.pdf');
    expect(chip.textContent).toContain('2.0 KB');
    // its name is what it shows, after a hidden "Download" (WCAG 2.5.3: the label contains the visible text)
    expect(chip.getAttribute('aria-label')).toBeNull();
    expect(chip.querySelector('.visually-hidden')?.textContent).toBe('Download ');
    expect(chip.textContent).toMatch(/^Download .*notes\.pdf/);
    const clicks: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this);
    });
    chip.click();
    await new Promise((r) => setTimeout(r));
    expect(fetched).toEqual([pdf]);
    expect(clicks.map((a) => [a.getAttribute('href'), a.download])).toEqual([['blob:test/1', 'notes.pdf']]);
    fixture.destroy();
    expect(revoked).toEqual(['blob:test/1']);
  });
});

import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  DOCUMENT,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import type { Attachment } from '@hihi/contracts';
import { UploadService, formatBytes, isInlineImage } from '../../core/api/upload.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { refocus, trapTab } from '../../shared/a11y/focus';

/** Longest side of a thumbnail in the timeline, CSS pixels. */
export const THUMB_MAX = 240;

/** Thumbnail size keeping the aspect ratio, so the space is reserved before the bytes arrive. */
export function thumbSize(width?: number, height?: number, max = THUMB_MAX): { width: number; height: number } | null {
  if (!width || !height || width <= 0 || height <= 0) return null;
  const scale = Math.min(1, max / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * One attachment of a message. GET /api/uploads/:id needs the bearer token, so the bytes are
 * fetched (the auth interceptor adds it) and shown from a `blob:` URL, revoked when it goes away.
 * Images: a thumbnail that opens a lightbox (a modal <dialog>: Esc or a click closes it). Other
 * files: a chip that downloads with the file's name.
 */
@Component({
  selector: 'hihi-attachment',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './attachment.html',
  styleUrl: './attachment.css',
})
export class AttachmentView {
  protected readonly i18n = inject(I18nService);
  private readonly uploads = inject(UploadService);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);

  readonly attachment = input.required<Attachment>();

  protected readonly image = computed(() => isInlineImage(this.attachment()));
  protected readonly size = computed(() => formatBytes(this.attachment().size));
  protected readonly thumb = computed(() => {
    const a = this.attachment();
    return thumbSize(a.width, a.height);
  });
  /** the image's blob: URL once fetched */
  protected readonly src = signal<string | null>(null);
  protected readonly failed = signal(false);
  protected readonly busy = signal(false);
  protected readonly lightbox = signal(false);

  private readonly dialog = viewChild<ElementRef<HTMLDialogElement>>('dialog');
  private urls: string[] = [];
  /** focused when the lightbox opened: it gets the focus back when it closes */
  private opener: HTMLElement | null = null;
  private alive = true;

  constructor() {
    effect(() => {
      const a = this.attachment();
      if (!isInlineImage(a)) return;
      untracked(() => void this.loadImage(a));
    });
    inject(DestroyRef).onDestroy(() => {
      this.alive = false;
      for (const url of this.urls) URL.revokeObjectURL(url);
      this.urls = [];
    });
  }

  protected openLightbox(): void {
    if (!this.src()) return;
    const active = this.document.activeElement;
    this.opener = active instanceof HTMLElement ? active : null;
    this.lightbox.set(true);
    const el = this.dialog()?.nativeElement;
    if (!el) return;
    if (typeof el.showModal === 'function') el.showModal();
    else el.setAttribute('open', '');
    // its content renders with lightbox(): then the focus goes to Close (a modal dialog keeps it inside)
    afterNextRender(() => el.querySelector<HTMLElement>('.lightbox__close')?.focus(), { injector: this.injector });
  }

  protected closeLightbox(): void {
    const el = this.dialog()?.nativeElement;
    if (el?.open) {
      if (typeof el.close === 'function') el.close();
      else el.removeAttribute('open');
    }
    this.onClosed();
  }

  /** Tab and Shift+Tab stay in the lightbox (the page behind it is inert, but not the browser's UI). */
  protected onDialogKey(event: KeyboardEvent, dialog: HTMLElement): void {
    trapTab(event, dialog);
  }

  /** The lightbox closed (a click, Close, or Escape): the focus goes back where it was. */
  protected onClosed(): void {
    const was = this.lightbox();
    this.lightbox.set(false);
    const opener = this.opener;
    this.opener = null;
    if (was) refocus(opener);
  }

  /** Fetches the file with the token and saves it under its name. */
  protected async download(): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.failed.set(false);
    const a = this.attachment();
    try {
      const url = this.keep(URL.createObjectURL(await this.uploads.blob(a)));
      const link = this.document.createElement('a');
      link.href = url;
      link.download = a.name;
      link.rel = 'noopener';
      this.document.body.appendChild(link);
      link.click();
      link.remove();
    } catch {
      this.failed.set(true);
    } finally {
      this.busy.set(false);
    }
  }

  private async loadImage(a: Attachment): Promise<void> {
    this.failed.set(false);
    try {
      const blob = await this.uploads.blob(a);
      if (!this.alive || this.attachment().id !== a.id) return;
      this.src.set(this.keep(URL.createObjectURL(blob)));
    } catch {
      if (this.alive) this.failed.set(true);
    }
  }

  private keep(url: string): string {
    if (this.alive) this.urls.push(url);
    else URL.revokeObjectURL(url);
    return url;
  }
}

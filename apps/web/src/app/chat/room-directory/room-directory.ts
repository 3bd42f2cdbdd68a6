import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  afterNextRender,
  inject,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { type DirectoryRoom, LIMITS } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { ChatStore } from '../chat-store.service';
import { roomLabel } from '../room-label';

/** Waits this long after the last keystroke before searching. */
export const DIRECTORY_DEBOUNCE_MS = 250;

/** The public rooms, searched by name and paged, each with its member count and a join button. */
@Component({
  selector: 'hihi-room-directory',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './room-directory.html',
  styleUrl: './room-directory.css',
})
export class RoomDirectory {
  private readonly api = inject(ChatApiService);
  private readonly store = inject(ChatStore);
  protected readonly i18n = inject(I18nService);
  protected readonly max = LIMITS.roomNameMax;
  private readonly search = viewChild<ElementRef<HTMLInputElement>>('search');

  /** a room was joined or opened */
  readonly opened = output<string>();

  protected readonly query = signal('');
  protected readonly rooms = signal<DirectoryRoom[]>([]);
  protected readonly nextCursor = signal<string | undefined>(undefined);
  protected readonly loading = signal(false);
  protected readonly loaded = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly joining = signal<string | null>(null);

  private timer: ReturnType<typeof setTimeout> | null = null;
  /** answers of an older search are dropped */
  private generation = 0;

  constructor() {
    void this.load();
    afterNextRender(() => this.search()?.nativeElement.focus());
    inject(DestroyRef).onDestroy(() => this.timer && clearTimeout(this.timer));
  }

  protected onQuery(text: string): void {
    this.query.set(text);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), DIRECTORY_DEBOUNCE_MS);
  }

  protected searchNow(): void {
    if (this.timer) clearTimeout(this.timer);
    void this.load();
  }

  /** The first page for the query, or with `more` the next one. */
  async load(more = false): Promise<void> {
    const generation = more ? this.generation : ++this.generation;
    const cursor = more ? this.nextCursor() : undefined;
    if (more && !cursor) return;
    this.loading.set(true);
    this.error.set(null);
    try {
      const q = this.query().trim();
      const page = await this.api.directory({
        ...(q ? { q } : {}),
        ...(cursor ? { cursor } : {}),
        limit: LIMITS.directoryDefault,
      });
      if (generation !== this.generation) return;
      this.rooms.set(
        more ? [...this.rooms(), ...page.rooms.filter((r) => !this.rooms().some((x) => x.id === r.id))] : page.rooms,
      );
      this.nextCursor.set(page.nextCursor);
      this.loaded.set(true);
    } catch (err) {
      if (generation === this.generation) this.error.set(this.message(err));
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }

  protected async join(room: DirectoryRoom): Promise<void> {
    if (this.joining()) return;
    this.joining.set(room.id);
    this.error.set(null);
    try {
      await this.store.joinPublic(room.id);
      this.rooms.update((all) => all.map((r) => (r.id === room.id ? { ...r, joined: true } : r)));
      this.opened.emit(room.id);
    } catch (err) {
      this.error.set(this.message(err));
    } finally {
      this.joining.set(null);
    }
  }

  /** The lobby by its friendly name; other rooms by theirs. */
  protected label(room: DirectoryRoom): string {
    return roomLabel(room, this.i18n);
  }

  private message(err: unknown): string {
    const status = httpStatus(err);
    if (status === 0) return this.i18n.t('error.network');
    if (status === 404) return this.i18n.t('directory.gone');
    if (status === 403) return this.i18n.t('directory.forbidden');
    return this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) });
  }
}

import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import type { RoomBan } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { Avatar } from '../../shared/avatar/avatar';

/**
 * The people banned from a room, for its owners and moderators (SPEC §8): who, why and when,
 * and "unban" — after which the person may join or be invited again. Loaded when opened.
 */
@Component({
  selector: 'hihi-ban-list',
  imports: [Avatar],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './ban-list.html',
  styleUrl: './ban-list.css',
})
export class BanList {
  private readonly api = inject(ChatApiService);
  protected readonly i18n = inject(I18nService);

  readonly roomId = input.required<string>();

  protected readonly open = signal(false);
  protected readonly bans = signal<RoomBan[]>([]);
  protected readonly nextCursor = signal<string | undefined>(undefined);
  protected readonly loading = signal(false);
  protected readonly busy = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly done = signal<string | null>(null);

  constructor() {
    // another room: start closed and empty
    effect(() => {
      this.roomId();
      untracked(() => {
        this.open.set(false);
        this.bans.set([]);
        this.nextCursor.set(undefined);
        this.error.set(null);
        this.done.set(null);
      });
    });
  }

  protected async toggle(): Promise<void> {
    const open = !this.open();
    this.open.set(open);
    if (open) await this.load(false);
  }

  protected async load(more: boolean): Promise<void> {
    const roomId = this.roomId();
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await this.api.bans(roomId, more && this.nextCursor() ? { cursor: this.nextCursor() } : {});
      if (roomId !== this.roomId()) return;
      this.bans.update((list) => (more ? [...list, ...page.bans] : page.bans));
      this.nextCursor.set(page.nextCursor);
    } catch (err) {
      this.error.set(this.message(err));
    } finally {
      this.loading.set(false);
    }
  }

  protected async unban(ban: RoomBan): Promise<void> {
    this.busy.set(ban.userId);
    this.error.set(null);
    this.done.set(null);
    try {
      await this.api.unban(this.roomId(), ban.userId);
      this.bans.update((list) => list.filter((b) => b.userId !== ban.userId));
      this.done.set(this.i18n.t('mod.unbanned', { name: this.name(ban) }));
    } catch (err) {
      this.error.set(this.message(err));
    } finally {
      this.busy.set(null);
    }
  }

  private message(err: unknown): string {
    const status = httpStatus(err);
    if (status === 0) return this.i18n.t('error.network');
    if (status === 403) return this.i18n.t('members.forbidden');
    if (status === 404) return this.i18n.t('members.notFound');
    return this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) });
  }

  protected name(ban: RoomBan): string {
    return ban.user?.displayName || ban.user?.username || this.i18n.t('mod.someone');
  }

  protected when(at: string): string {
    return new Intl.DateTimeFormat(this.i18n.locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(at),
    );
  }
}

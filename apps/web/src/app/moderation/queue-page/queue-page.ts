import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import type { Report, ReportAction, ReportStatus } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import type { I18nKey } from '../../core/i18n/i18n.dictionary';
import { I18nService } from '../../core/i18n/i18n.service';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';
import { MUTE_DURATIONS } from '../../chat/members-panel/members-panel';

const ACTION_LABEL: Record<ReportAction, I18nKey> = {
  dismiss: 'mod.action.dismiss',
  delete: 'mod.action.delete',
  mute: 'mod.action.mute',
  ban: 'mod.action.ban',
};

/**
 * The moderation queue (`/moderation`, SPEC §8): the reports the viewer may act on — open ones
 * oldest first, resolved ones newest first — each resolved with one click (dismiss, delete the
 * message, mute or ban its author). The server decides who sees what.
 */
@Component({
  selector: 'hihi-queue-page',
  imports: [FormsModule, RouterLink, LangToggle],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './queue-page.html',
  styleUrl: '../../admin/admin-section.css',
})
export class QueuePage {
  private readonly api = inject(ChatApiService);
  protected readonly i18n = inject(I18nService);
  protected readonly durations = MUTE_DURATIONS;

  protected readonly status = signal<ReportStatus>('open');
  protected readonly reports = signal<Report[]>([]);
  protected readonly nextCursor = signal<string | undefined>(undefined);
  protected readonly openCount = signal(0);
  protected readonly loading = signal(false);
  protected readonly busy = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  /** what the last action did (a key: it follows the language) */
  protected readonly notice = signal<I18nKey | null>(null);
  /** the mute duration chosen per report (seconds; 0 = until lifted) */
  protected muteSec: Record<string, number> = {};
  private loadSeq = 0;

  constructor() {
    void this.load(false);
  }

  protected show(status: ReportStatus): void {
    if (status === this.status()) return;
    this.status.set(status);
    void this.load(false);
  }

  protected when(iso: string): string {
    return new Intl.DateTimeFormat(this.i18n.locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  }

  protected resolution(r: Report): string {
    const res = r.resolution;
    if (!res) return '';
    return this.i18n.t('mod.resolvedAs', {
      action: this.i18n.t(ACTION_LABEL[res.action]),
      name: res.by.displayName || res.by.username,
      time: this.when(res.at),
    });
  }

  /** Loads the list shown now; a newer load (another tab of the list) wins over an older one. */
  async load(more: boolean): Promise<void> {
    if (more && this.loading()) return;
    const seq = ++this.loadSeq;
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await this.api.reports({ status: this.status(), ...(more ? { cursor: this.nextCursor() } : {}) });
      if (seq !== this.loadSeq) return;
      for (const r of page.reports) this.muteSec[r.id] ??= MUTE_DURATIONS[0].sec;
      this.reports.update((list) => (more ? [...list, ...page.reports] : page.reports));
      this.nextCursor.set(page.nextCursor);
      this.openCount.set(page.openCount);
    } catch (err) {
      if (seq === this.loadSeq) this.error.set(this.message(err));
    } finally {
      if (seq === this.loadSeq) this.loading.set(false);
    }
  }

  async resolve(r: Report, action: ReportAction): Promise<void> {
    if (this.busy()) return;
    this.busy.set(r.id);
    this.error.set(null);
    this.notice.set(null);
    try {
      const sec = Number(this.muteSec[r.id] ?? MUTE_DURATIONS[0].sec);
      await this.api.resolveReport(r.id, { action, ...(action === 'mute' && sec > 0 ? { durationSec: sec } : {}) });
      await this.load(false);
      this.notice.set('mod.done');
    } catch (err) {
      // resolved meanwhile (by someone else): show the list as it is now, and say why
      if (httpStatus(err) === 409) await this.load(false);
      this.error.set(this.message(err));
    } finally {
      this.busy.set(null);
    }
  }

  private message(err: unknown): string {
    const status = httpStatus(err);
    if (status === 0) return this.i18n.t('error.network');
    if (status === 403) return this.i18n.t('mod.forbidden');
    return this.i18n.t('mod.failed', { message: httpErrorMessage(err) ?? String(status) });
  }
}

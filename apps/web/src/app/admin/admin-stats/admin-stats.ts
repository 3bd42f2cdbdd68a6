import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { ServerStats } from '@hihi/contracts';
import { AdminApiService } from '../../core/api/admin-api.service';
import type { I18nKey } from '../../core/i18n/i18n.dictionary';
import { I18nService } from '../../core/i18n/i18n.service';
import { adminError } from '../admin-text';

export const STAT_FIGURES: readonly { key: keyof ServerStats; label: I18nKey }[] = [
  { key: 'users', label: 'admin.stats.users' },
  { key: 'activeUsers7d', label: 'admin.stats.activeUsers7d' },
  { key: 'deactivatedUsers', label: 'admin.stats.deactivatedUsers' },
  { key: 'rooms', label: 'admin.stats.rooms' },
  { key: 'messages', label: 'admin.stats.messages' },
  { key: 'messagesToday', label: 'admin.stats.messagesToday' },
  { key: 'online', label: 'admin.stats.online' },
];

/** Server figures (chat's figures show "n/a" while the server answers null for them). */
@Component({
  selector: 'hihi-admin-stats',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel" aria-labelledby="stats-title">
      <div class="row__top">
        <h2 id="stats-title">{{ i18n.t('admin.tab.stats') }}</h2>
        <button type="button" class="btn btn--ghost btn--small" [disabled]="loading()" (click)="load()">
          {{ i18n.t('admin.stats.refresh') }}
        </button>
      </div>
      @if (stats(); as s) {
        <dl class="stats" data-testid="admin-stats">
          @for (f of figures; track f.key) {
            <div class="stat">
              <dt>{{ i18n.t(f.label) }}</dt>
              <dd>{{ figure(s[f.key]) }}</dd>
            </div>
          }
        </dl>
      } @else if (!error()) {
        <p class="note">{{ i18n.t('admin.loading') }}</p>
      }
      @if (error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
    </section>
  `,
  styleUrl: '../admin-section.css',
})
export class AdminStats {
  private readonly api = inject(AdminApiService);
  protected readonly i18n = inject(I18nService);
  protected readonly figures = STAT_FIGURES;
  protected readonly stats = signal<ServerStats | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    void this.load();
  }

  protected figure(n: number | null): string {
    return n === null ? this.i18n.t('admin.stats.unknown') : new Intl.NumberFormat(this.i18n.locale()).format(n);
  }

  async load(): Promise<void> {
    if (this.loading()) return;
    this.loading.set(true);
    this.error.set(null);
    try {
      this.stats.set(await this.api.stats());
    } catch (err) {
      this.error.set(adminError(this.i18n, err));
    } finally {
      this.loading.set(false);
    }
  }
}

import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { AuditEntry } from '@hihi/contracts';
import { AdminApiService } from '../../core/api/admin-api.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { adminError, formatWhen } from '../admin-text';

/** How an entry's target reads: its label as it was then, else its kind and id. */
export function targetText(t: AuditEntry['target']): string {
  return t.label ?? (t.id ? `${t.type} ${t.id}` : t.type);
}

/** A short, plain-text view of an entry's details (never markup). */
export function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

/** The audit log: newest first, paged, filtered by actor (username or id) and action. */
@Component({
  selector: 'hihi-admin-audit',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './admin-audit.html',
  styleUrl: '../admin-section.css',
})
export class AdminAudit {
  private readonly api = inject(AdminApiService);
  protected readonly i18n = inject(I18nService);
  protected readonly targetText = targetText;
  protected readonly detailsText = detailsText;

  protected actor = '';
  protected action = '';
  protected readonly entries = signal<AuditEntry[]>([]);
  protected readonly nextCursor = signal<string | undefined>(undefined);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    void this.load(false);
  }

  protected when(iso: string): string {
    return formatWhen(this.i18n, iso);
  }

  async filter(): Promise<void> {
    await this.load(false);
  }

  async more(): Promise<void> {
    await this.load(true);
  }

  private async load(append: boolean): Promise<void> {
    if (this.loading()) return;
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await this.api.audit({
        actor: this.actor.trim() || undefined,
        action: this.action.trim() || undefined,
        cursor: append ? this.nextCursor() : undefined,
      });
      this.entries.update((list) => (append ? [...list, ...page.entries] : page.entries));
      this.nextCursor.set(page.nextCursor);
    } catch (err) {
      this.error.set(adminError(this.i18n, err));
    } finally {
      this.loading.set(false);
    }
  }
}

import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { ADMIN, type InviteCreateBody, type InviteCreated } from '@hihi/contracts';
import { AdminApiService } from '../../core/api/admin-api.service';
import type { I18nKey } from '../../core/i18n/i18n.dictionary';
import { I18nService } from '../../core/i18n/i18n.service';
import { adminError, formatWhen } from '../admin-text';
import { CopyLink } from '../copy-link/copy-link';

/** The expiry choices of a new invite (seconds; 0 = never). */
export const INVITE_EXPIRIES: readonly { sec: number; label: I18nKey }[] = [
  { sec: 0, label: 'admin.invites.never' },
  { sec: 3600, label: 'admin.invites.hour' },
  { sec: 86_400, label: 'admin.invites.day' },
  { sec: 7 * 86_400, label: 'admin.invites.week' },
  { sec: 30 * 86_400, label: 'admin.invites.month' },
];

/** The body of POST /api/admin/invites from the form, or null when "most uses" is not a valid number. */
export function inviteBody(maxUses: string, expiresInSec: number): InviteCreateBody | null {
  const body: InviteCreateBody = {};
  const uses = maxUses.trim();
  if (uses) {
    const n = Number(uses);
    if (!Number.isInteger(n) || n < 1 || n > ADMIN.inviteMaxUses) return null;
    body.maxUses = n;
  }
  if (expiresInSec > 0) body.expiresInSec = expiresInSec;
  return body;
}

/** Invites: create a link (most uses, expiry) and show it to copy. */
@Component({
  selector: 'hihi-admin-invites',
  imports: [FormsModule, CopyLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './admin-invites.html',
  styleUrl: '../admin-section.css',
})
export class AdminInvites {
  private readonly api = inject(AdminApiService);
  protected readonly i18n = inject(I18nService);
  protected readonly expiries = INVITE_EXPIRIES;
  protected readonly maxUsesLimit = ADMIN.inviteMaxUses;

  protected maxUses = '';
  protected expiresInSec = 7 * 86_400;
  protected readonly created = signal<InviteCreated[]>([]);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly usesInvalid = signal(false);

  protected when(iso: string | undefined): string {
    return formatWhen(this.i18n, iso);
  }

  async create(): Promise<void> {
    if (this.busy()) return;
    const body = inviteBody(String(this.maxUses ?? ''), Number(this.expiresInSec));
    this.usesInvalid.set(!body);
    if (!body) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const invite = await this.api.createInvite(body);
      this.created.update((list) => [invite, ...list]);
    } catch (err) {
      this.error.set(adminError(this.i18n, err));
    } finally {
      this.busy.set(false);
    }
  }
}

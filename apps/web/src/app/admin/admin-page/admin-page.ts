import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import type { I18nKey } from '../../core/i18n/i18n.dictionary';
import { I18nService } from '../../core/i18n/i18n.service';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';

/** The console's sections, each a child route of /admin. */
export const ADMIN_SECTIONS: readonly { path: string; label: I18nKey }[] = [
  { path: 'users', label: 'admin.tab.users' },
  { path: 'invites', label: 'admin.tab.invites' },
  { path: 'settings', label: 'admin.tab.settings' },
  { path: 'audit', label: 'admin.tab.audit' },
  { path: 'stats', label: 'admin.tab.stats' },
];

/**
 * The admin console (`/admin`, SPEC §8): users, invites, settings, audit log, stats. Only
 * server admins and the owner reach it (adminGuard); the API refuses anyone else regardless.
 */
@Component({
  selector: 'hihi-admin-page',
  imports: [RouterLink, RouterLinkActive, RouterOutlet, LangToggle],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './admin-page.html',
  styleUrl: './admin-page.css',
})
export class AdminPage {
  protected readonly i18n = inject(I18nService);
  protected readonly sections = ADMIN_SECTIONS;
}

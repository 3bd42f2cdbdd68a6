import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import {
  ACCOUNT_ROLES,
  ADMIN,
  type AccountRole,
  type AccountStatus,
  type AdminUser,
  type PasswordResetLink,
  serverRoleRank,
} from '@hihi/contracts';
import { AdminApiService } from '../../core/api/admin-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { adminError, formatWhen, serverRoleLabel } from '../admin-text';
import { CopyLink } from '../copy-link/copy-link';

/** What the viewer may do to one account (mirrors AdminPolicy; the server decides). */
export function userAbilities(
  myRole: AccountRole | undefined,
  myId: string | undefined,
  target: Pick<AdminUser, 'role'> & { user: { id: string } },
): { roles: AccountRole[]; act: boolean; deactivate: boolean } {
  const mine = serverRoleRank(myRole);
  const act = mine >= serverRoleRank('admin') && serverRoleRank(target.role) <= mine;
  const self = target.user.id === myId;
  return {
    roles: act && !self ? ACCOUNT_ROLES.filter((r) => serverRoleRank(r) <= mine) : [],
    act,
    deactivate: act && !self,
  };
}

/** Users: search, filter, change a role, deactivate (with a reason) or reactivate, create a reset link. */
@Component({
  selector: 'hihi-admin-users',
  imports: [FormsModule, CopyLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './admin-users.html',
  styleUrl: '../admin-section.css',
})
export class AdminUsers {
  private readonly api = inject(AdminApiService);
  private readonly auth = inject(AuthService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  protected readonly i18n = inject(I18nService);
  protected readonly roles = ACCOUNT_ROLES;
  protected readonly reasonMax = ADMIN.reasonMax;

  protected q = '';
  protected roleFilter: AccountRole | '' = '';
  protected statusFilter: AccountStatus | '' = '';
  protected reason = '';

  protected readonly users = signal<AdminUser[]>([]);
  protected readonly nextCursor = signal<string | undefined>(undefined);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal('');
  /** the account whose deactivate form is open */
  protected readonly confirming = signal<string | null>(null);
  protected readonly busy = signal<string | null>(null);
  protected readonly resetLinks = signal<Record<string, PasswordResetLink>>({});

  private readonly me = computed(() => this.auth.user());

  constructor() {
    void this.search();
  }

  protected can(u: AdminUser) {
    const me = this.me();
    return userAbilities(me?.role as AccountRole | undefined, me?.id, u);
  }

  protected isMe(u: AdminUser): boolean {
    return u.user.id === this.me()?.id;
  }

  protected name(u: AdminUser): string {
    return u.user.displayName || u.user.username;
  }

  protected roleLabel(role: AccountRole): string {
    return serverRoleLabel(this.i18n, role);
  }

  protected statusLabel(status: AccountStatus): string {
    return this.i18n.t(status === 'active' ? 'admin.status.active' : 'admin.status.deactivated');
  }

  protected when(iso: string | undefined): string {
    return formatWhen(this.i18n, iso);
  }

  async search(): Promise<void> {
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
      const page = await this.api.users({
        q: this.q.trim() || undefined,
        role: this.roleFilter || undefined,
        status: this.statusFilter || undefined,
        cursor: append ? this.nextCursor() : undefined,
      });
      this.users.update((list) => (append ? [...list, ...page.users] : page.users));
      this.nextCursor.set(page.nextCursor);
    } catch (err) {
      this.error.set(adminError(this.i18n, err));
    } finally {
      this.loading.set(false);
    }
  }

  private replace(updated: AdminUser): void {
    this.users.update((list) => list.map((u) => (u.user.id === updated.user.id ? updated : u)));
  }

  private async act(u: AdminUser, fn: () => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(u.user.id);
    this.error.set(null);
    try {
      await fn();
    } catch (err) {
      this.error.set(adminError(this.i18n, err));
    } finally {
      this.busy.set(null);
    }
  }

  async setRole(u: AdminUser, role: AccountRole, select: HTMLSelectElement): Promise<void> {
    if (role === u.role) return;
    await this.act(u, async () => {
      try {
        const updated = await this.api.setRole(u.user.id, role);
        this.replace(updated);
        this.notice.set(
          this.i18n.t('admin.users.roleChanged', { name: this.name(u), role: this.roleLabel(updated.role) }),
        );
      } catch (err) {
        select.value = u.role;
        throw err;
      }
    });
  }

  /** Moves the focus after the next render (the control that had it may be gone). */
  private focusLater(selector: string): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(), {
      injector: this.injector,
    });
  }

  /** The row's first control, where the focus returns when its form closes (usernames and ids need no quoting). */
  private focusRow(u: AdminUser): void {
    this.focusLater(`[data-username="${u.user.username}"] .row__actions :is(select, button)`);
  }

  openDeactivate(u: AdminUser): void {
    this.reason = '';
    this.confirming.set(u.user.id);
    this.focusLater(`[id="reason-${u.user.id}"]`);
  }

  cancelDeactivate(u: AdminUser): void {
    this.confirming.set(null);
    this.focusRow(u);
  }

  async deactivate(u: AdminUser): Promise<void> {
    const reason = this.reason.trim();
    await this.act(u, async () => {
      await this.api.deactivate(u.user.id, reason || undefined);
      this.replace({ ...u, status: 'deactivated' });
      this.confirming.set(null);
      this.focusRow(u);
      this.notice.set(this.i18n.t('admin.users.deactivated', { name: this.name(u) }));
    });
  }

  async reactivate(u: AdminUser): Promise<void> {
    await this.act(u, async () => {
      await this.api.reactivate(u.user.id);
      this.replace({ ...u, status: 'active' });
      this.focusRow(u);
      this.notice.set(this.i18n.t('admin.users.reactivated', { name: this.name(u) }));
    });
  }

  async resetLink(u: AdminUser): Promise<void> {
    await this.act(u, async () => {
      const link = await this.api.resetLink(u.user.id);
      this.resetLinks.update((all) => ({ ...all, [u.user.id]: link }));
    });
  }
}

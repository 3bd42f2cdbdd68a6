import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { RoomMember, RoomRole } from '@hihi/contracts';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { Avatar } from '../../shared/avatar/avatar';
import { ChatStore } from '../chat-store.service';
import { assignableRoles, canRemove } from '../permissions';
import { UserInput } from '../user-input/user-input';

interface MemberRow {
  member: RoomMember;
  self: boolean;
  removable: boolean;
  roles: RoomRole[];
}

/**
 * The members of the open room with their roles; invite by username, remove, change role and
 * leave — each shown only to those allowed (permissions.ts mirrors SPEC §7). `room:member`
 * events keep the list current.
 */
@Component({
  selector: 'hihi-members-panel',
  imports: [FormsModule, Avatar, UserInput],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './members-panel.html',
  styleUrl: './members-panel.css',
})
export class MembersPanel {
  protected readonly store = inject(ChatStore);
  protected readonly i18n = inject(I18nService);

  protected readonly invitee = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly done = signal<string | null>(null);
  /** the member whose removal waits for a confirmation */
  protected readonly confirmRemove = signal<string | null>(null);
  protected readonly confirmLeave = signal(false);

  protected readonly list = this.store.activeMembersList;
  protected readonly can = this.store.activeAbilities;
  protected readonly count = computed(() => {
    const list = this.list();
    return list.loaded && !list.nextCursor ? list.members.length : (this.store.activeRoom()?.memberCount ?? 0);
  });
  protected readonly rows = computed<MemberRow[]>(() => {
    const meId = this.store.me()?.id;
    const mine = this.can().role;
    return this.list().members.map((member) => {
      const self = member.user.id === meId;
      return {
        member,
        self,
        removable: canRemove(mine, member.role, self),
        roles: assignableRoles(mine, member.role, self),
      };
    });
  });
  protected readonly memberNames = computed(() => this.list().members.map((m) => m.user.username));

  constructor() {
    effect(() => {
      const roomId = this.store.activeRoomId();
      untracked(() => {
        this.error.set(null);
        this.done.set(null);
        this.confirmRemove.set(null);
        this.confirmLeave.set(false);
        if (roomId) this.load(false);
      });
    });
  }

  protected load(more: boolean): void {
    this.store.loadMembers(more).catch((err: unknown) => this.error.set(this.message(err)));
  }

  protected async invite(): Promise<void> {
    const username = this.invitee().trim().replace(/^@/, '');
    if (!username || this.busy()) return;
    await this.run(async () => {
      await this.store.invite(username);
      this.invitee.set('');
      this.done.set(this.i18n.t('members.invited', { name: username }));
    });
  }

  protected async remove(row: MemberRow): Promise<void> {
    await this.run(async () => {
      await this.store.removeMember(row.member.user.id);
      this.confirmRemove.set(null);
      this.done.set(this.i18n.t('members.removed', { name: row.member.user.displayName || row.member.user.username }));
    });
  }

  protected async setRole(row: MemberRow, role: string): Promise<void> {
    if (!row.roles.includes(role as RoomRole) || role === row.member.role) return;
    await this.run(async () => {
      await this.store.setMemberRole(row.member.user.id, role as RoomRole);
      this.done.set(
        this.i18n.t('members.roleChanged', {
          name: row.member.user.displayName || row.member.user.username,
          role: this.i18n.t(`role.${role as RoomRole}`),
        }),
      );
    });
  }

  protected async leave(): Promise<void> {
    const roomId = this.store.activeRoomId();
    if (!roomId) return;
    await this.run(() => this.store.leave(roomId));
  }

  protected roleLabel(role: RoomRole): string {
    return this.i18n.t(`role.${role}`);
  }

  private async run(action: () => Promise<unknown>): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    this.done.set(null);
    try {
      await action();
    } catch (err) {
      this.error.set(this.message(err));
    } finally {
      this.busy.set(false);
    }
  }

  private message(err: unknown): string {
    const status = httpStatus(err);
    if (status === 0) return this.i18n.t('error.network');
    if (status === 404) return this.i18n.t('members.notFound');
    if (status === 403) return this.i18n.t('members.forbidden');
    if (status === 409) return this.i18n.t('members.conflict', { message: httpErrorMessage(err) ?? '' });
    if (status === 429) return this.i18n.t('rooms.tooFast');
    return this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) });
  }
}

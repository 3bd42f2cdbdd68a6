import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { LOBBY_ROOM_ID, MODERATION, type RoomMember, type RoomRole } from '@hihi/contracts';
import type { I18nKey } from '../../core/i18n/i18n.dictionary';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { Avatar } from '../../shared/avatar/avatar';
import { BotTag } from '../../shared/bot-tag/bot-tag';
import { BanList } from '../../moderation/ban-list/ban-list';
import { ChatStore } from '../chat-store.service';
import { assignableRoles, canModerate, canRemove } from '../permissions';
import { UserInput } from '../user-input/user-input';

interface MemberRow {
  member: RoomMember;
  self: boolean;
  removable: boolean;
  roles: RoomRole[];
  /** may be muted and banned by the viewer */
  moderatable: boolean;
}

/** The mute durations offered (seconds; 0 = until lifted). */
export const MUTE_DURATIONS: readonly { sec: number; label: I18nKey }[] = [
  { sec: 600, label: 'mod.d10m' },
  { sec: 3600, label: 'mod.d1h' },
  { sec: 86_400, label: 'mod.d1d' },
  { sec: 0, label: 'mod.dForever' },
];

/**
 * The members of the open room with their roles; invite by username, remove, change role and
 * leave — each shown only to those allowed (permissions.ts mirrors SPEC §7). `room:member`
 * events keep the list current.
 */
@Component({
  selector: 'hihi-members-panel',
  imports: [FormsModule, Avatar, BanList, BotTag, UserInput],
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
  /** the member whose moderation controls are open, and which form shows */
  protected readonly moderating = signal<{ id: string; form: 'menu' | 'ban' } | null>(null);
  protected readonly durations = MUTE_DURATIONS;
  protected readonly reasonMax = MODERATION.reasonMax;
  protected muteSec = 600;
  protected reason = '';
  protected readonly lobby = computed(() => this.store.activeRoomId() === LOBBY_ROOM_ID);

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
        moderatable: this.can().moderate && canModerate(mine, member.role, self),
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
        this.moderating.set(null);
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

  protected name(row: MemberRow): string {
    return row.member.user.displayName || row.member.user.username;
  }

  protected toggleModerate(row: MemberRow): void {
    const open = this.moderating()?.id === row.member.user.id;
    this.reason = '';
    this.muteSec = 600;
    this.moderating.set(open ? null : { id: row.member.user.id, form: 'menu' });
  }

  protected mutedLabel(m: RoomMember): string | null {
    if (m.mutedUntil === undefined) return null;
    if (m.mutedUntil === null) return this.i18n.t('mod.mutedForever');
    const time = new Intl.DateTimeFormat(this.i18n.locale(), { dateStyle: 'short', timeStyle: 'short' }).format(
      new Date(m.mutedUntil),
    );
    return this.i18n.t('mod.mutedUntil', { time });
  }

  protected async mute(row: MemberRow): Promise<void> {
    const sec = Number(this.muteSec);
    const reason = this.reason.trim();
    await this.run(async () => {
      await this.store.mute(row.member.user.id, sec > 0 ? sec : undefined, reason || undefined);
      this.moderating.set(null);
      this.done.set(this.i18n.t('mod.muted', { name: this.name(row) }));
    });
  }

  protected async unmute(row: MemberRow): Promise<void> {
    await this.run(async () => {
      await this.store.unmute(row.member.user.id);
      this.moderating.set(null);
      this.done.set(this.i18n.t('mod.unmuted', { name: this.name(row) }));
    });
  }

  protected async ban(row: MemberRow): Promise<void> {
    const reason = this.reason.trim();
    await this.run(async () => {
      await this.store.ban(row.member.user.id, reason || undefined);
      this.moderating.set(null);
      this.done.set(this.i18n.t('mod.banned', { name: this.name(row) }));
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

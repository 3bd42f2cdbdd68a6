import { Injectable, computed, inject, signal } from '@angular/core';
import { LIMITS, type PublicUser, type RoomMember, type RoomMemberEvent, type RoomRole } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { RoomsStore } from './rooms.store';

export interface MemberList {
  members: RoomMember[];
  /** more members on the server (GET …/members?cursor=) */
  nextCursor?: string;
  loading: boolean;
  loaded: boolean;
}

export const EMPTY_MEMBERS: MemberList = { members: [], loading: false, loaded: false };

/** Owners first, then moderators, then members; by name within each. */
function sortMembers(members: RoomMember[]): RoomMember[] {
  const order: Record<RoomRole, number> = { owner: 0, moderator: 1, member: 2 };
  return members.sort(
    (a, b) =>
      order[a.role] - order[b.role] ||
      (a.user.displayName || a.user.username).localeCompare(b.user.displayName || b.user.username),
  );
}

/**
 * The members of rooms whose member panel was opened (GET /api/rooms/:id/members), kept current
 * by `room:member` events; invite, remove and role changes go through here.
 */
@Injectable()
export class MembersStore {
  private readonly api = inject(ChatApiService);
  private readonly rooms = inject(RoomsStore);
  private readonly me = inject(AuthService).user;

  readonly lists = signal<Record<string, MemberList>>({});
  readonly activeList = computed(() => this.lists()[this.rooms.activeId() ?? ''] ?? EMPTY_MEMBERS);

  /** Loads the first page of a room's members, or with `more` the next one. Errors reach the caller. */
  async load(roomId: string, more = false): Promise<void> {
    const list = this.lists()[roomId] ?? EMPTY_MEMBERS;
    if (list.loading || (more && !list.nextCursor)) return;
    this.patch(roomId, (l) => ({ ...l, loading: true }));
    try {
      const page = await this.api.members(roomId, {
        limit: LIMITS.membersDefault,
        ...(more && list.nextCursor ? { cursor: list.nextCursor } : {}),
      });
      this.patch(roomId, (l) => ({
        members: sortMembers(more ? merge(l.members, page.members) : merge([], page.members)),
        nextCursor: page.nextCursor,
        loading: false,
        loaded: true,
      }));
    } catch (err) {
      this.patch(roomId, (l) => ({ ...l, loading: false }));
      throw err;
    }
  }

  /** A `room:member` event: the list (when loaded) and the viewer's own role follow it. */
  apply(e: RoomMemberEvent): void {
    if (!e?.roomId || !e.user?.id) return;
    const gone = e.change === 'left' || e.change === 'removed';
    if (e.user.id === this.me()?.id && !gone && this.rooms.find(e.roomId)) this.rooms.patch(e.roomId, { role: e.role });
    if (!this.lists()[e.roomId]?.loaded) return;
    this.patch(e.roomId, (l) => {
      const rest = l.members.filter((m) => m.user.id !== e.user.id);
      if (gone) return rest.length === l.members.length ? l : { ...l, members: rest };
      const before = l.members.find((m) => m.user.id === e.user.id);
      const member: RoomMember = { ...before, user: e.user, role: e.role };
      if (e.change === 'muted') member.mutedUntil = e.mutedUntil ?? null;
      if (e.change === 'unmuted') delete member.mutedUntil;
      return { ...l, members: sortMembers([...rest, member]) };
    });
  }

  /** A `user:updated` event: the person's name and picture in every loaded list. */
  renamed(user: PublicUser): void {
    if (!user?.id) return;
    this.lists.update((all) => {
      let changed = false;
      const next: typeof all = {};
      for (const [roomId, l] of Object.entries(all)) {
        if (!l.members.some((m) => m.user.id === user.id)) {
          next[roomId] = l;
          continue;
        }
        changed = true;
        next[roomId] = {
          ...l,
          members: l.members.map((m) =>
            m.user.id === user.id
              ? { ...m, user: { ...m.user, displayName: user.displayName, avatarUrl: user.avatarUrl } }
              : m,
          ),
        };
      }
      return changed ? next : all;
    });
  }

  /** Invites someone by username; they are in the list at once. */
  async invite(roomId: string, username: string): Promise<RoomMember> {
    const member = await this.api.addMember(roomId, username);
    this.apply({ roomId, user: member.user, change: 'joined', role: member.role });
    return member;
  }

  async remove(roomId: string, userId: string): Promise<void> {
    const member = this.lists()[roomId]?.members.find((m) => m.user.id === userId);
    await this.api.removeMember(roomId, userId);
    if (member) this.apply({ roomId, user: member.user, change: 'removed', role: member.role });
  }

  async setRole(roomId: string, userId: string, role: RoomRole): Promise<RoomMember> {
    const member = await this.api.setMemberRole(roomId, userId, role);
    this.apply({ roomId, user: member.user, change: 'role', role: member.role });
    return member;
  }

  forget(roomId: string): void {
    if (this.lists()[roomId]) this.lists.update(({ [roomId]: _gone, ...rest }) => rest);
  }

  private patch(roomId: string, fn: (l: MemberList) => MemberList): void {
    this.lists.update((all) => {
      const before = all[roomId] ?? EMPTY_MEMBERS;
      const after = fn(before);
      return after === before ? all : { ...all, [roomId]: after };
    });
  }
}

function merge(existing: readonly RoomMember[], incoming: readonly RoomMember[]): RoomMember[] {
  const byId = new Map(existing.map((m) => [m.user.id, m]));
  for (const m of incoming) if (m?.user?.id) byId.set(m.user.id, m);
  return [...byId.values()];
}

import { Injectable, Optional } from '@nestjs/common';
import { LIMITS, MembersPage, MembersQuery, PublicUser, Room, RoomMember, RoomRole, ROOM_ROLES } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { MemberRow, RoomsRepository } from '../persistence/rooms.repository';
import { UsersRepository } from '../persistence/users.repository';
import { DomainEvents } from '../events/domain-events';
import { AccessService } from '../access/access.service';
import { Actor, userOf } from '../access/actor';
import { decodeCursor, encodeCursor } from './cursor';
import { RoomsService } from './rooms.service';
import { AuditTrail } from '../moderation/audit-trail';

const LAST_OWNER_LEAVES = 'the last owner cannot leave; make someone else an owner first';

export function toMember(row: MemberRow): RoomMember {
  const member: RoomMember = {
    user: {
      id: row.user_id,
      username: row.username,
      displayName: row.display_name,
      guest: false,
      ...(row.avatar_url ? { avatarUrl: row.avatar_url } : {}),
    },
    role: row.role,
  };
  if (row.muted) member.mutedUntil = row.muted_until ? new Date(row.muted_until).toISOString() : null;
  return member;
}

/**
 * Membership and room roles (SPEC §7): join, leave, the members list, invite, remove, change
 * role. The policy decides who may (AccessService); this service keeps the rules that need the
 * database — a room always keeps an owner. Every change is committed, then AccessService's cache
 * is invalidated in every chat process, then the domain event is emitted and awaited (fan-out
 * publishes room:member and, to the person concerned, room:removed) before the caller is answered.
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly users: UsersRepository,
    private readonly access: AccessService,
    private readonly domain: DomainEvents,
    private readonly roomsService: RoomsService,
    @Optional() private readonly audit?: AuditTrail,
  ) {}

  /** POST /api/rooms/:id/join: public rooms (and the lobby) for anyone signed in; already a member → the room. */
  async join(actor: Actor, roomId: string): Promise<Room> {
    const { membership } = await this.access.require(actor, roomId, 'join');
    if (!membership && actor.kind === 'user') {
      if (await this.rooms.addMember(roomId, actor.id)) {
        await this.access.changed(roomId);
        await this.domain.emit('member.added', {
          roomId,
          user: actor.user,
          role: 'member',
          by: actor,
          change: 'joined',
        });
      }
    }
    return this.roomsService.viewOf(actor.id, roomId);
  }

  /** POST /api/rooms/:id/leave: 409 for the last owner. */
  async leave(actor: Actor, roomId: string): Promise<void> {
    await this.access.require(actor, roomId, 'leave');
    await this.removeAndTell(roomId, userOf(actor), 'left', actor, LAST_OWNER_LEAVES);
  }

  async list(actor: Actor, roomId: string, q: MembersQuery): Promise<MembersPage> {
    await this.access.require(actor, roomId, 'view');
    const limit = q.limit ?? LIMITS.membersDefault;
    let after: { role: RoomRole; userId: string } | undefined;
    if (q.cursor) {
      const [role, userId] = decodeCursor(q.cursor, 2);
      if (!(ROOM_ROLES as readonly string[]).includes(role))
        throw new BusError('validation', 'cursor must be a nextCursor answered by a previous page');
      after = { role: role as RoomRole, userId };
    }
    const rows = await this.rooms.members(roomId, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      members: page.map(toMember),
      ...(rows.length > limit && last ? { nextCursor: encodeCursor([last.role, last.user_id]) } : {}),
    };
  }

  /** POST /api/rooms/:id/members: invite by username (private rooms: owners and moderators). */
  async add(actor: Actor, roomId: string, username: string): Promise<RoomMember> {
    await this.access.require(actor, roomId, 'invite');
    const found = await this.users.findByUsername(username);
    if (!found) throw new BusError('not_found', 'no such user');
    // a banned person is not invited back until the ban is lifted (SPEC §8)
    await this.access.require(actor, roomId, 'invite', { targetId: found.id });
    if (await this.rooms.addMember(roomId, found.id)) {
      await this.access.changed(roomId);
      const user: PublicUser = {
        id: found.id,
        username: found.username,
        displayName: found.display_name,
        guest: false,
      };
      await this.domain.emit('member.added', { roomId, user, role: 'member', by: actor, change: 'joined' });
    }
    return toMember((await this.rooms.member(roomId, found.id))!);
  }

  /** DELETE /api/rooms/:id/members/:userId: only someone above them (oneself: as leave). */
  async remove(actor: Actor, roomId: string, userId: string): Promise<void> {
    if (userId === actor.id) return this.leave(actor, roomId);
    await this.access.require(actor, roomId, 'remove', { targetId: userId });
    const row = await this.rooms.member(roomId, userId);
    if (!row) throw new BusError('not_found', 'no such member');
    await this.removeAndTell(roomId, toMember(row).user, 'removed', actor, 'a room always keeps an owner');
    await this.audit?.append(actor, {
      action: 'room.member.remove',
      target: { type: 'user', id: userId, label: row.username },
      details: { roomId, role: row.role },
    });
  }

  /**
   * A ban takes the person out of the room as a removal does (room:removed `banned`, then
   * room:member `removed`); the caller has checked the ban. Answers whether they were a member.
   */
  async expel(roomId: string, userId: string, by: Actor): Promise<boolean> {
    const row = await this.rooms.member(roomId, userId);
    if (!row) return false;
    await this.removeAndTell(roomId, toMember(row).user, 'banned', by, 'a room always keeps an owner');
    return true;
  }

  /** PATCH /api/rooms/:id/members/:userId: nobody grants above their own role or changes someone above them. */
  async setRole(actor: Actor, roomId: string, userId: string, role: RoomRole): Promise<RoomMember> {
    await this.access.require(actor, roomId, 'setRole', { targetId: userId, newRole: role });
    const row = await this.rooms.member(roomId, userId);
    if (!row) throw new BusError('not_found', 'no such member');
    if (row.role === role) return toMember(row);
    const changed = await this.rooms.setRole(roomId, userId, role);
    if (changed === 'last_owner')
      throw new BusError('conflict', 'a room always keeps an owner; make someone else an owner first');
    if (!changed) throw new BusError('not_found', 'no such member');
    await this.access.changed(roomId);
    const member = { ...toMember(row), role };
    await this.domain.emit('member.role', { roomId, user: member.user, role, by: actor });
    await this.audit?.append(actor, {
      action: 'room.member.role',
      target: { type: 'user', id: userId, label: row.username },
      details: { roomId, from: row.role, to: role },
    });
    return member;
  }

  /** Removes (the last owner never: `lastOwner` is the conflict's message), then tells. */
  private async removeAndTell(
    roomId: string,
    user: PublicUser,
    reason: 'left' | 'removed' | 'banned',
    by: Actor,
    lastOwner: string,
  ): Promise<void> {
    const role = await this.rooms.removeMember(roomId, user.id);
    if (role === 'last_owner') throw new BusError('conflict', lastOwner);
    if (!role) throw new BusError('not_found', 'no such member');
    await this.access.changed(roomId);
    await this.domain.emit('member.removed', { roomId, user, role, reason, by });
  }
}

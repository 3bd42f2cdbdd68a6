import { Injectable } from '@nestjs/common';
import {
  BansPage,
  BansQuery,
  ChatStats,
  MODERATION,
  PublicUser,
  roleAtLeast,
  RoomBan,
  RoomMute,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { AccessService } from '../access/access.service';
import { Actor } from '../access/actor';
import { DomainEvents } from '../events/domain-events';
import { BanRow, ModerationRepository } from '../persistence/moderation.repository';
import { RoomsRepository } from '../persistence/rooms.repository';
import { UsersRepository } from '../persistence/users.repository';
import { decodeCursor, encodeCursor } from '../rooms/cursor';
import { MembersService } from '../rooms/members.service';
import { AuditTrail } from './audit-trail';
import { ServerRoles } from './server-roles';

/** Options of an action that a report's resolution runs (it audits itself). */
export interface ActionOptions {
  audit?: boolean;
  correlationId?: string;
}

function toBan(row: BanRow): RoomBan {
  return {
    userId: row.user_id,
    ...(row.username
      ? {
          user: {
            id: row.user_id,
            username: row.username,
            displayName: row.display_name ?? row.username,
            guest: false,
          },
        }
      : {}),
    bannedAt: new Date(row.created_at).toISOString(),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

/**
 * Room moderation (SPEC §8): mutes and bans. Who may is the access policy's (`mute`, `ban`:
 * the actor at least a moderator of the room and above the target, server roles counted on
 * both sides; `moderate` to lift them). Each change is committed, the access cache of every
 * chat process told (`AccessService.changed`: the send path reads mutes and bans from there),
 * the room told (room:member muted/unmuted; a ban removes as §7 does), then audited — once.
 */
@Injectable()
export class ModerationService {
  constructor(
    private readonly repo: ModerationRepository,
    private readonly rooms: RoomsRepository,
    private readonly users: UsersRepository,
    private readonly access: AccessService,
    private readonly members: MembersService,
    private readonly domain: DomainEvents,
    private readonly roles: ServerRoles,
    private readonly audit: AuditTrail,
  ) {}

  /** The target as chat knows them (accounts only), or 404. */
  private async person(userId: string): Promise<PublicUser> {
    const row = await this.users.findById(userId);
    if (!row) throw new BusError('not_found', 'no such user');
    return { id: row.id, username: row.username, displayName: row.display_name, guest: false };
  }

  /** POST /api/rooms/:id/mutes: until `durationSec` from now, or until lifted. */
  async mute(
    actor: Actor,
    roomId: string,
    userId: string,
    durationSec: number | undefined,
    reason: string | undefined,
    opts: ActionOptions = {},
  ): Promise<RoomMute> {
    const targetServerRole = await this.roles.roleOf(userId);
    await this.access.require(actor, roomId, 'mute', { targetId: userId, targetServerRole });
    const user = await this.person(userId);
    if (
      durationSec !== undefined &&
      !(Number.isInteger(durationSec) && durationSec >= 1 && durationSec <= MODERATION.durationMaxSec)
    )
      throw new BusError('validation', `durationSec must be an integer from 1 to ${MODERATION.durationMaxSec}`);
    const until = durationSec !== undefined ? new Date(Date.now() + durationSec * 1000) : null;
    await this.repo.mute(roomId, userId, until, reason ?? null, actor.id);
    await this.access.changed(roomId);
    const mutedUntil = until ? until.toISOString() : null;
    const role = await this.access.roleOf(roomId, userId);
    if (role) await this.domain.emit('member.muted', { roomId, user, role, mutedUntil, by: actor });
    if (opts.audit !== false)
      await this.audit.append(
        actor,
        {
          action: 'room.mute',
          target: { type: 'user', id: userId, label: user.username },
          reason,
          details: { roomId, mutedUntil, ...(durationSec !== undefined ? { durationSec } : {}) },
        },
        opts.correlationId,
      );
    return { userId, mutedUntil };
  }

  /** DELETE /api/rooms/:id/mutes/:userId: 404 when no mute is in force. */
  async unmute(actor: Actor, roomId: string, userId: string, correlationId?: string): Promise<void> {
    await this.access.require(actor, roomId, 'moderate');
    if (!(await this.repo.unmute(roomId, userId))) throw new BusError('not_found', 'this person is not muted here');
    await this.access.changed(roomId);
    const row = await this.rooms.member(roomId, userId);
    const user: PublicUser = row
      ? { id: userId, username: row.username, displayName: row.display_name, guest: false }
      : { id: userId, username: userId, displayName: userId, guest: false };
    if (row) await this.domain.emit('member.muted', { roomId, user, role: row.role, by: actor });
    await this.audit.append(
      actor,
      { action: 'room.unmute', target: { type: 'user', id: userId, label: user.username }, details: { roomId } },
      correlationId,
    );
  }

  /** POST /api/rooms/:id/bans: out of the room at once (room:removed `banned`), and kept out. */
  async ban(
    actor: Actor,
    roomId: string,
    userId: string,
    reason: string | undefined,
    opts: ActionOptions = {},
  ): Promise<RoomBan> {
    const targetServerRole = await this.roles.roleOf(userId);
    await this.access.require(actor, roomId, 'ban', { targetId: userId, targetServerRole });
    const user = await this.person(userId);
    const member = await this.rooms.member(roomId, userId);
    if (member?.role === 'owner' && (await this.rooms.ownerCount(roomId)) <= 1)
      throw new BusError('conflict', 'a room always keeps an owner');
    const fresh = await this.repo.ban(roomId, userId, reason ?? null, actor.id);
    await this.access.changed(roomId);
    const removed = await this.members.expel(roomId, userId, actor);
    const ban = await this.repo.findBan(roomId, userId);
    if (fresh && opts.audit !== false)
      await this.audit.append(
        actor,
        {
          action: 'room.ban',
          target: { type: 'user', id: userId, label: user.username },
          reason,
          details: { roomId, removed },
        },
        opts.correlationId,
      );
    return ban ? toBan(ban) : { userId, bannedAt: new Date().toISOString() };
  }

  /** DELETE /api/rooms/:id/bans/:userId: they may join (or be invited) again. */
  async unban(actor: Actor, roomId: string, userId: string, correlationId?: string): Promise<void> {
    await this.access.require(actor, roomId, 'moderate');
    const ban = await this.repo.findBan(roomId, userId);
    if (!ban || !(await this.repo.unban(roomId, userId)))
      throw new BusError('not_found', 'this person is not banned here');
    await this.access.changed(roomId);
    await this.audit.append(
      actor,
      {
        action: 'room.unban',
        target: { type: 'user', id: userId, label: ban.username ?? userId },
        details: { roomId },
      },
      correlationId,
    );
  }

  /** GET /api/rooms/:id/bans: newest first. */
  async bans(actor: Actor, roomId: string, q: BansQuery): Promise<BansPage> {
    await this.access.require(actor, roomId, 'moderate');
    const limit = q.limit ?? MODERATION.bansPageDefault;
    let after: { at: Date; userId: string } | undefined;
    if (q.cursor) {
      const [at, userId] = decodeCursor(q.cursor, 2);
      const t = new Date(at);
      if (Number.isNaN(t.getTime()))
        throw new BusError('validation', 'cursor must be a nextCursor answered by a previous page');
      after = { at: t, userId };
    }
    const rows = await this.repo.bans(roomId, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      bans: page.map(toBan),
      ...(rows.length > limit && last
        ? { nextCursor: encodeCursor([new Date(last.created_at).toISOString(), last.user_id]) }
        : {}),
    };
  }

  /** chat's figures of GET /api/admin/stats: server admins and the owner only. */
  async stats(actor: Actor): Promise<ChatStats> {
    if (actor.kind !== 'user' || !roleAtLeast(actor.serverRole, 'admin'))
      throw new BusError('forbidden', 'only server admins see the server figures');
    const s = await this.repo.stats();
    return { rooms: s.rooms, messages: Number(s.messages), messagesToday: s.messages_today };
  }
}

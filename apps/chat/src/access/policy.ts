import { ErrorCode, LOBBY_ROOM_ID, PostPolicy, RoomKind, RoomRole, ServerRole } from '@hihi/contracts';
import { Actor } from './actor';

/**
 * THE access policy (docs/security.md "Who may do what"): one pure function from the actor,
 * the room's facts, the actor's membership and the action to allowed, or refused with the
 * answer to give. AccessService feeds it from its cache; every bus handler goes through that.
 *
 * Ranks: member 1 < moderator 2 < owner 3 < server admin/owner acting in a public or private
 * room 4 (they act as owners of every such room, above its own owners). Server moderators act
 * as moderators of public and private rooms. Nobody but members ever sees a DM, group or duck
 * room — server admins included. A room one may not see answers `not_found`, exactly like an
 * unknown room.
 */
export type RoomAction =
  /** see the room: room:join, history, members, search in it, its uploads, read marks */
  | 'view'
  /** message:send */
  | 'post'
  /** message:react */
  | 'react'
  /** edit or delete one's own message */
  | 'editOwn'
  /** become a member (POST /api/rooms/:id/join) */
  | 'join'
  | 'leave'
  /** add someone (POST /api/rooms/:id/members) */
  | 'invite'
  /** remove someone else (needs `target`) */
  | 'remove'
  /** change someone's room role (needs `target` and `newRole`) */
  | 'setRole'
  /** rename, topic, slow mode, post policy */
  | 'update'
  /** archive or unarchive */
  | 'archive'
  /** delete someone else's message (needs `target`/`targetServerRole`: its sender) — SPEC §8 */
  | 'deleteAny'
  /** mute someone (needs the target; they need not be a member) */
  | 'mute'
  /** ban someone (needs the target; they need not be a member) */
  | 'ban'
  /** the room's moderation: lift mutes and bans, list bans, see and dismiss its reports */
  | 'moderate'
  /** report a message of the room */
  | 'report';

export const ROOM_ACTIONS: readonly RoomAction[] = [
  'view',
  'post',
  'react',
  'editOwn',
  'join',
  'leave',
  'invite',
  'remove',
  'setRole',
  'update',
  'archive',
  'deleteAny',
  'mute',
  'ban',
  'moderate',
  'report',
];

/** What the policy needs of a room (cached per process, invalidated on every change). */
export interface RoomFacts {
  id: string;
  kind: RoomKind;
  archived: boolean;
  postPolicy: PostPolicy;
  slowModeSec: number;
}

/** A person's standing in a room beside their role (SPEC §8): muted until when, banned. */
export interface Standing {
  /** ms since the epoch; Infinity: until lifted; absent: not muted */
  mutedUntil?: number;
  banned?: boolean;
}

/** A person's role (null: not a member) and standing (mute, ban) in one room, as AccessService caches it. */
export interface MemberFacts {
  role: RoomRole | null;
  standing: Standing;
}

export interface AccessRequest {
  actor: Actor;
  room: RoomFacts;
  /** the actor's room role; null: not a member */
  membership: RoomRole | null;
  action: RoomAction;
  /** remove / setRole / deleteAny / mute / ban: the other person's room role (null: not a member) */
  target?: RoomRole | null;
  /** deleteAny / mute / ban: the other person's server role (their rank counts it, as the actor's does) */
  targetServerRole?: ServerRole;
  /** setRole: the role to give */
  newRole?: RoomRole;
  /** the actor's mute and ban in this room */
  standing?: Standing;
  /** invite: the invited person's standing (banned people are not invited) */
  targetStanding?: Standing;
  /** now, ms (mutes end by comparing with it); default Date.now() */
  now?: number;
}

export type Decision =
  { allowed: true; rank: number } | { allowed: false; code: ErrorCode; message: string; until?: string | null };

const ROOM_RANK: Record<RoomRole, number> = { member: 1, moderator: 2, owner: 3 };
export const ADMIN_RANK = 4;

export function roomRank(role: RoomRole | null | undefined): number {
  return role ? ROOM_RANK[role] : 0;
}

const NOT_FOUND = { allowed: false, code: 'not_found', message: 'no such room' } as const;
const deny = (code: ErrorCode, message: string): Decision => ({ allowed: false, code, message });

/** Kinds whose members hold roles and that server staff look after. */
function isCommunity(kind: RoomKind): boolean {
  return kind === 'public' || kind === 'private';
}

/** The actor's rank in the room: their room role, raised by their server role in public and private rooms. */
export function effectiveRank(actor: Actor, room: RoomFacts, membership: RoomRole | null): number {
  if (actor.kind === 'guest') return room.kind === 'bot' ? roomRank(membership) : 0;
  // the lobby keeps everyone signed in (provisioning records the membership; it never depends on it)
  const own =
    actor.kind === 'user' && room.id === LOBBY_ROOM_ID ? Math.max(roomRank(membership), 1) : roomRank(membership);
  if (actor.kind !== 'user' || !isCommunity(room.kind)) return own;
  if (actor.serverRole === 'owner' || actor.serverRole === 'admin') return ADMIN_RANK;
  if (actor.serverRole === 'moderator') return Math.max(own, ROOM_RANK.moderator);
  return own;
}

/** The rank a person with this server role and room role has in the room (the target of a moderation action). */
export function rankOfRoles(serverRole: ServerRole, room: RoomFacts, membership: RoomRole | null): number {
  const own = roomRank(membership);
  if (serverRole === 'guest' || !isCommunity(room.kind)) return own;
  if (serverRole === 'owner' || serverRole === 'admin') return ADMIN_RANK;
  if (serverRole === 'moderator') return Math.max(own, ROOM_RANK.moderator);
  return own;
}

const WRITES: ReadonlySet<RoomAction> = new Set(['post', 'react', 'editOwn']);

/** Is a mute in force at `now`? */
export function mutedAt(standing: Standing | undefined, now: number): boolean {
  return standing?.mutedUntil !== undefined && standing.mutedUntil > now;
}

/** A mute's end as the API says it: ISO-8601 UTC, null until lifted. */
export function untilOf(mutedUntil: number): string | null {
  return Number.isFinite(mutedUntil) ? new Date(mutedUntil).toISOString() : null;
}

export function decide(req: AccessRequest): Decision {
  const { actor, room, membership, action } = req;

  // bots write where a member's message triggered them (the runner decides where); never manage rooms
  if (actor.kind === 'bot') {
    if (action === 'view') return { allowed: true, rank: ROOM_RANK.member };
    if (!WRITES.has(action)) return deny('forbidden', 'bots do not manage rooms');
    if (room.archived) return deny('forbidden', 'this room is archived (read-only)');
    return { allowed: true, rank: ROOM_RANK.member };
  }

  // an integration sees and writes its own room only (SPEC §9); it was set up by the room's moderators
  if (actor.kind === 'integration') {
    if (room.id !== actor.roomId) return NOT_FOUND;
    if (action === 'view') return { allowed: true, rank: ROOM_RANK.moderator };
    if (action !== 'post') return deny('forbidden', 'integrations only post');
    if (room.archived) return deny('forbidden', 'this room is archived (read-only)');
    return { allowed: true, rank: ROOM_RANK.moderator };
  }

  // public rooms are no secret, but guests only chat with the duck (SPEC §5): 403, as to a non-member
  if (actor.kind === 'guest' && room.kind === 'public') return deny('forbidden', 'sign in to take part in this room');
  // banned (SPEC §8): a private room is gone for them (404), a public one refuses them (403)
  if (req.standing?.banned && action !== 'leave') {
    if (room.kind !== 'public') return NOT_FOUND;
    return deny('forbidden', 'you are banned from this room');
  }
  const rank = effectiveRank(actor, room, membership);
  // public rooms are no secret to signed-in people; every other room is, to non-members
  if (rank === 0 && !(room.kind === 'public' && actor.kind === 'user')) return NOT_FOUND;
  const ok: Decision = { allowed: true, rank };
  const lobby = room.id === LOBBY_ROOM_ID;
  const now = req.now ?? Date.now();

  switch (action) {
    case 'view':
      return rank > 0 ? ok : deny('forbidden', 'join this room first');

    case 'post':
    case 'react':
    case 'editOwn':
      if (rank === 0) return deny('forbidden', 'join this room first');
      if (room.archived) return deny('forbidden', 'this room is archived (read-only)');
      if (action === 'post' && room.postPolicy === 'moderators' && rank < ROOM_RANK.moderator)
        return deny('forbidden', 'only moderators post in this room');
      if (mutedAt(req.standing, now)) {
        const until = untilOf(req.standing!.mutedUntil!);
        return {
          allowed: false,
          code: 'forbidden',
          message: until ? `you are muted in this room until ${until}` : 'you are muted in this room',
          until,
        };
      }
      return ok;

    case 'join':
      return ok; // public: anyone signed in; the others: only who may see them (members, admins for private)

    case 'leave':
      if (lobby) return deny('forbidden', 'everyone stays in the lobby');
      if (!membership) return NOT_FOUND;
      if (room.kind === 'dm' || room.kind === 'bot') return deny('forbidden', 'this conversation cannot be left');
      return ok; // the last owner: RoomsService answers conflict

    case 'invite':
      if (rank === 0) return deny('forbidden', 'join this room first');
      if (lobby) return deny('forbidden', 'everyone is in the lobby already');
      if (!isCommunity(room.kind)) return deny('forbidden', 'people are added to this kind of room when it is opened');
      if (room.kind === 'private' && rank < ROOM_RANK.moderator)
        return deny('forbidden', 'only owners and moderators invite to a private room');
      if (req.targetStanding?.banned)
        return deny('forbidden', 'this person is banned from this room; lift the ban first');
      return ok;

    case 'remove':
    case 'setRole': {
      if (rank === 0) return deny('forbidden', 'join this room first');
      if (lobby || !isCommunity(room.kind)) return deny('forbidden', 'members of this room have no roles to manage');
      if (!req.target) return deny('not_found', 'no such member');
      if (rank < ROOM_RANK.moderator) return deny('forbidden', 'only owners and moderators manage members');
      const target = roomRank(req.target);
      if (action === 'remove') return target < rank ? ok : deny('forbidden', 'you can only remove members below you');
      if (target > rank) return deny('forbidden', 'you cannot change the role of someone above you');
      if (roomRank(req.newRole) > rank) return deny('forbidden', 'you cannot grant a role above your own');
      return ok;
    }

    case 'update':
      if (rank === 0) return deny('forbidden', 'join this room first');
      if (room.kind === 'dm' || room.kind === 'bot') return deny('forbidden', 'this room has no settings');
      if (room.kind === 'group') return ok;
      return rank >= ROOM_RANK.moderator ? ok : deny('forbidden', 'only owners and moderators change the room');

    case 'archive':
      if (rank === 0) return deny('forbidden', 'join this room first');
      if (lobby || !isCommunity(room.kind)) return deny('forbidden', 'this room cannot be archived');
      return rank >= ROOM_RANK.owner ? ok : deny('forbidden', 'only owners archive a room');

    case 'deleteAny':
    case 'mute':
    case 'ban': {
      if (rank === 0) return deny('forbidden', 'join this room first');
      if (!isCommunity(room.kind)) return deny('forbidden', 'there is no moderation in this kind of room');
      if (action === 'ban' && lobby) return deny('forbidden', 'everyone stays in the lobby; mute instead');
      if (rank < ROOM_RANK.moderator) return deny('forbidden', 'only owners and moderators moderate this room');
      const target = rankOfRoles(req.targetServerRole ?? 'member', room, req.target ?? null);
      if (target >= rank)
        return deny(
          'forbidden',
          action === 'deleteAny'
            ? 'you can only delete messages of people below you'
            : `you can only ${action} people below you`,
        );
      return ok;
    }

    case 'moderate':
      if (rank === 0) return deny('forbidden', 'join this room first');
      if (!isCommunity(room.kind)) return deny('forbidden', 'there is no moderation in this kind of room');
      return rank >= ROOM_RANK.moderator ? ok : deny('forbidden', 'only owners and moderators moderate this room');

    case 'report':
      // reports go to the room's moderators and server moderators: public and private rooms only
      if (rank === 0) return deny('forbidden', 'join this room first');
      if (!isCommunity(room.kind)) return deny('forbidden', 'messages of this kind of room cannot be reported');
      return ok;
  }
}

import { LOBBY_ROOM_ID, type PublicUser, ROOM_ROLES, type Room, type RoomRole } from '@hihi/contracts';

/**
 * What the viewer may do in a room, for showing only the controls they can use (SPEC §7). The
 * server decides; this mirrors its rules so nobody is offered a button that can only fail.
 */
export interface RoomAbilities {
  /** the viewer's effective room role (server owners and admins act as owners of public and private rooms) */
  role: RoomRole | null;
  /** the room has a member list worth showing */
  members: boolean;
  invite: boolean;
  leave: boolean;
  /** rename, topic */
  edit: boolean;
  archive: boolean;
  /** messages may be sent (not archived; in an announcement room only by moderators) */
  post: boolean;
  /** delete others' messages, mute and ban (room moderators and owners, server moderators and above; SPEC §8) */
  moderate: boolean;
  /** report others' messages (any member of a public or private room) */
  report: boolean;
  /** slow mode applies to the viewer (moderators are exempt) */
  slowed: boolean;
}

const rank = (role: RoomRole | null | undefined): number => (role ? ROOM_ROLES.length - ROOM_ROLES.indexOf(role) : 0);
/** Room roles from the highest down. */
export const ROLES_HIGH_FIRST: readonly RoomRole[] = ROOM_ROLES;

/** The viewer's room role, counting a server owner or admin as an owner of public and private rooms. */
export function effectiveRole(room: Pick<Room, 'kind' | 'role'>, me: Pick<PublicUser, 'role'> | null): RoomRole | null {
  const community = room.kind === 'public' || room.kind === 'private';
  const staff = me?.role === 'owner' || me?.role === 'admin';
  if (staff && community) return 'owner';
  // server moderators act as moderators of public and private rooms (SPEC §8)
  if (me?.role === 'moderator' && community && rank(room.role) < rank('moderator')) return 'moderator';
  return room.role ?? null;
}

export function abilities(room: Room | null, me: Pick<PublicUser, 'role' | 'guest'> | null): RoomAbilities {
  const none: RoomAbilities = {
    role: null,
    members: false,
    invite: false,
    leave: false,
    edit: false,
    archive: false,
    post: !!room && !room.archived,
    moderate: false,
    report: false,
    slowed: !!room?.slowModeSec,
  };
  if (!room || !me || me.guest) return none;
  const role = effectiveRole(room, me);
  const community = room.kind === 'public' || room.kind === 'private';
  const lobby = room.id === LOBBY_ROOM_ID;
  const open = !room.archived;
  return {
    role,
    members: community || room.kind === 'group',
    invite:
      open && !lobby && ((room.kind === 'public' && rank(role) >= 1) || (room.kind === 'private' && rank(role) >= 2)),
    leave: community && !lobby && !!room.role,
    edit: community && rank(role) >= 2,
    archive: community && !lobby && rank(role) >= 3,
    post: open && (room.postPolicy !== 'moderators' || !community || rank(role) >= 2),
    moderate: community && rank(role) >= 2,
    report: community && !!room.role,
    slowed: !!room.slowModeSec && !(community && rank(role) >= 2),
  };
}

/** May the viewer mute or ban this member? As for removal: only someone below them (never in the lobby for bans). */
export function canModerate(mine: RoomRole | null, theirs: RoomRole, self: boolean): boolean {
  return canRemove(mine, theirs, self);
}

/** May the viewer (with this effective role) remove this member? Only someone below them. */
export function canRemove(mine: RoomRole | null, theirs: RoomRole, self: boolean): boolean {
  return !self && rank(mine) >= 2 && rank(mine) > rank(theirs);
}

/**
 * The roles the viewer may give this member: none for themselves or someone above them;
 * otherwise every role up to their own (never above it).
 */
export function assignableRoles(mine: RoomRole | null, theirs: RoomRole, self: boolean): RoomRole[] {
  if (self || rank(mine) < 2 || rank(theirs) > rank(mine)) return [];
  return ROOM_ROLES.filter((r) => rank(r) <= rank(mine));
}

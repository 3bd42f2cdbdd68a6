/**
 * Message patterns on the Redis bus (request/response through ClientProxy.send).
 * The one place these strings are written: gateway, auth and chat import them from here.
 */
export const AUTH_PATTERNS = {
  ping: 'auth.ping',
  register: 'auth.register',
  login: 'auth.login',
  refresh: 'auth.refresh',
  logout: 'auth.logout',
  /** revoke every session of the actor (sign out everywhere) */
  logoutAll: 'auth.logoutAll',
  guest: 'auth.guest',
  me: 'auth.me',
  /** a one-time reset link's token and a new password (POST /api/auth/reset) */
  passwordReset: 'auth.password.reset',
  /** POST /api/auth/forgot: mail a one-time reset link to the account's verified address, if any */
  passwordForgot: 'auth.password.forgot',
  /** who may come in now (registration mode, guests): public, for the sign-in and register pages */
  admission: 'auth.admission.get',
  /* administration (SPEC §8): every one checked by AdminPolicy on the actor's stored role */
  adminUsers: 'auth.admin.users.list',
  adminUserUpdate: 'auth.admin.users.update',
  adminDeactivate: 'auth.admin.users.deactivate',
  adminReactivate: 'auth.admin.users.reactivate',
  adminPasswordReset: 'auth.admin.users.passwordReset',
  adminSettings: 'auth.admin.settings.get',
  adminSettingsUpdate: 'auth.admin.settings.update',
  adminInviteCreate: 'auth.admin.invites.create',
  adminAudit: 'auth.admin.audit',
  adminStats: 'auth.admin.stats',
  /** services append to the audit log (moderation in chat, …); never reachable from clients */
  auditAppend: 'auth.audit.append',
} as const;

export const CHAT_PATTERNS = {
  ping: 'chat.ping',
  listRooms: 'chat.rooms.list',
  createRoom: 'chat.rooms.create',
  openDm: 'chat.dms.open',
  directory: 'chat.rooms.directory',
  updateRoom: 'chat.rooms.update',
  /** POST /api/rooms/:id/join (membership; not the socket's room:join) */
  memberJoin: 'chat.members.join',
  memberLeave: 'chat.members.leave',
  membersList: 'chat.members.list',
  memberAdd: 'chat.members.add',
  memberRemove: 'chat.members.remove',
  memberRole: 'chat.members.role',
  history: 'chat.messages.history',
  join: 'chat.room.join',
  leave: 'chat.room.leave',
  send: 'chat.message.send',
  read: 'chat.room.read',
  edit: 'chat.message.edit',
  delete: 'chat.message.delete',
  react: 'chat.message.react',
  search: 'chat.search',
  /** the gateway stored an upload's bytes: record its metadata (uploader = actor) */
  uploadCreate: 'chat.uploads.create',
  /** may the actor read this upload? answers its metadata and storage key */
  uploadOpen: 'chat.uploads.open',
  /** forget uploads never attached for a while; answers their storage keys for deletion */
  uploadsSweep: 'chat.uploads.sweep',
  /** a user or guest was created or signed in: keep chat's projection current, create the duck room */
  provision: 'chat.users.provision',
  /* moderation (SPEC §8): every one checked by the access policy (apps/chat/src/access/policy.ts) */
  muteAdd: 'chat.moderation.mutes.add',
  muteRemove: 'chat.moderation.mutes.remove',
  banAdd: 'chat.moderation.bans.add',
  banRemove: 'chat.moderation.bans.remove',
  bansList: 'chat.moderation.bans.list',
  reportCreate: 'chat.moderation.reports.create',
  reportsList: 'chat.moderation.reports.list',
  reportResolve: 'chat.moderation.reports.resolve',
  /** chat's figures of GET /api/admin/stats (admins and the owner) */
  stats: 'chat.stats',
} as const;

export type AuthPattern = (typeof AUTH_PATTERNS)[keyof typeof AUTH_PATTERNS];
export type ChatPattern = (typeof CHAT_PATTERNS)[keyof typeof CHAT_PATTERNS];

/** Redis pub/sub channels (not request/response): chat publishes, every gateway subscribes. */
export const PUBSUB_CHANNELS = {
  /** room events: base name of the per-shard channels (roomShardChannel); payload is a RoomEventEnvelope */
  roomEvents: 'hihi:room-events',
  /** sessions signed out or found replayed: payload is a SessionRevokedEvent (auth publishes) */
  sessionRevoked: 'hihi:session-revoked',
  /** a room's access facts changed: payload is an AccessChangedEvent (chat publishes, every chat process subscribes) */
  accessChanged: 'hihi:access-changed',
  /** an account's server role changed: payload is a ServerRoleChangedEvent (auth, admin CLI) */
  serverRoleChanged: 'hihi:server-role-changed',
  /** a room's open reports changed: payload is a ModerationReportsNotice (chat publishes, every gateway subscribes) */
  moderation: 'hihi:moderation',
} as const;

/** The moderation channel with the deployment's REDIS_PREFIX. */
export function moderationChannel(prefix: string): string {
  return `${prefix}:${PUBSUB_CHANNELS.moderation}`;
}

/** The access-changed channel with the deployment's REDIS_PREFIX. */
export function accessChangedChannel(prefix: string): string {
  return `${prefix}:${PUBSUB_CHANNELS.accessChanged}`;
}

/** The room-events channel with the deployment's REDIS_PREFIX (every Redis name is prefixed). */
export function roomEventsChannel(prefix: string): string {
  return `${prefix}:${PUBSUB_CHANNELS.roomEvents}`;
}

/**
 * Room events by interest (SPEC §11, docs/operations.md "Past one host"): a room's events go out
 * on the channel of its shard (`<prefix>:hihi:room-events:<shard>`, shard = hash of the room id),
 * events for chosen users (`room:updated` with `userIds`) on the channel of each user's shard
 * (`<prefix>:hihi:user-events:<shard>`). A gateway subscribes only to the shards of the rooms and
 * users its sockets have. The count is part of the wire contract: every process must agree.
 */
/**
 * Many shards, so that a gateway's rooms cover few of them: with 4 gateways of ~1,500 rooms each,
 * 256 shards were all subscribed by every gateway (no gain over one channel), 16,384 cut Redis
 * bytes out to 0.44× (docs/performance.md "Room events by interest"). A gateway never holds more
 * than min(its rooms and users, 2 × ROOM_EVENT_SHARDS) subscriptions.
 */
export const ROOM_EVENT_SHARDS = 16384;

/** Channel of one room shard (0 ≤ shard < ROOM_EVENT_SHARDS). */
export function roomShardChannel(prefix: string, shard: number): string {
  return `${roomEventsChannel(prefix)}:${shard}`;
}

/** Channel of one user shard (0 ≤ shard < ROOM_EVENT_SHARDS). */
export function userShardChannel(prefix: string, shard: number): string {
  return `${prefix}:hihi:user-events:${shard}`;
}

/** The shard of a room or user id: FNV-1a (32 bit) of its UTF-16 code units, mod ROOM_EVENT_SHARDS. */
export function eventShard(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % ROOM_EVENT_SHARDS;
}

/** Why a session ended before its time. */
export type SessionRevokedReason =
  'logout' | 'logout-all' | 'reuse' | 'password-change' | 'deactivated' | 'account-deleted';

/** Published by auth on `sessionRevokedChannel` after the deny entries are written. */
export interface SessionRevokedEvent {
  /** session ids (the `sid` claim of their access tokens) */
  sids: string[];
  reason: SessionRevokedReason;
}

/** The session-revoked channel with the deployment's REDIS_PREFIX. */
export function sessionRevokedChannel(prefix: string): string {
  return `${prefix}:${PUBSUB_CHANNELS.sessionRevoked}`;
}

/**
 * The deny entry of a revoked session: exists while an access token of that session could still
 * be valid (its TTL is the access-token lifetime). Gateways refuse tokens whose `sid` has one.
 */
export function revokedSessionKey(prefix: string, sid: string): string {
  return `${prefix}:revoked-session:${sid}`;
}

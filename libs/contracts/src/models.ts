import type { NotificationLevel } from './account';
/** Public data shapes (docs/api.md, docs/protocol.md). */

/**
 * Server roles (SPEC §7): owner > admin > moderator > member; guests are `guest`. Kept with the
 * account in auth; ranks and helpers in roles.ts.
 */
export type ServerRole = 'owner' | 'admin' | 'moderator' | 'member' | 'guest';

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  guest: boolean;
  /**
   * the server role now (a change reaches every gateway within 1 s); always present on `GET /api/me`
   * and on the actor of a bus call; absent where chat reports other people (members, senders)
   */
  role?: ServerRole;
  /** a bot account (SPEC §9): signs in with a token only; its messages show a BOT tag */
  bot?: boolean;
  /** the person's picture (`/api/avatars/<hash>.webp`, immutable); absent: show initials */
  avatarUrl?: string;
}

/** `public` (directory, anyone signed in may join), `private` (invite only), `dm` (two people), `group` (3–9 people), `bot` (a duck room). */
export const ROOM_KINDS = ['public', 'private', 'dm', 'group', 'bot'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];
/** The kinds a user may create with POST /api/rooms. */
export type CreatableRoomKind = 'public' | 'private';

/** Room roles, highest first. */
export const ROOM_ROLES = ['owner', 'moderator', 'member'] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

/** Who may post in a room: everyone, or moderators and owners only. */
export const POST_POLICIES = ['all', 'moderators'] as const;
export type PostPolicy = (typeof POST_POLICIES)[number];

export interface Room {
  id: string;
  name: string;
  kind: RoomKind;
  topic?: string;
  /** read-only for everyone; still readable and searchable by members */
  archived?: boolean;
  memberCount: number;
  /** the caller's room role; absent when the caller is not a member (a server admin looking at it) */
  role?: RoomRole;
  /** seconds between two messages of one member (0/absent: off) */
  slowModeSec?: number;
  /** absent: `all` */
  postPolicy?: PostPolicy;
  unread: number;
  lastSeq: number;
  /** unread messages that mention the viewer */
  mentions?: number;
  /** the viewer's notification level for this room (SPEC §10); absent: defaultNotificationLevel(kind) */
  notifications?: NotificationLevel;
}

/** One member of a room (GET /api/rooms/:id/members). */
export interface RoomMember {
  user: PublicUser;
  role: RoomRole;
  /** while muted (§8): until when, ISO-8601 UTC; null: until lifted; absent: not muted */
  mutedUntil?: string | null;
}

/** A public room as the directory lists it. */
export interface DirectoryRoom {
  id: string;
  name: string;
  kind: 'public';
  topic?: string;
  archived?: boolean;
  memberCount: number;
  /** the caller is a member */
  joined: boolean;
}

export interface MessageSender {
  id: string;
  username: string;
  displayName: string;
  bot: boolean;
  /** the sender's picture now (not when the message was sent); absent: initials */
  avatarUrl?: string;
}

export interface Message {
  id: string;
  roomId: string;
  seq: number;
  clientMsgId?: string;
  sender: MessageSender;
  /** markdown-lite source (empty when deleted); clients render it safely */
  text: string;
  /** ISO-8601 UTC */
  createdAt: string;
  /** set when the text was edited (ISO-8601 UTC) */
  editedAt?: string;
  /** a tombstone: the message was deleted (text empty, seq kept) */
  deleted?: boolean;
  /** set on a tombstone a moderator made (SPEC §8); absent: the author deleted it */
  deletedBy?: 'moderator';
  /** the message this one replies to (an excerpt) */
  replyTo?: ReplyPreview;
  reactions?: Reaction[];
  attachments?: Attachment[];
  /** ids of the users this message mentions */
  mentions?: string[];
}

/** The quoted message of a reply: enough to show a preview and jump to it. */
export interface ReplyPreview {
  id: string;
  seq: number;
  sender: MessageSender;
  /** an excerpt of the text (empty when deleted) */
  text: string;
  deleted?: boolean;
}

export interface Reaction {
  emoji: string;
  count: number;
  userIds: string[];
}

/** An uploaded file (docs/api.md POST /api/uploads). */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  contentType: string;
  url: string;
  width?: number;
  height?: number;
}

export interface AuthTokens {
  user: PublicUser;
  accessToken: string;
  refreshToken: string;
  /** access token lifetime in seconds */
  expiresIn: number;
  /** true: the refresh token lasts 30 days (keep it in localStorage); false: browser session only */
  rememberMe?: boolean;
  /** refresh token lifetime in seconds from now */
  refreshExpiresIn?: number;
  /**
   * the server requires a second factor of this account's role (`require2fa`) and it has none:
   * the client asks to enrol one now; admin powers are refused until it does (SPEC §12)
   */
  enrolSecondFactor?: true;
}

export interface GuestTokens {
  user: PublicUser;
  accessToken: string;
  expiresIn: number;
}

export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/** Health of one part: up, or down with a reason. */
export interface PartHealth {
  status: 'up' | 'down';
  message?: string;
}

export interface HealthReport {
  status: 'ok' | 'error';
  details: {
    redis: PartHealth;
    mongo: PartHealth;
    postgres: PartHealth;
    auth: PartHealth;
    chat: PartHealth;
    /** only with DATABASE_REPLICA_URL; a replica down does not fail the report (reads fall back to the primary) */
    postgresReplica?: PartHealth;
  };
}

/** Answer of auth.ping / chat.ping: the service reports its own database connection. */
export interface PingReply {
  service: 'auth' | 'chat';
  pid: number;
  /** auth's database */
  mongo?: PartHealth;
  /** chat's database */
  postgres?: PartHealth;
  /** chat's read replica (DATABASE_REPLICA_URL), when one is configured */
  postgresReplica?: PartHealth;
}

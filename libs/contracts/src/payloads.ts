import type {
  Attachment,
  CreatableRoomKind,
  DirectoryRoom,
  Message,
  PostPolicy,
  PublicUser,
  Room,
  RoomMember,
  RoomRole,
} from './models';

/* ---------- Socket.IO client → server payloads (docs/protocol.md) ---------- */
export interface RoomJoinPayload {
  roomId: string;
  sinceSeq?: number;
}
export interface RoomLeavePayload {
  roomId: string;
}
export interface MessageSendPayload {
  roomId: string;
  text: string;
  clientMsgId: string;
  /** id of the message this one replies to (same room) */
  replyTo?: string;
  /** upload ids (POST /api/uploads) to attach */
  attachments?: string[];
}
export interface MessageEditPayload {
  roomId: string;
  messageId: string;
  text: string;
}
export interface MessageDeletePayload {
  roomId: string;
  messageId: string;
}
export interface MessageReactPayload {
  roomId: string;
  messageId: string;
  emoji: string;
  on: boolean;
}
export interface RoomReadPayload {
  roomId: string;
  seq: number;
}
export interface TypingPayload {
  roomId: string;
  typing: boolean;
}

/* ---------- Socket acks on success ---------- */
export interface RoomJoinAck {
  room: Room;
  messages: Message[];
  /** true when more than one page was missed: page on with GET /api/rooms/:id/messages?afterSeq= */
  hasMore: boolean;
  /** messages at or before `sinceSeq` that changed (edit, delete, reaction) since the client saw them */
  updates: Message[];
  /** the first members online (at most REALTIME.presenceListMax) */
  online: PublicUser[];
  /** how many members are online in all */
  onlineCount: number;
}
export interface MessageSendAck {
  message: Message;
}
/** message:edit, message:delete and message:react answer the message as it is now. */
export interface MessageChangeAck {
  message: Message;
}

/* ---------- Server → client payloads ---------- */
/** Presence changes of a room (coalesced): who came online, who went offline, how many are online now. */
export interface PresenceEvent {
  roomId: string;
  joined: PublicUser[];
  /** user ids */
  left: string[];
  onlineCount: number;
}
export interface TypingEvent {
  roomId: string;
  user: PublicUser;
  typing: boolean;
}
/** `room:member`: a membership change, to the room's members. */
export type RoomMemberChange = 'joined' | 'left' | 'removed' | 'role' | 'muted' | 'unmuted';
export interface RoomMemberEvent {
  roomId: string;
  user: PublicUser;
  change: RoomMemberChange;
  /** the member's room role (after the change; their last one for left/removed) */
  role: RoomRole;
  /** change `muted`: until when (ISO-8601 UTC; null: until lifted) */
  mutedUntil?: string | null;
}
/** `room:removed`: to the sockets of the person no longer in the room; they are taken out of it. */
export type RoomRemovedReason = 'left' | 'removed' | 'banned' | 'deleted';
export interface RoomRemovedEvent {
  roomId: string;
  reason: RoomRemovedReason;
}

/* ---------- HTTP bodies (docs/api.md) ---------- */
export interface RegisterBody {
  username: string;
  password: string;
  displayName?: string;
  rememberMe?: boolean;
  /** needed while registration is `invite` (SPEC §8) */
  inviteToken?: string;
}
export interface LoginBody {
  username: string;
  password: string;
  rememberMe?: boolean;
}
export interface RefreshBody {
  refreshToken: string;
}
export interface GuestBody {
  nickname?: string;
}
export interface CreateRoomBody {
  name: string;
  /** default `public` */
  kind?: CreatableRoomKind;
  topic?: string;
}
/** POST /api/dms: one other person (a DM) or 2–8 others (a group DM). Exactly one of the two. */
export interface OpenDmBody {
  username?: string;
  usernames?: string[];
}
/** PATCH /api/rooms/:id */
export interface UpdateRoomBody {
  name?: string;
  /** empty string clears it */
  topic?: string;
  archived?: boolean;
  slowModeSec?: number;
  postPolicy?: PostPolicy;
}
/** GET /api/rooms/directory */
export interface DirectoryQuery {
  /** part of the name (case-insensitive) */
  q?: string;
  cursor?: string;
  limit?: number;
}
export interface DirectoryPage {
  rooms: DirectoryRoom[];
  nextCursor?: string;
}
/** GET /api/rooms/:id/members */
export interface MembersQuery {
  cursor?: string;
  limit?: number;
}
export interface MembersPage {
  members: RoomMember[];
  nextCursor?: string;
}
/** POST /api/rooms/:id/members */
export interface AddMemberBody {
  username: string;
}
/** PATCH /api/rooms/:id/members/:userId */
export interface MemberRoleBody {
  role: RoomRole;
}
export interface HistoryQuery {
  beforeSeq?: number;
  afterSeq?: number;
  limit?: number;
}

/* ---------- Access token ---------- */
/** `use` distinguishes a user access token from a guest token; refresh tokens are opaque. */
export type TokenUse = 'access' | 'guest';
export interface AccessTokenClaims {
  sub: string;
  username: string;
  displayName: string;
  use: TokenUse;
  /** session id (user tokens only) */
  sid?: string;
}
export const JWT_ISSUER = 'hihi-chat';
export const JWT_AUDIENCE = 'hihi-chat-api';
export const JWT_ALGORITHM = 'HS256';

/* ---------- Bus request envelopes ---------- */
/** Every bus request carries the caller's correlation id so services log it too. */
export interface BusEnvelope<T> {
  correlationId: string;
  /** the authenticated caller, when there is one */
  actor?: PublicUser;
  data: T;
}

/** Chat → gateway pub/sub envelope (one channel for every room). */
export type RoomEventEnvelope =
  | { type: 'message:new'; roomId: string; message: Message }
  | { type: 'message:updated'; roomId: string; message: Message }
  | ({ type: 'presence' } & PresenceEvent)
  | { type: 'typing'; roomId: string; user: PublicUser; typing: boolean }
  | { type: 'room:updated'; roomId: string; room: Room; userIds?: string[] }
  | { type: 'room:member'; roomId: string; member: RoomMemberEvent }
  /** someone of the room changed their display name or avatar */
  | { type: 'user:updated'; roomId: string; user: PublicUser }
  /** to `userId`'s sockets on every gateway: emit room:removed, take them out of the room, drop its events for them */
  | { type: 'room:removed'; roomId: string; userId: string; reason: RoomRemovedReason };

/**
 * Chat → chat pub/sub (ACCESS channel): a room's access facts changed (members, roles, kind,
 * archive, a member's notification level), or (`scope: 'push'`) someone added a push device;
 * every chat process drops its cached copy.
 */
export interface AccessChangedEvent {
  /** the room whose facts or members changed (absent with `scope: 'push'`: every room) */
  roomId?: string;
  /** 'room' (the default): the room's facts and members; 'push': who has push devices */
  scope?: AccessNoticeScope;
  /** the process that published it (it has already updated its own cache) */
  origin?: string;
}

export type AccessNoticeScope = 'room' | 'push';

/* ---------- Chat bus payloads (gateway → chat), beyond the socket payloads above ---------- */
export interface HistoryRequest extends HistoryQuery {
  roomId: string;
}
/** chat.room.join answers the room and its catch-up page; the gateway adds `online`. */
export interface JoinReply {
  room: Room;
  messages: Message[];
  /** true when more than one page was missed: page on with GET /api/rooms/:id/messages?afterSeq= */
  hasMore: boolean;
  /** changed messages at or before sinceSeq (see RoomJoinAck.updates) */
  updates: Message[];
}
/** A room by id (join, leave). */
export interface RoomIdPayload {
  roomId: string;
}
export interface UpdateRoomRequest extends UpdateRoomBody {
  roomId: string;
}
export interface MembersRequest extends MembersQuery {
  roomId: string;
}
export interface AddMemberRequest extends AddMemberBody {
  roomId: string;
}
export interface MemberRef {
  roomId: string;
  userId: string;
}
export interface MemberRoleRequest extends MemberRef, MemberRoleBody {}

/* ---------- Search (docs/api.md GET /api/search) ---------- */
export interface SearchQuery {
  q: string;
  roomId?: string;
  limit?: number;
  /** page on: results older than this message seq... opaque cursor from the previous page */
  cursor?: string;
}
export interface SearchResult {
  message: Message;
  roomId: string;
  /** the room's name as the caller sees it */
  roomName?: string;
  /** excerpt with the matches marked: [start, end) character ranges into `excerpt` */
  excerpt?: string;
  highlights?: Array<[number, number]>;
}
export interface SearchReply {
  results: SearchResult[];
  /** present when there are more results */
  nextCursor?: string;
}
/* ---------- Uploads (docs/api.md POST /api/uploads, GET /api/uploads/:id) ---------- */
/** An upload the gateway stored (bytes already in the storage under `storageKey`). */
export interface UploadRecord {
  id: string;
  name: string;
  size: number;
  contentType: string;
  width?: number;
  height?: number;
  storageKey: string;
}
export interface UploadRef {
  id: string;
}
/** chat.uploads.open: the upload, when the actor may read it (uploader before it is attached, room members after). */
export interface UploadOpenReply {
  attachment: Attachment;
  storageKey: string;
}
export interface UploadsSweepRequest {
  /** forget uploads never attached that are older than this many seconds */
  olderThanSec: number;
}
export interface UploadsSweepReply {
  storageKeys: string[];
}
export interface OpenDmReply {
  room: Room;
  /** true the first time the DM is opened (HTTP 201), false after (200) */
  created: boolean;
}
export interface RoomReadReply {
  room: Room;
}
/** chat.users.provision: the caller's duck room (created with its greeting the first time). */
export interface ProvisionReply {
  room: Room;
}
/** auth.me, auth.logoutAll: the signed-in user, by id. */
export interface UserIdPayload {
  userId: string;
}

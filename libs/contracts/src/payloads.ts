import type { Message, PublicUser, Room } from './models';

/* ---------- Socket.IO client → server payloads (SPEC §5) ---------- */
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
  online: PublicUser[];
}
export interface MessageSendAck {
  message: Message;
}

/* ---------- Server → client payloads ---------- */
export interface PresenceEvent {
  roomId: string;
  online: PublicUser[];
}
export interface TypingEvent {
  roomId: string;
  user: PublicUser;
  typing: boolean;
}

/* ---------- HTTP bodies (SPEC §4) ---------- */
export interface RegisterBody {
  username: string;
  password: string;
  displayName?: string;
  rememberMe?: boolean;
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
}
export interface OpenDmBody {
  username: string;
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
  | { type: 'message:new'; roomId: string; message: Message; origin?: string }
  | { type: 'presence'; roomId: string; online: PublicUser[] }
  | { type: 'typing'; roomId: string; user: PublicUser; typing: boolean; origin?: string }
  | { type: 'room:updated'; roomId: string; room: Room; userIds?: string[] };

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
}
export interface OpenDmReply {
  room: Room;
  /** true the first time the DM is opened (HTTP 201), false after (200) */
  created: boolean;
}
export interface RoomReadReply {
  room: Room;
}

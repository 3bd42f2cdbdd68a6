/**
 * One's own account (SPEC §10): profile, avatar, password change, sessions, leaving (deletion and
 * export) and the per-room notification level. Patterns, payload and reply types and the rows of
 * the protocol table are declared here once; PROTOCOL (protocol.ts) spreads ACCOUNT_PROTOCOL in.
 */
import { command, NoData } from './command';
import { SERVER_EVENTS } from './events';
import type { PublicUser, Room, RoomKind, RoomRole } from './models';

export const ACCOUNT_PATTERNS = {
  /** PATCH /api/me: display name, email */
  profileUpdate: 'auth.me.update',
  /** the gateway stored a processed avatar (or removed it): set the account's avatar hash */
  avatarSet: 'auth.me.avatar',
  /** POST /api/me/password: current password checked, every other session revoked */
  passwordChange: 'auth.me.password',
  sessionsList: 'auth.me.sessions.list',
  sessionRevoke: 'auth.me.sessions.revoke',
  /** the gateway tells which browser a session it just signed in (or refreshed) runs in */
  sessionLabel: 'auth.me.sessions.label',
  /** DELETE /api/me: password checked, signed out everywhere, the account marked deleted */
  accountDelete: 'auth.me.delete',
  /** the auth part of GET /api/me/export */
  accountExport: 'auth.me.export',
  /** a profile changed: chat's projection follows and the rooms of the person are told (`user:updated`) */
  chatUserUpdated: 'chat.users.updated',
  /** an account was deleted: chat shows its messages as from "deleted user" */
  chatUserDeleted: 'chat.users.deleted',
  /** the chat part of GET /api/me/export: rooms, own messages, own files' metadata */
  chatExport: 'chat.users.export',
  /** PUT /api/rooms/:id/notifications */
  roomNotifications: 'chat.rooms.notifications',
  /** GET /api/push/vapid-key: the VAPID public key browsers subscribe with */
  pushVapidKey: 'chat.push.vapid-key',
  /** POST /api/push/subscriptions: keep a device's Web Push subscription */
  pushSubscribe: 'chat.push.subscribe',
  /** DELETE /api/push/subscriptions: forget one */
  pushUnsubscribe: 'chat.push.unsubscribe',
  /** chat → auth, bus only (never from clients): mail one person a digest of what waited unseen */
  mailDigest: 'auth.mail.digest',
  /** POST /api/me/email/verify: the token of a verification link (works signed out) */
  emailVerify: 'auth.me.email.verify',
  /** POST /api/me/email/resend: mail the verification link again */
  emailResend: 'auth.me.email.resend',
  /** GET/POST /api/mail/unsubscribe: a digest's unsubscribe link turns the digest off (works signed out) */
  mailUnsubscribe: 'auth.mail.unsubscribe',
} as const;
export type AccountPattern = (typeof ACCOUNT_PATTERNS)[keyof typeof ACCOUNT_PATTERNS];

/** How much of a room reaches a person who is away (SPEC §10). */
export const NOTIFICATION_LEVELS = ['all', 'mentions', 'none'] as const;
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];

/** The level of a room nobody set one for: everything in DMs and groups, mentions elsewhere. */
export function defaultNotificationLevel(kind: RoomKind): NotificationLevel {
  return kind === 'dm' || kind === 'group' || kind === 'bot' ? 'all' : 'mentions';
}

/** Web Push (SPEC §10): sizes of a subscription and how many one person may keep. */
export const PUSH = {
  /** longest endpoint URL accepted */
  endpointMax: 2048,
  /** subscriptions (devices) kept per person; the oldest goes when a new one passes it */
  perUser: 10,
  /** base64url of an uncompressed P-256 point (65 bytes) */
  p256dhLength: 87,
  /** base64url of the 16-byte auth secret */
  authLength: 22,
  /** seconds a push service keeps an undelivered notification */
  ttlSec: 24 * 3600,
  /** longest text of a notification body */
  bodyMax: 200,
} as const;

/** A browser's PushSubscription as `toJSON()` gives it. */
export interface PushSubscriptionBody {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}
export interface PushUnsubscribeBody {
  endpoint: string;
}
export interface VapidKey {
  /** base64url of the uncompressed P-256 public key (applicationServerKey) */
  publicKey: string;
}

/** What a push carries (JSON, encrypted): the service worker shows it, a click opens `url`. */
export interface PushPayload {
  title: string;
  body: string;
  /** `/chat?room=<id>&msg=<messageId>&seq=<seq>` */
  url: string;
  roomId: string;
  messageId: string;
  seq: number;
  icon?: string;
  /** notifications of one room replace each other */
  tag: string;
}

/** How a deleted account's messages are shown (their sender's names are replaced by these). */
export const DELETED_USER = { username: 'deleted-user', displayName: 'deleted user' } as const;
/** How long a deleted account's username stays taken (then anyone may register it). */
export const USERNAME_HOLD_AFTER_DELETION_DAYS = 30;

export const AVATAR = {
  /** the stored avatar is a square WebP of this many pixels a side */
  sizePx: 256,
  /** largest image accepted for an avatar, bytes (AVATAR_MAX_BYTES may lower it) */
  maxBytes: 5 * 1024 * 1024,
  /** largest decoded image, pixels (a decompression bomb is refused before it is rendered) */
  maxInputPixels: 40_000_000,
} as const;

/** Where the gateway serves the avatar with this content hash (immutable: a new image, a new URL). */
export function avatarUrl(hash: string): string {
  return `/api/avatars/${hash}.webp`;
}
/** An avatar's content hash: 32 hex digits of the SHA-256 of the stored WebP. */
export const AVATAR_HASH_PATTERN = /^[a-f0-9]{32}$/;

/** GET /api/me and PATCH /api/me: the public user plus what only its owner sees. */
export interface AccountUser extends PublicUser {
  email?: string;
  /** the email was confirmed through its verification link (not before: nothing is sent to it) */
  emailVerified?: boolean;
  /** opted in to the email digest */
  digest?: boolean;
  language?: MailLanguage;
}

export interface ProfileUpdateBody {
  displayName?: string;
  /** an address, or `null` / empty to remove it */
  email?: string | null;
  /** opt in to (or out of) the email digest of unread DMs and mentions; needs a verified address to be sent */
  digest?: boolean;
  /** the language mails are written in (the web client sends its UI language) */
  language?: MailLanguage;
}

/** Languages of the mails (and of the web client). */
export const MAIL_LANGUAGES = ['en', 'zh'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

/** The path (below PUBLIC_ORIGIN) that opens a room at a message: push notifications and mails link here. */
export function messageLink(roomId: string, messageId: string, seq: number): string {
  return `/chat?room=${encodeURIComponent(roomId)}&msg=${encodeURIComponent(messageId)}&seq=${seq}`;
}

/** The email digest (SPEC §10): limits of what chat hands to auth. */
export const DIGEST = {
  /** entries listed in one mail; the rest are counted in `more` */
  entriesMax: 20,
  /** characters of a message's excerpt */
  excerptMax: 200,
} as const;

/** One unseen message of a digest, as chat hands it to auth. */
export interface DigestEntry {
  roomId: string;
  roomName: string;
  messageId: string;
  seq: number;
  /** why it is in the digest */
  reason: 'dm' | 'group' | 'mention';
  /** the sender's display name */
  sender: string;
  excerpt: string;
  /** when it was sent, ISO-8601 UTC */
  at: string;
}

/** chat → auth (`mailDigest`): mail this person these entries, if they opted in with a verified address. */
export interface MailDigestBody {
  userId: string;
  entries: DigestEntry[];
  /** unseen messages beyond `entries` */
  more: number;
}

export interface MailDigestReply {
  sent: boolean;
  /** why nothing was sent */
  skipped?: 'mail-off' | 'not-opted-in' | 'no-verified-email' | 'inactive';
}

/** Email verification links (SPEC §10): one use, stored as a hash, this long. */
export const EMAIL_VERIFICATION_TTL_HOURS = 24;

/** POST /api/me/email/verify */
export interface EmailVerifyBody {
  token: string;
}
/** 200 of POST /api/me/email/verify: the address now verified */
export interface EmailVerified {
  email: string;
}
/** GET/POST /api/mail/unsubscribe?token=… (the token is signed, it names the account and what it stops) */
export interface MailUnsubscribeBody {
  token: string;
}
/** Unsubscribe tokens: `<userId>.<HMAC-SHA256 base64url>`. */
export const UNSUBSCRIBE_TOKEN_PATTERN = /^[a-f0-9]{24}\.[A-Za-z0-9_-]{43}$/;
/** The web page a verification link opens (`#token=…`). */
export const VERIFY_EMAIL_PATH = '/verify-email';
/** The web page a reset link opens (`#token=…`). */
export const RESET_PASSWORD_PATH = '/reset';
/** Where the links in mails turn the digest off (GET shows the result, POST is RFC 8058 one-click). */
export const UNSUBSCRIBE_PATH = '/api/mail/unsubscribe';

export interface PasswordChangeBody {
  currentPassword: string;
  newPassword: string;
}

export interface AccountDeleteBody {
  password: string;
}

/** One signed-in session (GET /api/me/sessions). */
export interface SessionInfo {
  id: string;
  /** the session of the request */
  current: boolean;
  /** ISO-8601 UTC */
  createdAt: string;
  lastUsedAt: string;
  /** as the browser sent it at sign-in (trimmed), empty when none */
  userAgent: string;
  /** read from the user agent: e.g. `Firefox`, `Chrome`; empty when unknown */
  browser: string;
  /** e.g. `Windows`, `macOS`, `Android`, `iOS`, `Linux`; empty when unknown */
  os: string;
  rememberMe: boolean;
}

export interface RoomNotificationsBody {
  level: NotificationLevel;
}

/** `user:updated`: someone in a room of yours changed their display name or avatar. */
export interface UserUpdatedEvent {
  user: PublicUser;
}

/* ---------- export (GET /api/me/export) ---------- */

export interface ExportedRoom {
  id: string;
  name: string;
  kind: RoomKind;
  role: RoomRole;
  notifications: NotificationLevel;
}
/** One's own message (others' messages are never exported). */
export interface ExportedMessage {
  id: string;
  roomId: string;
  seq: number;
  text: string;
  createdAt: string;
  editedAt?: string;
  deleted?: boolean;
  replyTo?: string;
  attachments?: string[];
}
/** Metadata of a file one uploaded (the bytes stay where they are). */
export interface ExportedFile {
  id: string;
  name: string;
  size: number;
  contentType: string;
  createdAt: string;
  roomId?: string;
}
export interface ChatExport {
  rooms: ExportedRoom[];
  messages: ExportedMessage[];
  files: ExportedFile[];
  /** more own messages than EXPORT_MAX_MESSAGES: the newest are exported */
  truncated?: boolean;
}
export interface AuthExport {
  account: AccountUser & { createdAt: string };
  sessions: SessionInfo[];
  passkeys: number;
  twoFactor: boolean;
}
export interface AccountExport extends AuthExport, ChatExport {
  format: 'hihi-export/1';
  exportedAt: string;
}
/** Most own messages one export carries. */
export const EXPORT_MAX_MESSAGES = 100_000;

/* ---------- bus payloads (with the actor's user id) ---------- */

export interface AccountRef {
  userId: string;
}
/** the session of the request, so that it is kept or marked current */
export interface CurrentSessionRef extends AccountRef {
  sid?: string;
}
export interface AvatarSetRequest extends AccountRef {
  /** the content hash, or null to remove the avatar */
  avatar: string | null;
}
export interface SessionRevokeRequest extends AccountRef {
  id: string;
}
export interface SessionLabelRequest extends AccountRef {
  sid: string;
  userAgent: string;
}
export interface RoomNotificationsRequest extends RoomNotificationsBody {
  roomId: string;
}

export const ACCOUNT_PROTOCOL = {
  accountProfileUpdate: command<AccountRef & ProfileUpdateBody, AccountUser>()({
    http: 'PATCH /api/me',
    pattern: ACCOUNT_PATTERNS.profileUpdate,
    dto: 'ProfileUpdateBusDto',
    emits: [],
  }),
  accountAvatarSet: command<AvatarSetRequest, AccountUser>()({
    http: 'POST /api/me/avatar, DELETE /api/me/avatar',
    pattern: ACCOUNT_PATTERNS.avatarSet,
    dto: 'AvatarSetBusDto',
    emits: [],
  }),
  accountPasswordChange: command<CurrentSessionRef & PasswordChangeBody, NoData>()({
    http: 'POST /api/me/password',
    pattern: ACCOUNT_PATTERNS.passwordChange,
    dto: 'PasswordChangeBusDto',
    emits: [SERVER_EVENTS.sessionRevoked],
  }),
  accountSessions: command<CurrentSessionRef, SessionInfo[]>()({
    http: 'GET /api/me/sessions',
    pattern: ACCOUNT_PATTERNS.sessionsList,
    dto: 'CurrentSessionBusDto',
    emits: [],
  }),
  accountSessionRevoke: command<SessionRevokeRequest, NoData>()({
    http: 'DELETE /api/me/sessions/:id',
    pattern: ACCOUNT_PATTERNS.sessionRevoke,
    dto: 'SessionRevokeBusDto',
    emits: [SERVER_EVENTS.sessionRevoked],
  }),
  accountSessionLabel: command<SessionLabelRequest, NoData>()({
    http: 'POST /api/auth/register, login, refresh; sign-in by a second step, passkey, single sign-on',
    pattern: ACCOUNT_PATTERNS.sessionLabel,
    dto: 'SessionLabelBusDto',
    emits: [],
  }),
  accountDelete: command<AccountRef & AccountDeleteBody, NoData>()({
    http: 'DELETE /api/me',
    pattern: ACCOUNT_PATTERNS.accountDelete,
    dto: 'AccountDeleteBusDto',
    emits: [SERVER_EVENTS.sessionRevoked],
  }),
  accountExport: command<CurrentSessionRef, AuthExport>()({
    http: 'GET /api/me/export',
    pattern: ACCOUNT_PATTERNS.accountExport,
    dto: 'CurrentSessionBusDto',
    emits: [],
  }),
  chatUserUpdated: command<NoData, NoData>()({
    http: 'PATCH /api/me, POST/DELETE /api/me/avatar',
    pattern: ACCOUNT_PATTERNS.chatUserUpdated,
    dto: 'EmptyDto',
    emits: [SERVER_EVENTS.userUpdated],
  }),
  chatUserDeleted: command<NoData, NoData>()({
    http: 'DELETE /api/me',
    pattern: ACCOUNT_PATTERNS.chatUserDeleted,
    dto: 'EmptyDto',
    emits: [],
  }),
  chatExport: command<NoData, ChatExport>()({
    http: 'GET /api/me/export',
    pattern: ACCOUNT_PATTERNS.chatExport,
    dto: 'EmptyDto',
    emits: [],
  }),
  roomNotifications: command<RoomNotificationsRequest, Room>()({
    http: 'PUT /api/rooms/:roomId/notifications',
    pattern: ACCOUNT_PATTERNS.roomNotifications,
    dto: 'RoomNotificationsDto',
    emits: [SERVER_EVENTS.roomUpdated],
  }),
  pushVapidKey: command<NoData, VapidKey>()({
    http: 'GET /api/push/vapid-key',
    pattern: ACCOUNT_PATTERNS.pushVapidKey,
    dto: 'EmptyDto',
    emits: [],
  }),
  pushSubscribe: command<PushSubscriptionBody, NoData>()({
    http: 'POST /api/push/subscriptions',
    pattern: ACCOUNT_PATTERNS.pushSubscribe,
    dto: 'PushSubscriptionDto',
    emits: [],
  }),
  pushUnsubscribe: command<PushUnsubscribeBody, NoData>()({
    http: 'DELETE /api/push/subscriptions',
    pattern: ACCOUNT_PATTERNS.pushUnsubscribe,
    dto: 'PushUnsubscribeDto',
    emits: [],
  }),
  accountEmailVerify: command<EmailVerifyBody, EmailVerified>()({
    http: 'POST /api/me/email/verify',
    pattern: ACCOUNT_PATTERNS.emailVerify,
    dto: 'EmailVerifyDto',
    emits: [],
  }),
  accountEmailResend: command<AccountRef, NoData>()({
    http: 'POST /api/me/email/resend',
    pattern: ACCOUNT_PATTERNS.emailResend,
    dto: 'AccountRefBusDto',
    emits: [],
  }),
  mailUnsubscribe: command<MailUnsubscribeBody, NoData>()({
    http: 'GET /api/mail/unsubscribe, POST /api/mail/unsubscribe',
    pattern: ACCOUNT_PATTERNS.mailUnsubscribe,
    dto: 'MailUnsubscribeDto',
    emits: [],
  }),
  mailDigest: command<MailDigestBody, MailDigestReply>()({
    http: "(services: chat's digest job)",
    pattern: ACCOUNT_PATTERNS.mailDigest,
    dto: 'MailDigestDto',
    emits: [],
  }),
} as const;

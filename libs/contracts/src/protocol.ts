import { command, CommandRow, CommandTypes, NoData } from './command';
import { SIGNIN_PROTOCOL, SigninPattern, LoginReply } from './signin';
import { INTEGRATION_PROTOCOL, IntegrationPattern } from './integrations';
import { ACCOUNT_PROTOCOL, AccountPattern, UserUpdatedEvent } from './account';
import { CLIENT_EVENTS, ClientEvent, SERVER_EVENTS, ServerEvent } from './events';
import { AUTH_PATTERNS, AuthPattern, CHAT_PATTERNS, ChatPattern, SessionRevokedReason } from './patterns';
import type { Ack } from './errors';
import type {
  AdminUser,
  AdminUserAction,
  AdminUsersPage,
  AdminUsersQuery,
  AdminUserUpdate,
  AuditAppend,
  AuditEntry,
  AuditPage,
  AuditQuery,
  InviteCreateBody,
  InviteIssued,
  PasswordForgotBody,
  PasswordResetBody,
  PasswordResetIssued,
  ServerSettings,
  ServerSettingsUpdate,
  ServerStats,
} from './admin';
import type {
  BanRequest,
  BansPage,
  BansRequest,
  ChatStats,
  ModerationReportsEvent,
  MuteRequest,
  Report,
  ReportReceipt,
  ReportRequest,
  ReportsPage,
  ReportsQuery,
  ResolveReportRequest,
  RoomBan,
  RoomMute,
} from './moderation';
import type {
  Attachment,
  AuthTokens,
  GuestTokens,
  HistoryPage,
  Message,
  PingReply,
  PublicUser,
  Room,
  RoomMember,
} from './models';
import type {
  AddMemberRequest,
  CreateRoomBody,
  DirectoryPage,
  DirectoryQuery,
  MemberRef,
  MemberRoleRequest,
  MembersPage,
  MembersRequest,
  RoomIdPayload,
  RoomMemberEvent,
  RoomRemovedEvent,
  UpdateRoomRequest,
  GuestBody,
  HistoryRequest,
  JoinReply,
  LoginBody,
  MessageChangeAck,
  MessageDeletePayload,
  MessageEditPayload,
  MessageReactPayload,
  MessageSendAck,
  MessageSendPayload,
  OpenDmBody,
  OpenDmReply,
  PresenceEvent,
  ProvisionReply,
  RefreshBody,
  RegisterBody,
  RoomJoinAck,
  RoomJoinPayload,
  RoomLeavePayload,
  RoomReadPayload,
  RoomReadReply,
  SearchQuery,
  SearchReply,
  UploadOpenReply,
  UploadRecord,
  UploadRef,
  UploadsSweepReply,
  UploadsSweepRequest,
  TypingEvent,
  TypingPayload,
  UserIdPayload,
} from './payloads';

/**
 * The protocol table (docs/protocol.md): every command a client or the gateway can give, declared
 * once. A row says where the command comes in (a Socket.IO `event`, or an `http` route), which bus
 * `pattern` carries it to the service that does it (none: the gateway does it alone), the DTO
 * class in libs/dto that validates it (`COMMAND_DTOS`, keyed by the same name), and the server
 * events it may cause. Its types (payload, bus reply, ack) ride along in the row's phantom
 * `types` field: the gateway's forwarder, the typed `BusClient.call`, the chat handlers and the
 * web client's `SocketService` all read them from here.
 *
 * Adding a command = a row here (and its DTO in COMMAND_DTOS), a handler in the service, a client
 * call. The gateway forwards socket rows by itself.
 */
export type BusPattern = AuthPattern | ChatPattern | SigninPattern | AccountPattern | IntegrationPattern;

export const PROTOCOL = {
  /* ---------- socket commands (docs/protocol.md) ---------- */
  roomJoin: command<RoomJoinPayload, JoinReply, RoomJoinAck>()({
    event: CLIENT_EVENTS.roomJoin,
    pattern: CHAT_PATTERNS.join,
    dto: 'RoomJoinDto',
    emits: [SERVER_EVENTS.presence, SERVER_EVENTS.messageNew],
    // a history read and a presence snapshot: apps/web joins one room at a time
    cost: 5,
  }),
  roomLeave: command<RoomLeavePayload>()({
    event: CLIENT_EVENTS.roomLeave,
    dto: 'RoomLeaveDto',
    emits: [SERVER_EVENTS.presence],
  }),
  messageSend: command<MessageSendPayload, MessageSendAck, MessageSendAck>()({
    event: CLIENT_EVENTS.messageSend,
    pattern: CHAT_PATTERNS.send,
    dto: 'MessageSendDto',
    emits: [SERVER_EVENTS.messageNew],
  }),
  roomRead: command<RoomReadPayload, RoomReadReply, RoomReadReply>()({
    event: CLIENT_EVENTS.roomRead,
    pattern: CHAT_PATTERNS.read,
    dto: 'RoomReadDto',
    emits: [SERVER_EVENTS.roomUpdated],
  }),
  typing: command<TypingPayload>()({
    event: CLIENT_EVENTS.typing,
    dto: 'TypingDto',
    emits: [SERVER_EVENTS.typing],
  }),
  messageEdit: command<MessageEditPayload, MessageChangeAck, MessageChangeAck>()({
    event: CLIENT_EVENTS.messageEdit,
    pattern: CHAT_PATTERNS.edit,
    dto: 'MessageEditDto',
    emits: [SERVER_EVENTS.messageUpdated],
  }),
  messageDelete: command<MessageDeletePayload, MessageChangeAck, MessageChangeAck>()({
    event: CLIENT_EVENTS.messageDelete,
    pattern: CHAT_PATTERNS.delete,
    dto: 'MessageDeleteDto',
    emits: [SERVER_EVENTS.messageUpdated],
  }),
  messageReact: command<MessageReactPayload, MessageChangeAck, MessageChangeAck>()({
    event: CLIENT_EVENTS.messageReact,
    pattern: CHAT_PATTERNS.react,
    dto: 'MessageReactDto',
    emits: [SERVER_EVENTS.messageUpdated],
  }),

  /* ---------- REST commands carried to chat (docs/api.md) ---------- */
  roomsList: command<NoData, Room[]>()({
    http: 'GET /api/rooms',
    pattern: CHAT_PATTERNS.listRooms,
    dto: 'EmptyDto',
    emits: [],
  }),
  roomCreate: command<CreateRoomBody, Room>()({
    http: 'POST /api/rooms',
    pattern: CHAT_PATTERNS.createRoom,
    dto: 'CreateRoomDto',
    emits: [],
  }),
  roomDirectory: command<DirectoryQuery, DirectoryPage>()({
    http: 'GET /api/rooms/directory',
    pattern: CHAT_PATTERNS.directory,
    dto: 'DirectoryQueryDto',
    emits: [],
  }),
  roomUpdate: command<UpdateRoomRequest, Room>()({
    http: 'PATCH /api/rooms/:roomId',
    pattern: CHAT_PATTERNS.updateRoom,
    dto: 'UpdateRoomDto',
    emits: [SERVER_EVENTS.roomUpdated],
  }),
  memberJoin: command<RoomIdPayload, Room>()({
    http: 'POST /api/rooms/:roomId/join',
    pattern: CHAT_PATTERNS.memberJoin,
    dto: 'RoomIdDto',
    emits: [SERVER_EVENTS.roomMember],
  }),
  memberLeave: command<RoomIdPayload, NoData>()({
    http: 'POST /api/rooms/:roomId/leave',
    pattern: CHAT_PATTERNS.memberLeave,
    dto: 'RoomIdDto',
    emits: [SERVER_EVENTS.roomMember, SERVER_EVENTS.roomRemoved],
  }),
  membersList: command<MembersRequest, MembersPage>()({
    http: 'GET /api/rooms/:roomId/members',
    pattern: CHAT_PATTERNS.membersList,
    dto: 'MembersRequestDto',
    emits: [],
  }),
  memberAdd: command<AddMemberRequest, RoomMember>()({
    http: 'POST /api/rooms/:roomId/members',
    pattern: CHAT_PATTERNS.memberAdd,
    dto: 'AddMemberRequestDto',
    emits: [SERVER_EVENTS.roomMember, SERVER_EVENTS.roomUpdated],
  }),
  memberRemove: command<MemberRef, NoData>()({
    http: 'DELETE /api/rooms/:roomId/members/:userId',
    pattern: CHAT_PATTERNS.memberRemove,
    dto: 'MemberRefDto',
    emits: [SERVER_EVENTS.roomMember, SERVER_EVENTS.roomRemoved],
  }),
  memberRole: command<MemberRoleRequest, RoomMember>()({
    http: 'PATCH /api/rooms/:roomId/members/:userId',
    pattern: CHAT_PATTERNS.memberRole,
    dto: 'MemberRoleRequestDto',
    emits: [SERVER_EVENTS.roomMember],
  }),
  dmOpen: command<OpenDmBody, OpenDmReply>()({
    http: 'POST /api/dms',
    pattern: CHAT_PATTERNS.openDm,
    dto: 'OpenDmDto',
    emits: [SERVER_EVENTS.roomUpdated],
  }),
  history: command<HistoryRequest, HistoryPage>()({
    http: 'GET /api/rooms/:roomId/messages',
    pattern: CHAT_PATTERNS.history,
    dto: 'HistoryRequestDto',
    emits: [],
  }),
  search: command<SearchQuery, SearchReply>()({
    http: 'GET /api/search',
    pattern: CHAT_PATTERNS.search,
    dto: 'SearchQueryDto',
    emits: [],
  }),
  uploadCreate: command<UploadRecord, Attachment>()({
    http: 'POST /api/uploads',
    pattern: CHAT_PATTERNS.uploadCreate,
    dto: 'UploadRecordDto',
    emits: [],
  }),
  uploadOpen: command<UploadRef, UploadOpenReply>()({
    http: 'GET /api/uploads/:id',
    pattern: CHAT_PATTERNS.uploadOpen,
    dto: 'UploadRefDto',
    emits: [],
  }),
  uploadsSweep: command<UploadsSweepRequest, UploadsSweepReply>()({
    http: '(the gateway, periodically)',
    pattern: CHAT_PATTERNS.uploadsSweep,
    dto: 'UploadsSweepDto',
    emits: [],
  }),
  chatProvision: command<NoData, ProvisionReply>()({
    http: 'POST /api/auth/register, login, refresh, guest',
    pattern: CHAT_PATTERNS.provision,
    dto: 'EmptyDto',
    emits: [],
  }),
  chatPing: command<NoData, PingReply>()({
    http: 'GET /api/health',
    pattern: CHAT_PATTERNS.ping,
    dto: 'EmptyDto',
    emits: [],
  }),

  /* ---------- moderation, carried to chat (docs/api.md "Moderation", SPEC §8) ---------- */
  muteAdd: command<MuteRequest, RoomMute>()({
    http: 'POST /api/rooms/:roomId/mutes',
    pattern: CHAT_PATTERNS.muteAdd,
    dto: 'MuteRequestDto',
    emits: [SERVER_EVENTS.roomMember],
  }),
  muteRemove: command<MemberRef, NoData>()({
    http: 'DELETE /api/rooms/:roomId/mutes/:userId',
    pattern: CHAT_PATTERNS.muteRemove,
    dto: 'MemberRefDto',
    emits: [SERVER_EVENTS.roomMember],
  }),
  banAdd: command<BanRequest, RoomBan>()({
    http: 'POST /api/rooms/:roomId/bans',
    pattern: CHAT_PATTERNS.banAdd,
    dto: 'BanRequestDto',
    emits: [SERVER_EVENTS.roomMember, SERVER_EVENTS.roomRemoved],
  }),
  banRemove: command<MemberRef, NoData>()({
    http: 'DELETE /api/rooms/:roomId/bans/:userId',
    pattern: CHAT_PATTERNS.banRemove,
    dto: 'MemberRefDto',
    emits: [],
  }),
  bansList: command<BansRequest, BansPage>()({
    http: 'GET /api/rooms/:roomId/bans',
    pattern: CHAT_PATTERNS.bansList,
    dto: 'BansRequestDto',
    emits: [],
  }),
  reportCreate: command<ReportRequest, ReportReceipt>()({
    http: 'POST /api/messages/:messageId/report',
    pattern: CHAT_PATTERNS.reportCreate,
    dto: 'ReportRequestDto',
    emits: [SERVER_EVENTS.moderationReports],
  }),
  reportsList: command<ReportsQuery, ReportsPage>()({
    http: 'GET /api/moderation/reports',
    pattern: CHAT_PATTERNS.reportsList,
    dto: 'ReportsQueryDto',
    emits: [],
  }),
  reportResolve: command<ResolveReportRequest, Report>()({
    http: 'POST /api/moderation/reports/:reportId/resolve',
    pattern: CHAT_PATTERNS.reportResolve,
    dto: 'ResolveReportRequestDto',
    emits: [
      SERVER_EVENTS.moderationReports,
      SERVER_EVENTS.messageUpdated,
      SERVER_EVENTS.roomMember,
      SERVER_EVENTS.roomRemoved,
    ],
  }),
  chatStats: command<NoData, ChatStats>()({
    http: 'GET /api/admin/stats',
    pattern: CHAT_PATTERNS.stats,
    dto: 'EmptyDto',
    emits: [],
  }),

  /* ---------- REST commands carried to auth (docs/api.md) ---------- */
  authRegister: command<RegisterBody, AuthTokens>()({
    http: 'POST /api/auth/register',
    pattern: AUTH_PATTERNS.register,
    dto: 'RegisterDto',
    emits: [],
  }),
  authLogin: command<LoginBody, LoginReply>()({
    http: 'POST /api/auth/login',
    pattern: AUTH_PATTERNS.login,
    dto: 'LoginDto',
    emits: [],
  }),
  authRefresh: command<RefreshBody, AuthTokens>()({
    http: 'POST /api/auth/refresh',
    pattern: AUTH_PATTERNS.refresh,
    dto: 'RefreshDto',
    emits: [],
  }),
  authLogout: command<RefreshBody, NoData>()({
    http: 'POST /api/auth/logout',
    pattern: AUTH_PATTERNS.logout,
    dto: 'LogoutDto',
    emits: [],
  }),
  authLogoutAll: command<UserIdPayload, NoData>()({
    http: 'POST /api/auth/logout-all',
    pattern: AUTH_PATTERNS.logoutAll,
    dto: 'MeDto',
    emits: [],
  }),
  authGuest: command<GuestBody, GuestTokens>()({
    http: 'POST /api/auth/guest',
    pattern: AUTH_PATTERNS.guest,
    dto: 'GuestDto',
    emits: [],
  }),
  authMe: command<UserIdPayload, PublicUser>()({
    http: 'GET /api/me',
    pattern: AUTH_PATTERNS.me,
    dto: 'MeDto',
    emits: [],
  }),
  authPing: command<NoData, PingReply>()({
    http: 'GET /api/health',
    pattern: AUTH_PATTERNS.ping,
    dto: 'EmptyDto',
    emits: [],
  }),

  /* ---------- administration, carried to auth (docs/api.md "Administration") ---------- */
  admission: command<NoData, ServerSettings>()({
    http: 'GET /api/auth/methods',
    pattern: AUTH_PATTERNS.admission,
    dto: 'EmptyDto',
    emits: [],
  }),
  passwordReset: command<PasswordResetBody, NoData>()({
    http: 'POST /api/auth/reset',
    pattern: AUTH_PATTERNS.passwordReset,
    dto: 'PasswordResetDto',
    emits: [],
  }),
  passwordForgot: command<PasswordForgotBody, NoData>()({
    http: 'POST /api/auth/forgot',
    pattern: AUTH_PATTERNS.passwordForgot,
    dto: 'PasswordForgotDto',
    emits: [],
  }),
  adminUsers: command<AdminUsersQuery, AdminUsersPage>()({
    http: 'GET /api/admin/users',
    pattern: AUTH_PATTERNS.adminUsers,
    dto: 'AdminUsersQueryDto',
    emits: [],
  }),
  adminUserUpdate: command<AdminUserUpdate, AdminUser>()({
    http: 'PATCH /api/admin/users/:id',
    pattern: AUTH_PATTERNS.adminUserUpdate,
    dto: 'AdminUserUpdateDto',
    emits: [],
  }),
  adminDeactivate: command<AdminUserAction, NoData>()({
    http: 'POST /api/admin/users/:id/deactivate',
    pattern: AUTH_PATTERNS.adminDeactivate,
    dto: 'AdminUserActionDto',
    emits: [SERVER_EVENTS.sessionRevoked],
  }),
  adminReactivate: command<AdminUserAction, NoData>()({
    http: 'POST /api/admin/users/:id/reactivate',
    pattern: AUTH_PATTERNS.adminReactivate,
    dto: 'AdminUserActionDto',
    emits: [],
  }),
  adminPasswordReset: command<AdminUserAction, PasswordResetIssued>()({
    http: 'POST /api/admin/users/:id/password-reset',
    pattern: AUTH_PATTERNS.adminPasswordReset,
    dto: 'AdminUserActionDto',
    emits: [],
  }),
  adminSettings: command<NoData, ServerSettings>()({
    http: 'GET /api/admin/settings',
    pattern: AUTH_PATTERNS.adminSettings,
    dto: 'EmptyDto',
    emits: [],
  }),
  adminSettingsUpdate: command<ServerSettingsUpdate, ServerSettings>()({
    http: 'PATCH /api/admin/settings',
    pattern: AUTH_PATTERNS.adminSettingsUpdate,
    dto: 'ServerSettingsUpdateDto',
    emits: [],
  }),
  adminInviteCreate: command<InviteCreateBody, InviteIssued>()({
    http: 'POST /api/admin/invites',
    pattern: AUTH_PATTERNS.adminInviteCreate,
    dto: 'InviteCreateDto',
    emits: [],
  }),
  adminAudit: command<AuditQuery, AuditPage>()({
    http: 'GET /api/admin/audit',
    pattern: AUTH_PATTERNS.adminAudit,
    dto: 'AuditQueryDto',
    emits: [],
  }),
  adminStats: command<NoData, ServerStats>()({
    http: 'GET /api/admin/stats',
    pattern: AUTH_PATTERNS.adminStats,
    dto: 'EmptyDto',
    emits: [],
  }),
  auditAppend: command<AuditAppend, AuditEntry>()({
    http: '(services: moderation and other audited actions)',
    pattern: AUTH_PATTERNS.auditAppend,
    dto: 'AuditAppendDto',
    emits: [],
  }),
  /* ---------- two-factor, passkeys, single sign-on (signin.ts) ---------- */
  ...SIGNIN_PROTOCOL,
  /* ---------- bots, tokens, webhooks (integrations.ts) ---------- */
  ...INTEGRATION_PROTOCOL,
  /* ---------- one's own account (account.ts, SPEC §10) ---------- */
  ...ACCOUNT_PROTOCOL,
} as const;

/** Any protocol table (PROTOCOL, or a test fixture that extends it). */
export type ProtocolTable = Record<string, CommandRow & { readonly types?: CommandTypes<object, unknown, object> }>;

/* Types of a command of any table T. */
type TypesIn<T extends ProtocolTable, K extends keyof T> = NonNullable<T[K]['types']>;
export type PayloadIn<T extends ProtocolTable, K extends keyof T> = TypesIn<T, K>['payload'];
export type ReplyIn<T extends ProtocolTable, K extends keyof T> = TypesIn<T, K>['reply'];
export type AckIn<T extends ProtocolTable, K extends keyof T> = TypesIn<T, K>['ack'];
/** The commands of T a client gives over Socket.IO. */
export type SocketCommandIn<T extends ProtocolTable> = {
  [K in keyof T]: T[K] extends { event: string } ? K : never;
}[keyof T];
/** The commands of T carried over the bus. */
export type BusCommandIn<T extends ProtocolTable> = {
  [K in keyof T]: T[K] extends { pattern: string } ? K : never;
}[keyof T];
/** The Socket.IO client → server map of T. */
export type ClientToServerEventsOf<T extends ProtocolTable> = {
  [K in SocketCommandIn<T> as T[K]['event'] & string]: (
    payload: PayloadIn<T, K>,
    ack?: (answer: Ack<AckIn<T, K>>) => void,
  ) => void;
};

export type Protocol = typeof PROTOCOL;
export type CommandName = keyof Protocol;

/** What the command carries (socket payload, REST body, bus data alike). */
export type CommandPayload<K extends CommandName> = PayloadIn<Protocol, K>;
/** What the service answers over the bus (`BusResult<CommandReply<K>>`). */
export type CommandReply<K extends CommandName> = ReplyIn<Protocol, K>;
/** What a socket ack holds on success (besides `ok: true`). */
export type CommandAck<K extends CommandName> = AckIn<Protocol, K>;

/** Commands a client gives over Socket.IO. */
export type SocketCommand = SocketCommandIn<Protocol>;
/** Commands carried over the bus. */
export type BusCommand = BusCommandIn<Protocol>;

/** The socket command of a Socket.IO event name. */
export type CommandOfEvent<E extends ClientEvent> = {
  [K in SocketCommand]: Protocol[K]['event'] extends E ? K : never;
}[SocketCommand];
/** The command of a bus pattern. */
export type CommandOfPattern<P extends BusPattern> = {
  [K in BusCommand]: Protocol[K]['pattern'] extends P ? K : never;
}[BusCommand];

/** Bus calls typed from pattern to data and reply. */
export type BusRequest<P extends BusPattern> = CommandPayload<CommandOfPattern<P>>;
export type BusReply<P extends BusPattern> = CommandReply<CommandOfPattern<P>>;

/** Names of the socket commands, in table order. */
export const SOCKET_COMMANDS = socketCommandsOf(PROTOCOL);

/** Names of the socket commands of any table, in table order. */
export function socketCommandsOf<T extends ProtocolTable>(table: T): SocketCommandIn<T>[] {
  return Object.keys(table).filter((k) => table[k].event !== undefined) as SocketCommandIn<T>[];
}

/* ---------- Socket.IO event maps, for `Server<…>` and the client's `Socket<…>` ---------- */

/** Payload of each server → client event. */
export interface ServerEventPayloads {
  [SERVER_EVENTS.messageNew]: Message;
  [SERVER_EVENTS.messageUpdated]: Message;
  [SERVER_EVENTS.presence]: PresenceEvent;
  [SERVER_EVENTS.typing]: TypingEvent;
  [SERVER_EVENTS.roomUpdated]: Room;
  [SERVER_EVENTS.roomMember]: RoomMemberEvent;
  [SERVER_EVENTS.roomRemoved]: RoomRemovedEvent;
  [SERVER_EVENTS.serverReconnect]: ServerReconnectEvent;
  [SERVER_EVENTS.sessionRevoked]: { reason: SessionRevokedReason };
  [SERVER_EVENTS.userUpdated]: UserUpdatedEvent;
  [SERVER_EVENTS.serverDisconnect]: ServerDisconnectEvent;
  [SERVER_EVENTS.moderationReports]: ModerationReportsEvent;
}

/** `server:reconnect`: why the client should reconnect. */
export interface ServerReconnectEvent {
  /** e.g. `shutdown`, `token expired` */
  reason: string;
}

/** `server:disconnect`: why the server closes this socket (then it disconnects it). */
export interface ServerDisconnectEvent {
  /** e.g. `flooding: kept sending after rate_limited` */
  reason: string;
  /** how long to wait before connecting again, ms */
  retryAfterMs: number;
}

export type ServerToClientEvents = {
  [E in ServerEvent]: (payload: ServerEventPayloads[E]) => void;
};

/** The acknowledgement callback of a socket command. */
export type AckCallback<K extends SocketCommand> = (answer: Ack<CommandAck<K>>) => void;

export type ClientToServerEvents = ClientToServerEventsOf<Protocol>;

import { CommandName, CommandPayload, PayloadIn, ProtocolTable } from '@hihi/contracts';
import { GuestDto, LoginDto, LogoutDto, MeDto, RefreshDto, RegisterDto } from './auth.dto';
import {
  AdminUserActionDto,
  AdminUsersQueryDto,
  AdminUserUpdateDto,
  AuditAppendDto,
  AuditQueryDto,
  InviteCreateDto,
  PasswordResetDto,
  ServerSettingsUpdateDto,
} from './admin.dto';
import {
  CreateRoomDto,
  HistoryRequestDto,
  MessageDeleteDto,
  MessageEditDto,
  MessageReactDto,
  MessageSendDto,
  OpenDmDto,
  RoomJoinDto,
  RoomLeaveDto,
  RoomReadDto,
  SearchQueryDto,
  TypingDto,
  UploadRecordDto,
  UploadRefDto,
  UploadsSweepDto,
} from './chat.dto';
import {
  AddMemberRequestDto,
  DirectoryQueryDto,
  MemberRefDto,
  MemberRoleRequestDto,
  MembersRequestDto,
  RoomIdDto,
  UpdateRoomDto,
} from './rooms.dto';
import {
  MfaLoginDto,
  OidcIdentityDto,
  PasskeyLoginBusDto,
  PasskeyRegisterBusDto,
  PasskeyRegOptionsBusDto,
  PasskeyRemoveBusDto,
  RelyingPartyDto,
  TotpConfirmBusDto,
  TotpDisableBusDto,
} from './signin.dto';
import {
  BotCreateDto,
  BotRefDto,
  HookRefDto,
  IncomingCreateDto,
  OutgoingCreateDto,
  TokenCreateDto,
  TokenRefDto,
  TokenVerifyDto,
  WebhookPostDto,
} from './integrations.dto';
import { DtoClass, EmptyDto, validatePayload, Validated } from './validation';

/** The DTO class of every command of a protocol table, by name. */
export type DtoMapOf<T extends ProtocolTable> = { [K in keyof T]: DtoClass<PayloadIn<T, K>> };
/** The DTO class of every command of PROTOCOL (@hihi/contracts). */
export type CommandDtos = DtoMapOf<typeof import('@hihi/contracts').PROTOCOL>;

/**
 * The validator of each command, keyed like PROTOCOL: the compiler checks that every command has
 * one and that it produces the command's payload type; a unit test checks the names against
 * PROTOCOL[k].dto.
 */
export const COMMAND_DTOS: CommandDtos = {
  roomJoin: RoomJoinDto,
  roomLeave: RoomLeaveDto,
  messageSend: MessageSendDto,
  roomRead: RoomReadDto,
  typing: TypingDto,
  messageEdit: MessageEditDto,
  messageDelete: MessageDeleteDto,
  messageReact: MessageReactDto,
  roomsList: EmptyDto,
  roomCreate: CreateRoomDto,
  roomDirectory: DirectoryQueryDto,
  roomUpdate: UpdateRoomDto,
  memberJoin: RoomIdDto,
  memberLeave: RoomIdDto,
  membersList: MembersRequestDto,
  memberAdd: AddMemberRequestDto,
  memberRemove: MemberRefDto,
  memberRole: MemberRoleRequestDto,
  dmOpen: OpenDmDto,
  history: HistoryRequestDto,
  search: SearchQueryDto,
  uploadCreate: UploadRecordDto,
  uploadOpen: UploadRefDto,
  uploadsSweep: UploadsSweepDto,
  chatProvision: EmptyDto,
  chatPing: EmptyDto,
  authRegister: RegisterDto,
  authLogin: LoginDto,
  authRefresh: RefreshDto,
  authLogout: LogoutDto,
  authLogoutAll: MeDto,
  authGuest: GuestDto,
  authMe: MeDto,
  authPing: EmptyDto,
  passwordReset: PasswordResetDto,
  adminUsers: AdminUsersQueryDto,
  adminUserUpdate: AdminUserUpdateDto,
  adminDeactivate: AdminUserActionDto,
  adminReactivate: AdminUserActionDto,
  adminPasswordReset: AdminUserActionDto,
  adminSettings: EmptyDto,
  adminSettingsUpdate: ServerSettingsUpdateDto,
  adminInviteCreate: InviteCreateDto,
  adminAudit: AuditQueryDto,
  adminStats: EmptyDto,
  auditAppend: AuditAppendDto,
  authMfaStatus: MeDto,
  authTotpEnrol: MeDto,
  authTotpConfirm: TotpConfirmBusDto,
  authTotpDisable: TotpDisableBusDto,
  authLoginMfa: MfaLoginDto,
  authPasskeyRegOptions: PasskeyRegOptionsBusDto,
  authPasskeyRegister: PasskeyRegisterBusDto,
  authPasskeyList: MeDto,
  authPasskeyRemove: PasskeyRemoveBusDto,
  authPasskeyLoginOptions: RelyingPartyDto,
  authPasskeyLogin: PasskeyLoginBusDto,
  authOidcSignIn: OidcIdentityDto,
  botsCreate: BotCreateDto,
  botsList: EmptyDto,
  botsDelete: BotRefDto,
  botsToken: BotRefDto,
  tokensCreate: TokenCreateDto,
  tokensList: EmptyDto,
  tokensRevoke: TokenRefDto,
  tokensVerify: TokenVerifyDto,
  incomingCreate: IncomingCreateDto,
  incomingList: RoomIdDto,
  incomingDelete: HookRefDto,
  incomingRotate: HookRefDto,
  incomingPost: WebhookPostDto,
  outgoingCreate: OutgoingCreateDto,
  outgoingList: RoomIdDto,
  outgoingDelete: HookRefDto,
  outgoingDeliveries: HookRefDto,
};

/** Validate a command's payload with its DTO (the one pipeline: validatePayload). */
export function validateCommand<K extends CommandName>(name: K, value: unknown): Validated<CommandPayload<K>> {
  return validatePayload(COMMAND_DTOS[name] as DtoClass<CommandPayload<K>>, value);
}

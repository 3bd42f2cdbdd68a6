import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  AccountDeleteBody,
  AccountRef,
  AVATAR_HASH_PATTERN,
  AvatarSetRequest,
  CurrentSessionRef,
  DIGEST,
  DigestEntry,
  EmailVerifyBody,
  LIMITS,
  MAIL_LANGUAGES,
  MailDigestBody,
  MailLanguage,
  MailUnsubscribeBody,
  NOTIFICATION_LEVELS,
  NotificationLevel,
  PasswordChangeBody,
  ProfileUpdateBody,
  PUSH,
  PushSubscriptionBody,
  PushUnsubscribeBody,
  RoomNotificationsBody,
  RoomNotificationsRequest,
  SessionLabelRequest,
  SessionRevokeRequest,
  UNSUBSCRIBE_TOKEN_PATTERN,
} from '@hihi/contracts';
import { IsSafeName } from './names';
import { ROOM_ID_PATTERN } from './chat.dto';

/*
 * One's own account (SPEC §10). HTTP bodies, and the bus requests that extend them with the
 * actor's user id (and the session of the request).
 */

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Longest email address (RFC 5321 path limit). */
export const EMAIL_MAX = 254;
/** Session ids: 16 random bytes, base64url. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export class ProfileUpdateDto implements ProfileUpdateBody {
  @ApiPropertyOptional({
    description:
      '1–64 characters, trimmed; no control, bidi or zero-width characters, not invisible-only, not (like) a bot name (as at sign-up)',
    example: '小明',
  })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'displayName must be a string' })
  @Length(1, LIMITS.displayNameMax, { message: `displayName must be 1-${LIMITS.displayNameMax} characters` })
  @IsSafeName()
  displayName?: string;

  @ApiPropertyOptional({
    description: 'an email address (unverified until its link is opened); null or empty removes it',
    example: 'xiaoming@example.org',
    nullable: true,
  })
  @IsOptional()
  @Transform(trim)
  @ValidateIf((_, v) => v !== null && v !== '')
  @IsString({ message: 'email must be a string' })
  @MaxLength(EMAIL_MAX, { message: `email must be at most ${EMAIL_MAX} characters` })
  @IsEmail({ allow_ip_domain: false, require_tld: true }, { message: 'email must be an email address' })
  email?: string | null;

  @ApiPropertyOptional({
    description: 'opt in to the email digest of unread DMs and mentions (sent only to a verified address)',
  })
  @IsOptional()
  @IsBoolean({ message: 'digest must be a boolean' })
  digest?: boolean;

  @ApiPropertyOptional({ enum: MAIL_LANGUAGES, description: 'the language mails are written in' })
  @IsOptional()
  @IsIn(MAIL_LANGUAGES, { message: `language must be one of ${MAIL_LANGUAGES.join(', ')}` })
  language?: MailLanguage;
}

/** The 43-character base64url token of a one-time link (verification, reset). */
const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class EmailVerifyDto implements EmailVerifyBody {
  @ApiProperty({ description: 'the token of the verification link' })
  @IsString({ message: 'token must be a string' })
  @Matches(LINK_TOKEN_PATTERN, { message: 'token must be the token of a verification link' })
  token!: string;
}

export class MailUnsubscribeDto implements MailUnsubscribeBody {
  @ApiProperty({ description: 'the token of the unsubscribe link' })
  @IsString({ message: 'token must be a string' })
  @Matches(UNSUBSCRIBE_TOKEN_PATTERN, { message: 'token must be the token of an unsubscribe link' })
  token!: string;
}

class UserIdField implements AccountRef {
  @IsString({ message: 'userId must be a string' })
  @Matches(/^[a-f0-9]{24}$/, { message: 'userId must be a user id' })
  userId!: string;
}

class CurrentSessionField extends UserIdField implements CurrentSessionRef {
  @IsOptional()
  @IsString({ message: 'sid must be a string' })
  @Matches(SESSION_ID_PATTERN, { message: 'sid must be a session id' })
  sid?: string;
}

export class ProfileUpdateBusDto extends ProfileUpdateDto implements AccountRef {
  @IsString({ message: 'userId must be a string' })
  @Matches(/^[a-f0-9]{24}$/, { message: 'userId must be a user id' })
  userId!: string;
}

export class AvatarSetBusDto extends UserIdField implements AvatarSetRequest {
  @ValidateIf((_, v) => v !== null)
  @IsString({ message: 'avatar must be a content hash or null' })
  @Matches(AVATAR_HASH_PATTERN, { message: 'avatar must be a content hash or null' })
  avatar!: string | null;
}

export class PasswordChangeDto implements PasswordChangeBody {
  @ApiProperty({ format: 'password', description: 'the password now' })
  @IsString({ message: 'currentPassword must be a string' })
  @Length(1, LIMITS.passwordMax, { message: `currentPassword must be 1-${LIMITS.passwordMax} characters` })
  currentPassword!: string;

  @ApiProperty({ format: 'password', description: '8–128 characters; very common passwords are refused' })
  @IsString({ message: 'newPassword must be a string' })
  @Length(LIMITS.passwordMin, LIMITS.passwordMax, {
    message: `newPassword must be ${LIMITS.passwordMin}-${LIMITS.passwordMax} characters`,
  })
  newPassword!: string;
}

export class PasswordChangeBusDto extends PasswordChangeDto implements CurrentSessionRef {
  @IsString({ message: 'userId must be a string' })
  @Matches(/^[a-f0-9]{24}$/, { message: 'userId must be a user id' })
  userId!: string;

  @IsOptional()
  @IsString({ message: 'sid must be a string' })
  @Matches(SESSION_ID_PATTERN, { message: 'sid must be a session id' })
  sid?: string;
}

export class CurrentSessionBusDto extends CurrentSessionField {}

/** A bus request about the actor's own account and nothing more. */
export class AccountRefBusDto extends UserIdField {}

export class DigestEntryDto implements DigestEntry {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;

  @IsString({ message: 'roomName must be a string' })
  // may be empty (a DM's name is its people's, which the mail shows as the sender)
  @MaxLength(LIMITS.roomNameMax * 4, { message: 'roomName must be at most 256 characters' })
  roomName!: string;

  @IsString({ message: 'messageId must be a string' })
  @IsUUID('all', { message: 'messageId must be a message id' })
  messageId!: string;

  @IsInt({ message: 'seq must be an integer' })
  @Min(1, { message: 'seq must be at least 1' })
  seq!: number;

  @IsIn(['dm', 'group', 'mention'], { message: 'reason must be one of dm, group, mention' })
  reason!: DigestEntry['reason'];

  @IsString({ message: 'sender must be a string' })
  @Length(1, LIMITS.displayNameMax * 4, { message: 'sender must be 1-256 characters' })
  sender!: string;

  @IsString({ message: 'excerpt must be a string' })
  @MaxLength(DIGEST.excerptMax, { message: `excerpt must be at most ${DIGEST.excerptMax} characters` })
  excerpt!: string;

  @IsISO8601({ strict: true }, { message: 'at must be an ISO-8601 time' })
  at!: string;
}

/** chat → auth: a digest of what waited unseen (bus only; never from clients). */
export class MailDigestDto extends UserIdField implements MailDigestBody {
  @IsArray({ message: 'entries must be a list' })
  @ArrayMinSize(1, { message: 'entries must hold at least one item' })
  @ArrayMaxSize(DIGEST.entriesMax, { message: `entries must hold at most ${DIGEST.entriesMax} items` })
  @ValidateNested({ each: true })
  @Type(() => DigestEntryDto)
  entries!: DigestEntryDto[];

  @IsInt({ message: 'more must be an integer' })
  @Min(0, { message: 'more must be at least 0' })
  more!: number;
}

export class SessionRevokeBusDto extends UserIdField implements SessionRevokeRequest {
  @IsString({ message: 'id must be a string' })
  @Matches(SESSION_ID_PATTERN, { message: 'id must be a session id' })
  id!: string;
}

/** Longest User-Agent kept for the sessions list. */
export const USER_AGENT_MAX = 256;

export class SessionLabelBusDto extends UserIdField implements SessionLabelRequest {
  @IsString({ message: 'sid must be a string' })
  @Matches(SESSION_ID_PATTERN, { message: 'sid must be a session id' })
  sid!: string;

  @IsString({ message: 'userAgent must be a string' })
  @MaxLength(USER_AGENT_MAX, { message: `userAgent must be at most ${USER_AGENT_MAX} characters` })
  userAgent!: string;
}

export class AccountDeleteDto implements AccountDeleteBody {
  @ApiProperty({ format: 'password', description: 'the password now (deleting cannot be undone)' })
  @IsString({ message: 'password must be a string' })
  @Length(1, LIMITS.passwordMax, { message: `password must be 1-${LIMITS.passwordMax} characters` })
  password!: string;
}

export class AccountDeleteBusDto extends AccountDeleteDto implements AccountRef {
  @IsString({ message: 'userId must be a string' })
  @Matches(/^[a-f0-9]{24}$/, { message: 'userId must be a user id' })
  userId!: string;
}

export class RoomNotificationsBodyDto implements RoomNotificationsBody {
  @ApiProperty({ enum: NOTIFICATION_LEVELS, description: 'all messages, mentions only, or nothing' })
  @IsIn(NOTIFICATION_LEVELS, { message: `level must be one of ${NOTIFICATION_LEVELS.join(', ')}` })
  level!: NotificationLevel;
}

export class RoomNotificationsDto extends RoomNotificationsBodyDto implements RoomNotificationsRequest {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

/** A push service endpoint: an http(s) URL (the service decides https unless EGRESS_ALLOW lists it), bounded. */
const ENDPOINT_RE = /^https?:\/\/[^\s]+$/;

export class PushKeysDto {
  @ApiProperty({ description: "base64url of the subscription's P-256 public key (65 bytes, uncompressed)" })
  @IsString({ message: 'keys.p256dh must be a string' })
  @Matches(new RegExp(`^[A-Za-z0-9_-]{${PUSH.p256dhLength}}=?$`), {
    message: 'keys.p256dh must be the base64url of a 65-byte P-256 public key',
  })
  p256dh!: string;

  @ApiProperty({ description: 'base64url of the 16-byte auth secret' })
  @IsString({ message: 'keys.auth must be a string' })
  @Matches(new RegExp(`^[A-Za-z0-9_-]{${PUSH.authLength}}(==)?$`), {
    message: 'keys.auth must be the base64url of a 16-byte secret',
  })
  auth!: string;
}

export class PushUnsubscribeDto implements PushUnsubscribeBody {
  @ApiProperty({ description: 'the push service URL the browser was given', maxLength: PUSH.endpointMax })
  @IsString({ message: 'endpoint must be a string' })
  @MaxLength(PUSH.endpointMax, { message: `endpoint must be at most ${PUSH.endpointMax} characters` })
  @Matches(ENDPOINT_RE, { message: 'endpoint must be an https URL' })
  endpoint!: string;
}

export class PushSubscriptionDto extends PushUnsubscribeDto implements PushSubscriptionBody {
  @ApiProperty({ type: PushKeysDto })
  @IsObject({ message: 'keys must be an object {p256dh, auth}' })
  @ValidateNested()
  @Type(() => PushKeysDto)
  keys!: PushKeysDto;

  /** what PushSubscription.toJSON() adds; not kept */
  @ApiPropertyOptional({ nullable: true, type: Number })
  @IsOptional()
  @IsNumber({}, { message: 'expirationTime must be a number or null' })
  expirationTime?: number | null;
}

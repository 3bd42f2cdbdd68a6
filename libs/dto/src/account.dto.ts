import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import {
  AccountDeleteBody,
  AccountRef,
  AVATAR_HASH_PATTERN,
  AvatarSetRequest,
  CurrentSessionRef,
  LIMITS,
  NOTIFICATION_LEVELS,
  NotificationLevel,
  PasswordChangeBody,
  ProfileUpdateBody,
  RoomNotificationsBody,
  RoomNotificationsRequest,
  SessionLabelRequest,
  SessionRevokeRequest,
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

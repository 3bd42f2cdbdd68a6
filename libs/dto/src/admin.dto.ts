import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  ACCOUNT_ROLES,
  AccountRole,
  AccountStatus,
  ADMIN,
  AdminUserAction,
  AdminUsersQuery,
  AdminUserUpdate,
  AuditActor,
  AuditAppend,
  AuditQuery,
  AuditTarget,
  InviteCreateBody,
  LIMITS,
  PasswordForgotBody,
  PasswordResetBody,
  RegistrationMode,
  ServerSettingsUpdate,
} from '@hihi/contracts';
import { IsSafeName } from './names';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Query strings arrive as strings: convert explicitly (implicit conversion is off). */
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value;

/** An account id (MongoDB ObjectId, 24 hex digits). */
export const ACCOUNT_ID_PATTERN = /^[a-f0-9]{24}$/;
/** A page cursor: the id of the last item of the previous page. */
const CURSOR = /^[a-f0-9]{24}$/;
/** One-time tokens (reset links, invites): 43 base64url characters (32 random bytes). */
export const ONE_TIME_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const REGISTRATION_MODES: readonly RegistrationMode[] = ['open', 'invite', 'closed'];
const STATUSES: readonly AccountStatus[] = ['active', 'deactivated'];

function IsPageLimit(max: number): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(toInt),
    IsInt({ message: 'limit must be an integer' }),
    Min(1, { message: 'limit must be at least 1' }),
    Max(max, { message: `limit must be at most ${max}` }),
  );
}

/** A reason or note: 1-1000 characters with the display-name character rules (SPEC §8). */
function IsReason(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(trim),
    IsString({ message: 'reason must be a string' }),
    Length(1, ADMIN.reasonMax, { message: `reason must be 1-${ADMIN.reasonMax} characters` }),
    IsSafeName(),
  );
}

export class AdminUsersQueryDto implements AdminUsersQuery {
  @ApiPropertyOptional({ description: 'username or display name starts with this (case-insensitive)' })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'q must be a string' })
  @Length(1, LIMITS.displayNameMax, { message: `q must be 1-${LIMITS.displayNameMax} characters` })
  q?: string;

  @ApiPropertyOptional({ enum: ACCOUNT_ROLES })
  @IsOptional()
  @IsIn(ACCOUNT_ROLES, { message: `role must be one of ${ACCOUNT_ROLES.join(', ')}` })
  role?: AccountRole;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES, { message: 'status must be active or deactivated' })
  status?: AccountStatus;

  @ApiPropertyOptional({ description: "the previous page's nextCursor" })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @Matches(CURSOR, { message: 'cursor must be a nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: ADMIN.usersPageMax, default: ADMIN.usersPageDefault })
  @IsPageLimit(ADMIN.usersPageMax)
  limit?: number;
}

/** The `:id` of /api/admin/users/:id (and the bus payloads that name an account). */
export class AdminUserActionDto implements AdminUserAction {
  @IsString({ message: 'id must be a string' })
  @Matches(ACCOUNT_ID_PATTERN, { message: 'id must be an account id' })
  userId!: string;

  @ApiPropertyOptional({ description: '1-1000 characters (kept in the audit log)' })
  @IsReason()
  reason?: string;
}

export class AdminUserUpdateDto implements AdminUserUpdate {
  @IsString({ message: 'id must be a string' })
  @Matches(ACCOUNT_ID_PATTERN, { message: 'id must be an account id' })
  userId!: string;

  @ApiPropertyOptional({ enum: ACCOUNT_ROLES })
  @IsOptional()
  @IsIn(ACCOUNT_ROLES, { message: `role must be one of ${ACCOUNT_ROLES.join(', ')}` })
  role?: AccountRole;
}

/** PATCH /api/admin/users/:id body (the id comes from the path). */
export class AdminUserPatchDto {
  @ApiPropertyOptional({ enum: ACCOUNT_ROLES })
  @IsOptional()
  @IsIn(ACCOUNT_ROLES, { message: `role must be one of ${ACCOUNT_ROLES.join(', ')}` })
  role?: AccountRole;
}

/** POST /api/admin/users/:id/deactivate body. */
export class AdminReasonDto {
  @ApiPropertyOptional({ description: '1-1000 characters (kept in the audit log)' })
  @IsReason()
  reason?: string;
}

export class PasswordForgotDto implements PasswordForgotBody {
  @ApiProperty({ example: 'alice', description: 'the username (the answer is 202 whether or not it exists)' })
  @IsString({ message: 'username must be a string' })
  @IsNotEmpty({ message: 'username must not be empty' })
  @MaxLength(LIMITS.usernameMax * 4, { message: 'username is too long' })
  username!: string;
}

export class PasswordResetDto implements PasswordResetBody {
  @ApiProperty({ description: 'the token of the reset link' })
  @IsString({ message: 'token must be a string' })
  @Matches(ONE_TIME_TOKEN_PATTERN, { message: 'token must be the token of a reset link' })
  token!: string;

  @ApiProperty({ format: 'password', minLength: LIMITS.passwordMin, maxLength: LIMITS.passwordMax })
  @IsString({ message: 'password must be a string' })
  @Length(LIMITS.passwordMin, LIMITS.passwordMax, {
    message: `password must be ${LIMITS.passwordMin}-${LIMITS.passwordMax} characters`,
  })
  password!: string;
}

export class ServerSettingsUpdateDto implements ServerSettingsUpdate {
  @ApiPropertyOptional({ enum: REGISTRATION_MODES })
  @IsOptional()
  @IsIn(REGISTRATION_MODES, { message: 'registration must be open, invite or closed' })
  registration?: RegistrationMode;

  @ApiPropertyOptional({ description: 'may visitors chat with the duck without an account' })
  @IsOptional()
  @IsBoolean({ message: 'guests must be a boolean' })
  guests?: boolean;

  @ApiPropertyOptional({ description: 'admins, the owner and moderators must enrol a second factor' })
  @IsOptional()
  @IsBoolean({ message: 'require2fa must be a boolean' })
  require2fa?: boolean;
}

export class InviteCreateDto implements InviteCreateBody {
  @ApiPropertyOptional({ minimum: 1, maximum: ADMIN.inviteMaxUses, description: 'default: unlimited' })
  @IsOptional()
  @IsInt({ message: 'maxUses must be an integer' })
  @Min(1, { message: 'maxUses must be at least 1' })
  @Max(ADMIN.inviteMaxUses, { message: `maxUses must be at most ${ADMIN.inviteMaxUses}` })
  maxUses?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: ADMIN.inviteMaxTtlSec, description: 'default: never expires' })
  @IsOptional()
  @IsInt({ message: 'expiresInSec must be an integer' })
  @Min(1, { message: 'expiresInSec must be at least 1' })
  @Max(ADMIN.inviteMaxTtlSec, { message: `expiresInSec must be at most ${ADMIN.inviteMaxTtlSec}` })
  expiresInSec?: number;
}

export class AuditQueryDto implements AuditQuery {
  @ApiPropertyOptional({ description: "the actor's user id or username" })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'actor must be a string' })
  @Length(1, 128, { message: 'actor must be 1-128 characters' })
  actor?: string;

  @ApiPropertyOptional({ example: 'user.deactivate' })
  @IsOptional()
  @IsString({ message: 'action must be a string' })
  @Matches(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){0,3}$/, { message: 'action must look like user.role' })
  action?: string;

  @ApiPropertyOptional({ description: "the previous page's nextCursor" })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @Matches(CURSOR, { message: 'cursor must be a nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: ADMIN.auditPageMax, default: ADMIN.auditPageDefault })
  @IsPageLimit(ADMIN.auditPageMax)
  limit?: number;
}

class AuditActorDto implements AuditActor {
  @IsString()
  @Length(1, 128)
  id!: string;

  @IsString()
  @Length(1, 128)
  username!: string;

  @IsString()
  @Length(1, 32)
  role!: string;
}

class AuditTargetDto implements AuditTarget {
  @IsIn(['user', 'settings', 'invite', 'room', 'message', 'report'])
  type!: AuditTarget['type'];

  @IsOptional()
  @IsString()
  @Length(1, 128)
  id?: string;

  @IsOptional()
  @IsString()
  @Length(0, 200)
  label?: string;
}

/** An entry a service appends (auth.audit.append): bounded, typed; `details` a small object. */
export class AuditAppendDto implements AuditAppend {
  @ValidateNested()
  @Type(() => AuditActorDto)
  actor!: AuditActorDto;

  @IsString()
  @Matches(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){0,3}$/, { message: 'action must look like room.ban' })
  action!: string;

  @ValidateNested()
  @Type(() => AuditTargetDto)
  target!: AuditTargetDto;

  @IsOptional()
  @IsString()
  @Length(1, ADMIN.reasonMax)
  reason?: string;

  @IsObject()
  details!: Record<string, unknown>;
}

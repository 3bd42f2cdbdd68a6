import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import {
  AddMemberBody,
  AddMemberRequest,
  DirectoryQuery,
  LIMITS,
  MemberRef,
  MemberRoleBody,
  MemberRoleRequest,
  MembersQuery,
  MembersRequest,
  POST_POLICIES,
  PostPolicy,
  ROOM_ROLES,
  RoomIdPayload,
  RoomRole,
  UpdateRoomBody,
  UpdateRoomRequest,
} from '@hihi/contracts';
import { IsUsername } from './auth.dto';
import { IsPageLimit, ROOM_ID_PATTERN, TOPIC_PATTERN } from './chat.dto';
import { IsSafeName } from './names';

/*
 * Communities (SPEC §7): directory, room settings, membership and room roles. The HTTP bodies
 * (the route's `:roomId`/`:userId` come from the path) and the bus requests (path and body
 * together) are separate classes; the bus ones extend the bodies.
 */

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** User ids as chat knows them (auth's ids; `bot:…` for bots). */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** A page cursor answered by a previous page (base64url). */
export const PAGE_CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

class RoomIdField {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

/** POST /api/rooms/:id/join, /leave (bus: chat.members.join / leave). */
export class RoomIdDto extends RoomIdField implements RoomIdPayload {}

export class DirectoryQueryDto implements DirectoryQuery {
  @ApiPropertyOptional({ description: `part of a room name (0-${LIMITS.roomNameMax} characters, case-insensitive)` })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'q must be a string' })
  @Length(0, LIMITS.roomNameMax, { message: `q must be at most ${LIMITS.roomNameMax} characters` })
  q?: string;

  @ApiPropertyOptional({ description: "the previous page's nextCursor" })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @Matches(PAGE_CURSOR_PATTERN, { message: 'cursor must be a nextCursor answered by a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: LIMITS.directoryMax, default: LIMITS.directoryDefault })
  @IsPageLimit(LIMITS.directoryMax)
  limit?: number;
}

/** PATCH /api/rooms/:id: any of the settings. */
export class UpdateRoomBodyDto implements UpdateRoomBody {
  @ApiPropertyOptional({ description: `${LIMITS.roomNameMin}-${LIMITS.roomNameMax} characters` })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(LIMITS.roomNameMin, LIMITS.roomNameMax, {
    message: `name must be ${LIMITS.roomNameMin}-${LIMITS.roomNameMax} characters`,
  })
  @IsSafeName()
  name?: string;

  @ApiPropertyOptional({ description: `0-${LIMITS.topicMax} characters; empty clears it` })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'topic must be a string' })
  @Length(0, LIMITS.topicMax, { message: `topic must be at most ${LIMITS.topicMax} characters` })
  @Matches(TOPIC_PATTERN, { message: 'topic must not contain control or bidi characters' })
  topic?: string;

  @ApiPropertyOptional({ description: 'read-only for everyone (room owners only)' })
  @IsOptional()
  @IsBoolean({ message: 'archived must be a boolean' })
  archived?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: LIMITS.slowModeMaxSec })
  @IsOptional()
  @IsInt({ message: 'slowModeSec must be an integer' })
  @Min(0, { message: 'slowModeSec must be at least 0' })
  @Max(LIMITS.slowModeMaxSec, { message: `slowModeSec must be at most ${LIMITS.slowModeMaxSec}` })
  slowModeSec?: number;

  @ApiPropertyOptional({ enum: POST_POLICIES })
  @IsOptional()
  @IsIn([...POST_POLICIES], { message: 'postPolicy must be all or moderators' })
  postPolicy?: PostPolicy;
}

export class UpdateRoomDto extends UpdateRoomBodyDto implements UpdateRoomRequest {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

export class MembersQueryDto implements MembersQuery {
  @ApiPropertyOptional({ description: "the previous page's nextCursor" })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @Matches(PAGE_CURSOR_PATTERN, { message: 'cursor must be a nextCursor answered by a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: LIMITS.membersMax, default: LIMITS.membersDefault })
  @IsPageLimit(LIMITS.membersMax)
  limit?: number;
}

export class MembersRequestDto extends MembersQueryDto implements MembersRequest {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

/** POST /api/rooms/:id/members: invite by username. */
export class AddMemberBodyDto implements AddMemberBody {
  @ApiProperty({ example: 'alice' })
  @IsString({ message: 'username must be a string' })
  @IsUsername({ message: 'username is not a valid username' })
  username!: string;
}

export class AddMemberRequestDto extends AddMemberBodyDto implements AddMemberRequest {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

export class MemberRefDto extends RoomIdField implements MemberRef {
  @IsString({ message: 'userId must be a string' })
  @Matches(USER_ID_PATTERN, { message: 'userId must be a user id' })
  userId!: string;
}

/** PATCH /api/rooms/:id/members/:userId */
export class MemberRoleBodyDto implements MemberRoleBody {
  @ApiProperty({ enum: ROOM_ROLES })
  @IsIn([...ROOM_ROLES], { message: 'role must be owner, moderator or member' })
  role!: RoomRole;
}

export class MemberRoleRequestDto extends MemberRoleBodyDto implements MemberRoleRequest {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;

  @IsString({ message: 'userId must be a string' })
  @Matches(USER_ID_PATTERN, { message: 'userId must be a user id' })
  userId!: string;
}

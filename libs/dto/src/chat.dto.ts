import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUsername } from './auth.dto';
import { IsSafeName } from './names';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ValidateBy,
  IsArray,
  ValidateIf,
  IsBoolean,
  IsIn,
  IsInt,
  IsUUID,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  CreatableRoomKind,
  CreateRoomBody,
  HistoryQuery,
  HistoryRequest,
  LIMITS,
  SEARCH,
  MessageDeletePayload,
  MessageEditPayload,
  MessageReactPayload,
  MessageSendPayload,
  OpenDmBody,
  PublicUser,
  RoomJoinPayload,
  RoomLeavePayload,
  RoomReadPayload,
  SearchQuery,
  SERVER_ROLES,
  ServerRole,
  TypingPayload,
  UploadRecord,
  UploadRef,
  UploadsSweepRequest,
} from '@hihi/contracts';

/** Room ids: `lobby`, random ids of public rooms, `dm-…` and `duck-…` hashes. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Client message ids (a UUID is typical). */
export const CLIENT_MSG_ID_PATTERN = new RegExp(`^[A-Za-z0-9_.:-]{1,${LIMITS.clientMsgIdMax}}$`);
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
/** Upload ids (POST /api/uploads answers them). */
export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

class RoomRef {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

export class RoomJoinDto extends RoomRef implements RoomJoinPayload {
  @IsOptional()
  @IsInt({ message: 'sinceSeq must be an integer' })
  @Min(0, { message: 'sinceSeq must be at least 0' })
  @Max(MAX_SEQ)
  sinceSeq?: number;
}

export class RoomLeaveDto extends RoomRef implements RoomLeavePayload {}

export class MessageSendDto extends RoomRef implements MessageSendPayload {
  @Transform(trim)
  @IsString({ message: 'text must be a string' })
  @Length(1, LIMITS.messageMax, { message: `text must be 1-${LIMITS.messageMax} characters (after trimming)` })
  text!: string;

  @IsString({ message: 'clientMsgId must be a string' })
  @Matches(CLIENT_MSG_ID_PATTERN, {
    message: `clientMsgId must be 1-${LIMITS.clientMsgIdMax} letters, digits, _ . : -`,
  })
  clientMsgId!: string;

  @IsOptional()
  @IsUUID('all', { message: 'replyTo must be a message id' })
  replyTo?: string;

  @IsOptional()
  @IsArray({ message: 'attachments must be a list of upload ids' })
  @ArrayMaxSize(LIMITS.attachmentsPerMessage, {
    message: `a message carries at most ${LIMITS.attachmentsPerMessage} attachments`,
  })
  @IsString({ each: true, message: 'attachments must be a list of upload ids' })
  @Matches(UPLOAD_ID_PATTERN, { each: true, message: 'attachments must be a list of upload ids' })
  attachments?: string[];
}

class MessageRef extends RoomRef {
  @IsString({ message: 'messageId must be a string' })
  @IsUUID('all', { message: 'messageId must be a message id' })
  messageId!: string;
}

export class MessageEditDto extends MessageRef implements MessageEditPayload {
  @Transform(trim)
  @IsString({ message: 'text must be a string' })
  @Length(1, LIMITS.messageMax, { message: `text must be 1-${LIMITS.messageMax} characters (after trimming)` })
  text!: string;
}

export class MessageDeleteDto extends MessageRef implements MessageDeletePayload {}

/** One emoji (a grapheme cluster of pictographs, modifiers, joiners and tags): no letters, digits or markup. */
export const EMOJI_PATTERN =
  /^(?=.*(?:\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]|\u20e3))(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\p{Emoji_Modifier}|\u200d|\ufe0f|\u20e3|[\u{1F1E6}-\u{1F1FF}]|[\u{E0020}-\u{E007F}])+$/u;

export class MessageReactDto extends MessageRef implements MessageReactPayload {
  @IsString({ message: 'emoji must be a string' })
  @Length(1, LIMITS.reactionMax, { message: `emoji must be 1-${LIMITS.reactionMax} characters` })
  @Matches(EMOJI_PATTERN, { message: 'emoji must be an emoji' })
  emoji!: string;

  @IsBoolean({ message: 'on must be a boolean' })
  on!: boolean;
}

export class RoomReadDto extends RoomRef implements RoomReadPayload {
  @IsInt({ message: 'seq must be an integer' })
  @Min(0, { message: 'seq must be at least 0' })
  @Max(MAX_SEQ)
  seq!: number;
}

export class TypingDto extends RoomRef implements TypingPayload {
  @IsBoolean({ message: 'typing must be a boolean' })
  typing!: boolean;
}

/** A room topic: free text on one line, no control or bidi characters; empty clears it. */
export const TOPIC_PATTERN = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u;

export class CreateRoomDto implements CreateRoomBody {
  @ApiProperty({ description: `${LIMITS.roomNameMin}-${LIMITS.roomNameMax} characters`, example: 'design' })
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(LIMITS.roomNameMin, LIMITS.roomNameMax, {
    message: `name must be ${LIMITS.roomNameMin}-${LIMITS.roomNameMax} characters`,
  })
  @IsSafeName()
  name!: string;

  @ApiPropertyOptional({ enum: ['public', 'private'], default: 'public' })
  @IsOptional()
  @IsIn(['public', 'private'], { message: 'kind must be public or private' })
  kind?: CreatableRoomKind;

  @ApiPropertyOptional({ description: `0-${LIMITS.topicMax} characters` })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'topic must be a string' })
  @Length(0, LIMITS.topicMax, { message: `topic must be at most ${LIMITS.topicMax} characters` })
  @Matches(TOPIC_PATTERN, { message: 'topic must not contain control or bidi characters' })
  topic?: string;
}

/** POST /api/dms: `{username}` (a DM) or `{usernames: [2..8]}` (a group DM), not both. */
export class OpenDmDto implements OpenDmBody {
  @ApiPropertyOptional({ description: 'the other person (a DM)' })
  @ValidateIf((o: OpenDmDto) => o.usernames === undefined || o.username !== undefined)
  @IsString({ message: 'username must be a string' })
  @IsUsername({ message: 'username is not a valid username' })
  @ValidateBy(
    {
      name: 'notWithUsernames',
      validator: { validate: (_v, args) => (args?.object as OpenDmDto).usernames === undefined },
    },
    { message: 'give either username or usernames, not both' },
  )
  username?: string;

  @ApiPropertyOptional({
    description: `the other people of a group DM (${LIMITS.groupOthersMin}-${LIMITS.groupOthersMax})`,
    type: [String],
  })
  @ValidateIf((o: OpenDmDto) => o.usernames !== undefined || o.username === undefined)
  @IsArray({ message: 'usernames must be a list of usernames' })
  @ArrayMinSize(LIMITS.groupOthersMin, {
    message: `a group has ${LIMITS.groupOthersMin + 1}-${LIMITS.groupOthersMax + 1} people: name ${LIMITS.groupOthersMin}-${LIMITS.groupOthersMax} others`,
  })
  @ArrayMaxSize(LIMITS.groupOthersMax, {
    message: `a group has ${LIMITS.groupOthersMin + 1}-${LIMITS.groupOthersMax + 1} people: name ${LIMITS.groupOthersMin}-${LIMITS.groupOthersMax} others`,
  })
  @IsString({ each: true, message: 'usernames must be a list of usernames' })
  @IsUsername({ each: true, message: 'usernames must be a list of valid usernames' })
  usernames?: string[];
}

/** Query strings arrive as strings: convert explicitly (implicit conversion is off). */
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;

/** An optional page size from a query string: 1–max. */
export function IsPageLimit(max: number): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(toInt),
    IsInt({ message: 'limit must be an integer' }),
    Min(1, { message: 'limit must be at least 1' }),
    Max(max, { message: `limit must be at most ${max}` }),
  );
}

export class HistoryQueryDto implements HistoryQuery {
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'beforeSeq must be an integer' })
  @Min(1, { message: 'beforeSeq must be at least 1' })
  @Max(MAX_SEQ)
  beforeSeq?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'afterSeq must be an integer' })
  @Min(0, { message: 'afterSeq must be at least 0' })
  @Max(MAX_SEQ)
  afterSeq?: number;

  @IsPageLimit(LIMITS.historyMax)
  limit?: number;
}

export class HistoryRequestDto extends HistoryQueryDto implements HistoryRequest {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

/** A search cursor: what the previous page answered as `nextCursor` (base64url). */
export const SEARCH_CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** GET /api/search (and chat.search): a text query, in one room or in every room the caller sees. */
export class SearchQueryDto implements SearchQuery {
  @ApiProperty({
    description: `1-${LIMITS.searchQueryMax} characters; whitespace-separated terms, each found as a substring (any script, case-insensitive)`,
    example: '黄鸭',
  })
  @Transform(trim)
  @IsString({ message: 'q must be a string' })
  @Length(1, LIMITS.searchQueryMax, { message: `q must be 1-${LIMITS.searchQueryMax} characters (after trimming)` })
  q!: string;

  @ApiPropertyOptional({ description: 'only this room (which the caller must be able to see)' })
  @IsOptional()
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId?: string;

  @ApiPropertyOptional({
    description: 'results per page',
    minimum: 1,
    maximum: SEARCH.limitMax,
    default: SEARCH.limitDefault,
  })
  @IsPageLimit(SEARCH.limitMax)
  limit?: number;

  @ApiPropertyOptional({ description: "the previous page's nextCursor" })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @Matches(SEARCH_CURSOR_PATTERN, { message: 'cursor must be a nextCursor answered by a previous search' })
  cursor?: string;
}

/** An upload's file name as stored: no control, format (bidi) or separator characters, no path. */
export const UPLOAD_NAME_PATTERN = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}/\\]+$/u;

/** A stored upload's metadata, as the gateway records it (chat.uploads.create). */
export class UploadRecordDto implements UploadRecord {
  @IsString()
  @Matches(UPLOAD_ID_PATTERN, { message: 'id must be an upload id' })
  id!: string;

  @IsString()
  @Length(1, LIMITS.uploadNameMax, { message: `name must be 1-${LIMITS.uploadNameMax} characters` })
  @Matches(UPLOAD_NAME_PATTERN, { message: 'name must not contain control or bidi characters, / or \\' })
  name!: string;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  size!: number;

  @IsString()
  @Matches(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, { message: 'contentType must be a MIME type' })
  contentType!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  width?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  height?: number;

  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,128}$/, { message: 'storageKey must be a storage key' })
  storageKey!: string;
}

export class UploadRefDto implements UploadRef {
  @IsString()
  @Matches(UPLOAD_ID_PATTERN, { message: 'id must be an upload id' })
  id!: string;
}

export class UploadsSweepDto implements UploadsSweepRequest {
  @IsInt({ message: 'olderThanSec must be an integer' })
  @Min(60, { message: 'olderThanSec must be at least 60' })
  @Max(365 * 86400)
  olderThanSec!: number;
}

/** The authenticated caller, as the gateway puts it in a bus envelope. */
export class ActorDto implements PublicUser {
  @IsString()
  @Length(1, 128)
  id!: string;

  @IsString()
  @Length(1, 64)
  username!: string;

  @IsString()
  @Length(0, 128)
  displayName!: string;

  @IsBoolean()
  guest!: boolean;

  /** the caller's server role as the gateway knows it now (SPEC §7; absent: member, or guest) */
  @IsOptional()
  @IsIn(SERVER_ROLES)
  role?: ServerRole;

  /** a bot account acting with its token (SPEC §9) */
  @IsOptional()
  @IsBoolean()
  bot?: boolean;
  /** the account's avatar (`/api/avatars/<hash>.webp`): provisioning and profile changes carry it */
  @IsOptional()
  @IsString()
  @Matches(/^\/api\/avatars\/[a-f0-9]{32}\.webp$/)
  avatarUrl?: string;
}

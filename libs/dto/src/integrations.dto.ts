import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import {
  BotCreateBody,
  BotRef,
  HookRef,
  IncomingCreateRequest,
  INTEGRATION_LIMITS,
  LIMITS,
  OutgoingCreateRequest,
  OutgoingTrigger,
  TOKEN_SCOPES,
  TokenCreateBody,
  TokenRef,
  TokenScope,
  TokenVerifyRequest,
  WebhookPostRequest,
} from '@hihi/contracts';
import { IsUsername } from './auth.dto';
import { CLIENT_MSG_ID_PATTERN, ROOM_ID_PATTERN } from './chat.dto';
import { IsSafeName } from './names';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const ROOM_ID_MESSAGE = 'roomId must be 1-128 letters, digits, _ . : -';
/** Account ids in auth (MongoDB ObjectIds). */
const ACCOUNT_ID_PATTERN = /^[a-f0-9]{24}$/;
/** A hook's secret in its URL: 32 random bytes, base64url. */
export const HOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/* ---------- bots and tokens ---------- */

export class BotCreateDto implements BotCreateBody {
  @ApiProperty({ description: "the bot account's username (the rules of usernames; unique)", example: 'ci-bot' })
  @IsString({ message: 'username must be a string' })
  @IsUsername({ message: `username must be ${LIMITS.usernameMin}-${LIMITS.usernameMax} letters, digits, _ . or -` })
  username!: string;

  @ApiProperty({ description: `1-${LIMITS.displayNameMax} characters, the display-name rules`, example: 'CI 机器人' })
  @Transform(trim)
  @IsString({ message: 'displayName must be a string' })
  @Length(1, LIMITS.displayNameMax, { message: `displayName must be 1-${LIMITS.displayNameMax} characters` })
  @IsSafeName()
  displayName!: string;
}

export class BotRefDto implements BotRef {
  @IsString({ message: 'botId must be a string' })
  @Matches(ACCOUNT_ID_PATTERN, { message: 'botId must be a bot id' })
  botId!: string;
}

export class TokenCreateDto implements TokenCreateBody {
  @ApiProperty({ description: `1-${INTEGRATION_LIMITS.tokenNameMax} characters`, example: 'deploy script' })
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(1, INTEGRATION_LIMITS.tokenNameMax, {
    message: `name must be 1-${INTEGRATION_LIMITS.tokenNameMax} characters`,
  })
  @IsSafeName()
  name!: string;

  @ApiProperty({ enum: TOKEN_SCOPES, isArray: true, example: ['messages:read', 'messages:write'] })
  @IsArray({ message: 'scopes must be a list' })
  @ArrayMinSize(1, { message: 'scopes must name at least one scope' })
  @ArrayMaxSize(TOKEN_SCOPES.length, { message: 'scopes has too many entries' })
  @ArrayUnique({ message: 'scopes must not repeat' })
  @IsIn(TOKEN_SCOPES, { each: true, message: `scopes must be of ${TOKEN_SCOPES.join(', ')}` })
  scopes!: TokenScope[];

  @ApiPropertyOptional({ description: `1-${INTEGRATION_LIMITS.tokenMaxDays} days; absent: never expires` })
  @IsOptional()
  @IsInt({ message: 'expiresInDays must be an integer' })
  @Min(1, { message: 'expiresInDays must be at least 1' })
  @Max(INTEGRATION_LIMITS.tokenMaxDays, { message: `expiresInDays must be at most ${INTEGRATION_LIMITS.tokenMaxDays}` })
  expiresInDays?: number;
}

export class TokenRefDto implements TokenRef {
  @IsString({ message: 'tokenId must be a string' })
  @Matches(ACCOUNT_ID_PATTERN, { message: 'tokenId must be a token id' })
  tokenId!: string;
}

export class TokenVerifyDto implements TokenVerifyRequest {
  @IsString()
  @MaxLength(128)
  token!: string;
}

/* ---------- webhooks ---------- */

class RoomField {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: ROOM_ID_MESSAGE })
  roomId!: string;
}

export class IncomingCreateBodyDto {
  @ApiProperty({
    description: `the name its posts show (1-${INTEGRATION_LIMITS.hookNameMax} characters)`,
    example: 'CI',
  })
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(1, INTEGRATION_LIMITS.hookNameMax, { message: `name must be 1-${INTEGRATION_LIMITS.hookNameMax} characters` })
  @IsSafeName()
  name!: string;
}

export class IncomingCreateDto extends RoomField implements IncomingCreateRequest {
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(1, INTEGRATION_LIMITS.hookNameMax, { message: `name must be 1-${INTEGRATION_LIMITS.hookNameMax} characters` })
  @IsSafeName()
  name!: string;
}

export class HookRefDto extends RoomField implements HookRef {
  @IsString({ message: 'hookId must be a string' })
  @IsUUID('all', { message: 'hookId must be a hook id' })
  hookId!: string;
}

export class WebhookPostDto implements WebhookPostRequest {
  @IsUUID('all', { message: 'no such hook' })
  hookId!: string;

  @Matches(HOOK_SECRET_PATTERN, { message: 'no such hook' })
  secret!: string;

  @Transform(trim)
  @IsString({ message: 'text must be a string' })
  @Length(1, LIMITS.messageMax, { message: `text must be 1-${LIMITS.messageMax} characters (after trimming)` })
  text!: string;

  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'username must be a string' })
  @Length(1, INTEGRATION_LIMITS.hookNameMax, {
    message: `username must be 1-${INTEGRATION_LIMITS.hookNameMax} characters`,
  })
  @IsSafeName()
  username?: string;
}

/** 'all', 'mention', or {words: [1-10 words of 1-32 characters]}. */
export function triggerProblem(value: unknown): string | undefined {
  if (value === 'all' || value === 'mention') return undefined;
  const words = (value as { words?: unknown } | null)?.words;
  if (typeof value !== 'object' || value === null || !Array.isArray(words) || Object.keys(value).length !== 1)
    return 'trigger must be "all", "mention" or {words: [...]}';
  const max = INTEGRATION_LIMITS.triggerWordsMax;
  if (words.length < 1 || words.length > max) return `trigger.words must hold 1-${max} words`;
  const len = INTEGRATION_LIMITS.triggerWordMax;
  if (!words.every((w) => typeof w === 'string' && w.trim().length >= 1 && w.length <= len && !/\s/.test(w.trim())))
    return `each trigger word is 1-${len} characters without spaces`;
  return undefined;
}

function IsTrigger(): PropertyDecorator {
  return ValidateBy({
    name: 'isTrigger',
    validator: {
      validate: (value: unknown) => triggerProblem(value) === undefined,
      defaultMessage: (args) => triggerProblem(args?.value) ?? 'trigger is invalid',
    },
  });
}

export class OutgoingCreateBodyDto {
  @ApiProperty({
    description: 'http(s) URL the hook POSTs to (through the egress guard)',
    example: 'https://ci.example/hihi',
  })
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048, { message: 'url must be at most 2048 characters' })
  @Matches(/^https?:\/\/[^\s]+$/i, { message: 'url must be an http:// or https:// URL' })
  url!: string;

  @ApiProperty({
    description:
      '"all" messages, those with a "mention" (@someone), or {words: [...]} (a message containing one of the words)',
    example: 'all',
  })
  @IsTrigger()
  trigger!: OutgoingTrigger;
}

export class OutgoingCreateDto extends RoomField implements OutgoingCreateRequest {
  @IsString({ message: 'url must be a string' })
  @MaxLength(2048, { message: 'url must be at most 2048 characters' })
  @Matches(/^https?:\/\/[^\s]+$/i, { message: 'url must be an http:// or https:// URL' })
  url!: string;

  @IsTrigger()
  trigger!: OutgoingTrigger;
}

/* ---------- the message API over REST (SPEC §9) ---------- */

export class MessageSendBodyDto {
  @ApiProperty({
    description: `1-${LIMITS.messageMax} characters after trimming (markdown-lite)`,
    example: 'build #42 passed',
  })
  @Transform(trim)
  @IsString({ message: 'text must be a string' })
  @Length(1, LIMITS.messageMax, { message: `text must be 1-${LIMITS.messageMax} characters (after trimming)` })
  text!: string;

  @ApiPropertyOptional({
    description: 'idempotency key (or the Idempotency-Key header): the same one again answers the original message',
  })
  @IsOptional()
  @IsString({ message: 'clientMsgId must be a string' })
  @Matches(CLIENT_MSG_ID_PATTERN, {
    message: `clientMsgId must be 1-${LIMITS.clientMsgIdMax} letters, digits, _ . : -`,
  })
  clientMsgId?: string;

  @ApiPropertyOptional({ description: 'id of a message of the same room this one replies to' })
  @IsOptional()
  @IsUUID('all', { message: 'replyTo must be a message id' })
  replyTo?: string;

  @ApiPropertyOptional({ description: 'upload ids (POST /api/uploads)', type: [String] })
  @IsOptional()
  @IsArray({ message: 'attachments must be a list of upload ids' })
  @ArrayMaxSize(LIMITS.attachmentsPerMessage, {
    message: `a message carries at most ${LIMITS.attachmentsPerMessage} attachments`,
  })
  @IsString({ each: true, message: 'attachments must be a list of upload ids' })
  attachments?: string[];
}

export class MessageEditBodyDto {
  @ApiProperty({ description: `1-${LIMITS.messageMax} characters after trimming` })
  @Transform(trim)
  @IsString({ message: 'text must be a string' })
  @Length(1, LIMITS.messageMax, { message: `text must be 1-${LIMITS.messageMax} characters (after trimming)` })
  text!: string;
}

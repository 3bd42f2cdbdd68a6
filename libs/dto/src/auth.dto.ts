import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  ValidationOptions,
} from 'class-validator';
import {
  AuthTokens,
  BOT_USERNAMES,
  GuestBody,
  GuestTokens,
  isValidUsername,
  LIMITS,
  LoginBody,
  PublicUser,
  RefreshBody,
  RegisterBody,
  ServerRole,
  UserIdPayload,
} from '@hihi/contracts';
import { IsSafeName, usernameSkeleton } from './names';

/* ---------- Usernames: one normalisation used everywhere (gateway counters, auth lookups) ---------- */

export { isValidUsername };

/** Username rule (docs/api.md "Rules") (see isValidUsername: 小明 is fine). */
export function IsUsername(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isUsername', validator: { validate: (v: unknown) => isValidUsername(v) } }, options);
}

/** The key a username is unique by: NFKC, then lower case (so `Alice`, `alice` and `ａｌｉｃｅ` collide). */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

const RESERVED = new Set<string>(BOT_USERNAMES.map((n) => normalizeUsername(n)));
const RESERVED_SKELETONS = new Set<string>(BOT_USERNAMES.map((n) => usernameSkeleton(n)));
/** Prefix of guest usernames, so no account can pass for a guest or the other way round. */
export const GUEST_USERNAME_PREFIX = 'guest-';

/** Bot names (compared normalised, and by confusable skeleton) and the guest prefix are reserved. */
export function isReservedUsername(username: string): boolean {
  const key = normalizeUsername(username);
  return (
    RESERVED.has(key) ||
    RESERVED_SKELETONS.has(usernameSkeleton(username)) ||
    key.startsWith(GUEST_USERNAME_PREFIX) ||
    usernameSkeleton(username).startsWith(usernameSkeleton(GUEST_USERNAME_PREFIX))
  );
}

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/* ---------- Request bodies (HTTP and the auth bus handlers alike) ---------- */

export class RegisterDto implements RegisterBody {
  @ApiProperty({
    description: 'Letters of any script, digits, `_`, `.`, `-`; 3–32 characters; unique without regard to case',
    example: '小明',
    minLength: 2,
    maxLength: LIMITS.usernameMax,
  })
  @IsString({ message: 'username must be a string' })
  @IsUsername({
    message: `username must be ${LIMITS.usernameMin}-${LIMITS.usernameMax} letters, digits, _ . or - (a Chinese character counts as two)`,
  })
  username!: string;

  @ApiProperty({
    description: '8–128 characters; very common passwords are refused',
    format: 'password',
    minLength: 8,
    maxLength: 128,
  })
  @IsString({ message: 'password must be a string' })
  @Length(LIMITS.passwordMin, LIMITS.passwordMax, {
    message: `password must be ${LIMITS.passwordMin}-${LIMITS.passwordMax} characters`,
  })
  password!: string;

  @ApiPropertyOptional({
    description:
      '1–64 characters, trimmed; no control, bidi or zero-width characters, not invisible-only, not (like) a bot name; defaults to the username',
    example: '小明',
  })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'displayName must be a string' })
  @Length(1, LIMITS.displayNameMax, { message: `displayName must be 1-${LIMITS.displayNameMax} characters` })
  @IsSafeName()
  displayName?: string;

  @ApiPropertyOptional({
    description: 'keep the refresh token for 30 days instead of the browser session',
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'rememberMe must be a boolean' })
  rememberMe?: boolean;

  @ApiPropertyOptional({ description: 'the token of an invite link; needed while registration is `invite`' })
  @IsOptional()
  @IsString({ message: 'inviteToken must be a string' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'inviteToken must be the token of an invite link' })
  inviteToken?: string;
}

export class LoginDto implements LoginBody {
  @ApiProperty({ example: 'alice' })
  @IsString({ message: 'username must be a string' })
  @IsNotEmpty({ message: 'username must not be empty' })
  @MaxLength(LIMITS.usernameMax * 4, { message: 'username is too long' })
  username!: string;

  @ApiProperty({ format: 'password' })
  @IsString({ message: 'password must be a string' })
  @IsNotEmpty({ message: 'password must not be empty' })
  @MaxLength(LIMITS.passwordMax, { message: `password must be at most ${LIMITS.passwordMax} characters` })
  password!: string;

  @ApiPropertyOptional({
    description: 'true: refresh token lasts 30 days; false: only the browser session (≤ 12 h)',
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'rememberMe must be a boolean' })
  rememberMe?: boolean;
}

export class RefreshDto implements RefreshBody {
  @ApiProperty({ description: 'the opaque refresh token from register, login or the last refresh' })
  @IsString({ message: 'refreshToken must be a string' })
  @IsNotEmpty({ message: 'refreshToken must not be empty' })
  @MaxLength(256, { message: 'refreshToken is too long' })
  refreshToken!: string;
}

export class LogoutDto extends RefreshDto {}

export class GuestDto implements GuestBody {
  @ApiPropertyOptional({
    description: 'shown as the display name; 1–32 characters, trimmed; the display-name rules apply',
    example: '路人甲',
  })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'nickname must be a string' })
  @Length(1, 32, { message: 'nickname must be 1-32 characters' })
  @IsSafeName()
  nickname?: string;
}

/* ---------- Bus-only requests ---------- */

/** auth.me, auth.logoutAll: the signed-in user, by id. */
export class MeDto implements UserIdPayload {
  @IsString({ message: 'userId must be a string' })
  @Matches(/^[a-f0-9]{24}$/, { message: 'userId must be a user id' })
  userId!: string;
}

/* ---------- Responses (documentation) ---------- */

export class PublicUserDto implements PublicUser {
  @ApiProperty({ example: '665f1c2e9b1d4a3f8c0e1234', description: 'user id, or `guest:<random>` for guests' })
  id!: string;
  @ApiProperty({ example: '小明' })
  username!: string;
  @ApiProperty({ example: '小明' })
  displayName!: string;
  @ApiProperty({ example: false })
  guest!: boolean;
  @ApiProperty({
    enum: ['owner', 'admin', 'moderator', 'member', 'guest'],
    example: 'member',
    description: 'server role (SPEC §7); `guest` for guests',
  })
  role!: ServerRole;
  @ApiPropertyOptional({
    example: '/api/avatars/0123456789abcdef0123456789abcdef.webp',
    description: 'absent: initials',
  })
  avatarUrl?: string;
}

export class AuthTokensDto implements AuthTokens {
  @ApiProperty({ type: PublicUserDto })
  user!: PublicUserDto;
  @ApiProperty({ description: 'JWT (HS256) for `Authorization: Bearer …` and the socket handshake' })
  accessToken!: string;
  @ApiProperty({ description: 'opaque; single use: each refresh returns a new one' })
  refreshToken!: string;
  @ApiProperty({ example: 900, description: 'access token lifetime, seconds (≤ 900)' })
  expiresIn!: number;
  @ApiProperty({ example: false, description: 'true: keep the refresh token in localStorage; false: sessionStorage' })
  rememberMe!: boolean;
  @ApiProperty({ example: 43200, description: 'refresh token lifetime from now, seconds' })
  refreshExpiresIn!: number;
}

export class GuestTokensDto implements GuestTokens {
  @ApiProperty({ type: PublicUserDto })
  user!: PublicUserDto;
  @ApiProperty({ description: 'guest JWT: accepted only where guests are allowed; no refresh token' })
  accessToken!: string;
  @ApiProperty({ example: 900 })
  expiresIn!: number;
}

export class ErrorBodyDto {
  @ApiProperty({ example: 401 })
  statusCode!: number;
  @ApiProperty({ example: 'Unauthorized' })
  error!: string;
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'wrong username or password',
  })
  message!: string | string[];
  @ApiProperty({ example: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' })
  correlationId!: string;
}

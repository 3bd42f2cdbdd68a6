import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  Equals,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
  ArrayMaxSize,
} from 'class-validator';
import {
  LIMITS,
  MfaLoginBody,
  OidcIdentity,
  PasskeyLoginBody,
  PasskeyRegisterBody,
  RelyingParty,
  TotpConfirmBody,
  TotpDisableBody,
  UserRef,
  WebAuthnCredentialJson,
} from '@hihi/contracts';
import { MeDto } from './auth.dto';
import { IsSafeName } from './names';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Codes are typed by people: spaces inside are ignored. */
const compact = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/\s+/g, '') : value);

const TOTP_CODE = /^\d{6}$/;
/** `xxxx-xxxx-xxxx-xxxx` of the base32 alphabet; case and dashes are forgiven. */
const RECOVERY_CODE = /^[a-z2-7]{4}-?[a-z2-7]{4}-?[a-z2-7]{4}-?[a-z2-7]{4}$/i;
const B64URL = /^[A-Za-z0-9_-]*$/;
const b64 = (max: number, what: string) => [
  IsString({ message: `${what} must be a string` }),
  MaxLength(max, { message: `${what} is too long` }),
  Matches(B64URL, { message: `${what} must be base64url` }),
];
function apply(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => decorators.forEach((d) => d(target, key));
}

/* ---------- TOTP ---------- */

export class TotpConfirmDto implements TotpConfirmBody {
  @ApiProperty({ example: '123456', description: 'the 6 digits the authenticator app shows now' })
  @Transform(compact)
  @IsString({ message: 'code must be a string' })
  @Matches(TOTP_CODE, { message: 'code must be 6 digits' })
  code!: string;
}

export class TotpConfirmBusDto extends MeDto implements UserRef, TotpConfirmBody {
  @IsString({ message: 'code must be a string' })
  @Matches(TOTP_CODE, { message: 'code must be 6 digits' })
  code!: string;
}

export class TotpDisableDto implements TotpDisableBody {
  @ApiProperty({ format: 'password' })
  @IsString({ message: 'password must be a string' })
  @IsNotEmpty({ message: 'password must not be empty' })
  @MaxLength(LIMITS.passwordMax, { message: `password must be at most ${LIMITS.passwordMax} characters` })
  password!: string;

  @ApiProperty({ example: '123456', description: 'a current code, or one of the recovery codes' })
  @Transform(compact)
  @IsString({ message: 'code must be a string' })
  @MaxLength(32, { message: 'code is too long' })
  @Matches(new RegExp(`${TOTP_CODE.source}|${RECOVERY_CODE.source}`, 'i'), {
    message: 'code must be 6 digits or a recovery code',
  })
  code!: string;
}

export class TotpDisableBusDto extends TotpDisableDto implements UserRef {
  @IsString({ message: 'userId must be a string' })
  @Matches(/^[a-f0-9]{24}$/, { message: 'userId must be a user id' })
  userId!: string;
}

export class MfaLoginDto implements MfaLoginBody {
  @ApiProperty({ description: 'from the `mfaRequired` answer of POST /api/auth/login (valid 5 minutes)' })
  @IsString({ message: 'mfaToken must be a string' })
  @IsNotEmpty({ message: 'mfaToken must not be empty' })
  @MaxLength(2048, { message: 'mfaToken is too long' })
  mfaToken!: string;

  @ApiPropertyOptional({ example: '123456', description: 'the 6 digits of the authenticator app' })
  @IsOptional()
  @Transform(compact)
  @IsString({ message: 'code must be a string' })
  @Matches(TOTP_CODE, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ example: 'abcd-efgh-ijkl-mnop', description: 'one of the recovery codes (each works once)' })
  @IsOptional()
  @Transform(compact)
  @IsString({ message: 'recoveryCode must be a string' })
  @Matches(RECOVERY_CODE, { message: 'recoveryCode must look like xxxx-xxxx-xxxx-xxxx' })
  recoveryCode?: string;
}

/* ---------- Passkeys ---------- */

export class RelyingPartyDto implements RelyingParty {
  @IsString()
  @Matches(/^[a-z0-9.-]{1,253}$/i, { message: 'rpId must be a host name' })
  rpId!: string;

  @IsString()
  @Matches(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, { message: 'origin must be an origin' })
  origin!: string;
}

export class PasskeyRegOptionsBusDto extends RelyingPartyDto implements UserRef, RelyingParty {
  @IsString({ message: 'userId must be a string' })
  @Matches(/^[a-f0-9]{24}$/, { message: 'userId must be a user id' })
  userId!: string;
}

class WebAuthnResponseDto {
  @apply(...b64(4096, 'clientDataJSON'))
  clientDataJSON!: string;
  @IsOptional()
  @apply(...b64(8192, 'attestationObject'))
  attestationObject?: string;
  @IsOptional()
  @apply(...b64(4096, 'authenticatorData'))
  authenticatorData?: string;
  @IsOptional()
  @apply(...b64(1024, 'signature'))
  signature?: string;
  @IsOptional()
  @apply(...b64(256, 'userHandle'))
  userHandle?: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  transports?: string[];
  @IsOptional()
  publicKeyAlgorithm?: number;
  @IsOptional()
  @apply(...b64(2048, 'publicKey'))
  publicKey?: string;
}

export class WebAuthnCredentialDto implements WebAuthnCredentialJson {
  @ApiProperty()
  @apply(...b64(1024, 'credential.id'))
  @IsNotEmpty()
  id!: string;
  @ApiProperty()
  @apply(...b64(1024, 'credential.rawId'))
  @IsNotEmpty()
  rawId!: string;
  @ApiProperty({ enum: ['public-key'] })
  @Equals('public-key', { message: 'credential.type must be public-key' })
  type!: 'public-key';
  @ApiProperty({ type: Object })
  @ValidateNested()
  @Type(() => WebAuthnResponseDto)
  @IsObject()
  response!: WebAuthnResponseDto;
  @ApiProperty({ type: Object })
  @IsObject()
  clientExtensionResults!: Record<string, unknown>;
  @IsOptional()
  @IsIn(['platform', 'cross-platform'])
  authenticatorAttachment?: string;
}

export class PasskeyRegisterDto implements PasskeyRegisterBody {
  @ApiProperty({ type: WebAuthnCredentialDto, description: 'the result of navigator.credentials.create, as JSON' })
  @ValidateNested()
  @Type(() => WebAuthnCredentialDto)
  @IsObject()
  credential!: WebAuthnCredentialDto;

  @ApiPropertyOptional({ example: 'laptop', description: '1–64 characters; defaults to "passkey"' })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(1, 64, { message: 'name must be 1-64 characters' })
  @IsSafeName()
  name?: string;
}

export class PasskeyRegisterBusDto extends PasskeyRegisterDto implements UserRef, RelyingParty {
  @IsString()
  @Matches(/^[a-f0-9]{24}$/, { message: 'userId must be a user id' })
  userId!: string;
  @IsString()
  @Matches(/^[a-z0-9.-]{1,253}$/i, { message: 'rpId must be a host name' })
  rpId!: string;
  @IsString()
  @Matches(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, { message: 'origin must be an origin' })
  origin!: string;
}

export class PasskeyRemoveBusDto extends MeDto {
  @IsString()
  @Matches(/^[a-f0-9]{24}$/, { message: 'id must be a passkey id' })
  id!: string;
}

export class PasskeyLoginDto implements PasskeyLoginBody {
  @ApiProperty({ type: WebAuthnCredentialDto, description: 'the result of navigator.credentials.get, as JSON' })
  @ValidateNested()
  @Type(() => WebAuthnCredentialDto)
  @IsObject()
  credential!: WebAuthnCredentialDto;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean({ message: 'rememberMe must be a boolean' })
  rememberMe?: boolean;
}

export class PasskeyLoginBusDto extends PasskeyLoginDto implements RelyingParty {
  @IsString()
  @Matches(/^[a-z0-9.-]{1,253}$/i, { message: 'rpId must be a host name' })
  rpId!: string;
  @IsString()
  @Matches(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, { message: 'origin must be an origin' })
  origin!: string;
}

/* ---------- OpenID Connect ---------- */

export class OidcIdentityDto implements OidcIdentity {
  @IsString()
  @MaxLength(512)
  @Matches(/^https?:\/\/\S+$/, { message: 'issuer must be a URL' })
  issuer!: string;
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  subject!: string;
  @IsOptional()
  @IsString()
  @MaxLength(255)
  preferredUsername?: string;
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;
  @IsOptional()
  @IsBoolean()
  emailVerified?: boolean;
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;
}

/** `POST /api/auth/oidc/exchange`: the one-time code the callback handed to the web app. */
export class OidcExchangeDto {
  @ApiProperty({ description: 'from the `sso` query parameter of the return address (valid 60 s, once)' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{32,64}$/, { message: 'code must be a sign-in code' })
  code!: string;
}

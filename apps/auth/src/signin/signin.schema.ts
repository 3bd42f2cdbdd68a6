import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/**
 * The TOTP factor of one account. The secret is stored sealed (AES-256-GCM, key derived from
 * JWT_SECRET); `lastStep` is the last 30-second step a code was accepted for, so each code works
 * once (replay refused).
 */
@Schema({ collection: 'mfa_totp', versionKey: false })
export class TotpFactor {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, unique: true })
  userId!: string;

  /** the active secret, sealed; null while only a pending enrolment exists */
  @Prop({ type: String, default: null })
  secret!: string | null;

  /** a secret handed out by enrol, not yet confirmed with a code */
  @Prop({ type: String, default: null })
  pending!: string | null;

  @Prop({ type: Boolean, required: true, default: false })
  enabled!: boolean;

  @Prop({ type: Number, required: true, default: 0 })
  lastStep!: number;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}
export const TotpFactorSchema = SchemaFactory.createForClass(TotpFactor);

/** One recovery code: SHA-256 of the normalised code (80 random bits), used at most once. */
@Schema({ collection: 'mfa_recovery_codes', versionKey: false })
export class RecoveryCode {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, index: true })
  userId!: string;

  @Prop({ type: String, required: true, unique: true })
  hash!: string;

  @Prop({ type: Date, default: null })
  usedAt!: Date | null;
}
export const RecoveryCodeSchema = SchemaFactory.createForClass(RecoveryCode);

/** A passkey (WebAuthn credential) of an account. */
@Schema({ collection: 'passkeys', versionKey: false })
export class Passkey {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, index: true })
  userId!: string;

  /** credential id, base64url */
  @Prop({ type: String, required: true, unique: true })
  credentialId!: string;

  /** COSE public key, base64url */
  @Prop({ type: String, required: true })
  publicKey!: string;

  /** signature counter (0 for authenticators that do not count, e.g. synced passkeys) */
  @Prop({ type: Number, required: true, default: 0 })
  counter!: number;

  @Prop({ type: [String], default: [] })
  transports!: string[];

  /** `singleDevice` | `multiDevice` (backup eligible) */
  @Prop({ type: String, required: true })
  deviceType!: string;

  @Prop({ type: Boolean, required: true, default: false })
  backedUp!: boolean;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  lastUsedAt!: Date | null;
}
export const PasskeySchema = SchemaFactory.createForClass(Passkey);

/** A WebAuthn challenge handed out and not yet used: consumed (deleted) by the one response it is for. */
@Schema({ collection: 'webauthn_challenges', versionKey: false })
export class WebAuthnChallenge {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, unique: true })
  challenge!: string;

  /** `register` (userId set) or `login` */
  @Prop({ type: String, required: true })
  kind!: 'register' | 'login';

  @Prop({ type: String, default: null })
  userId!: string | null;

  @Prop({ type: Date, required: true, index: true })
  expiresAt!: Date;
}
export const WebAuthnChallengeSchema = SchemaFactory.createForClass(WebAuthnChallenge);

/** An account's identity at an OpenID provider: (issuer, subject) belongs to exactly one account. */
@Schema({ collection: 'oidc_identities', versionKey: false })
export class OidcLink {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true })
  issuer!: string;

  @Prop({ type: String, required: true })
  subject!: string;

  @Prop({ type: String, required: true, index: true })
  userId!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}
export const OidcLinkSchema = SchemaFactory.createForClass(OidcLink);
OidcLinkSchema.index({ issuer: 1, subject: 1 }, { unique: true });

export type TotpFactorDocument = HydratedDocument<TotpFactor>;

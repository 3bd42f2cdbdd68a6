import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/**
 * A signed-in session (one per sign-in). The refresh token `<sessionId>.<secret>` is stored
 * only as the SHA-256 of the whole token; the hashes it replaced are kept to detect reuse.
 */
@Schema({ collection: 'sessions', versionKey: false })
export class Session {
  /** session id: 16 random bytes, base64url */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, index: true })
  userId!: string;

  /** SHA-256 (hex) of the current refresh token */
  @Prop({ type: String, required: true })
  hash!: string;

  /** hashes of the refresh tokens this session already rotated away (the latest few) */
  @Prop({ type: [String], default: [] })
  prevHashes!: string[];

  @Prop({ type: Boolean, required: true })
  rememberMe!: boolean;

  /** server-side end of the session; expired sessions are deleted (TTL index or a sweeper) */
  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date })
  lastUsedAt?: Date;

  /** the browser's User-Agent at sign-in (trimmed to 256 characters), for the sessions list */
  @Prop({ type: String })
  userAgent?: string;

  /** set when the session was signed out or found replayed */
  @Prop({ type: Date, default: null })
  revokedAt?: Date | null;

  @Prop({ type: String })
  revokedReason?: string;
}

export type SessionDocument = HydratedDocument<Session>;
export const SessionSchema = SchemaFactory.createForClass(Session);

/**
 * One document per refresh token ever presented for rotation, keyed by its hash. Inserting it is
 * the atomic "claim" of that token: a second claim of the same token fails on the unique _id,
 * on any MongoDB-compatible server (FerretDB does not make findOneAndUpdate atomic).
 */
@Schema({ collection: 'refresh_claims', versionKey: false })
export class RefreshClaim {
  /** SHA-256 (hex) of the refresh token */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  sessionId!: string;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  /** until when the token may be presented again and get the same new pair (two tabs) */
  @Prop({ type: Date })
  graceUntil?: Date;

  /** SHA-256 of the refresh token this one was rotated to */
  @Prop({ type: String })
  nextHash?: string;

  /** the new pair, sealed under a key derived from the claimed token (see sealForToken) */
  @Prop({ type: String })
  sealed?: string;
}

export const RefreshClaimSchema = SchemaFactory.createForClass(RefreshClaim);

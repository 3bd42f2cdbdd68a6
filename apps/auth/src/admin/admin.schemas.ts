import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import type { RegistrationMode } from '@hihi/contracts';

/** The server's settings (one document, `_id: "server"`): registration mode and guests. */
@Schema({ collection: 'server_settings', versionKey: false })
export class ServerSettingsRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, enum: ['open', 'invite', 'closed'], default: 'open' })
  registration!: RegistrationMode;

  @Prop({ type: Boolean, default: true })
  guests!: boolean;

  @Prop({ type: Boolean, default: false })
  require2fa!: boolean;

  @Prop({ type: Date })
  updatedAt?: Date;
}
export const ServerSettingsSchema = SchemaFactory.createForClass(ServerSettingsRecord);

/** An invite link: stored as the SHA-256 of its token; `remaining` uses (absent: unlimited). */
@Schema({ collection: 'invites', versionKey: false })
export class InviteRecord {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, unique: true })
  hash!: string;

  @Prop({ type: String, required: true })
  createdBy!: string;

  @Prop({ type: Number })
  maxUses?: number;

  @Prop({ type: Number })
  remaining?: number;

  @Prop({ type: Number, default: 0 })
  uses!: number;

  @Prop({ type: Date })
  expiresAt?: Date;

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}
export const InviteSchema = SchemaFactory.createForClass(InviteRecord);

/** A one-time password-reset link: the SHA-256 of its token, 30 minutes, used at most once. */
@Schema({ collection: 'password_resets', versionKey: false })
export class PasswordResetRecord {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, unique: true })
  hash!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date })
  usedAt?: Date;
}
export const PasswordResetSchema = SchemaFactory.createForClass(PasswordResetRecord);

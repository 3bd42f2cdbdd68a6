import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * A one-time email verification link (SPEC §10): the SHA-256 of its token, the address it was
 * mailed to (it verifies that address only), EMAIL_VERIFICATION_TTL_HOURS, used at most once.
 */
@Schema({ collection: 'email_verifications', versionKey: false })
export class EmailVerificationRecord {
  _id!: Types.ObjectId;

  @Prop({ type: String, required: true, unique: true })
  hash!: string;

  @Prop({ type: String, required: true, index: true })
  userId!: string;

  @Prop({ type: String, required: true })
  email!: string;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date })
  usedAt?: Date;
}
export const EmailVerificationSchema = SchemaFactory.createForClass(EmailVerificationRecord);

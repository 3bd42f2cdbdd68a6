import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { TOKEN_SCOPES, TokenScope } from '@hihi/contracts';

/**
 * A personal access token or a bot's token (SPEC §9). Only the SHA-256 of the token is kept
 * (`hash`, unique: the look-up key); `userId` is whom it acts as (the bot for a bot token),
 * `ownerId` the person it belongs to (deactivating them stops it).
 */
@Schema({ collection: 'api_tokens', versionKey: false })
export class ApiToken {
  _id!: Types.ObjectId;

  @Prop({ type: String, enum: ['pat', 'bot'], required: true })
  kind!: 'pat' | 'bot';

  @Prop({ type: String, required: true, index: true })
  userId!: string;

  @Prop({ type: String, required: true, index: true })
  ownerId!: string;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: [String], enum: TOKEN_SCOPES, required: true })
  scopes!: TokenScope[];

  @Prop({ type: String, required: true, unique: true })
  hash!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date })
  expiresAt?: Date;

  @Prop({ type: Date })
  lastUsedAt?: Date;

  @Prop({ type: Date, default: null })
  revokedAt?: Date | null;
}

export const ApiTokenSchema = SchemaFactory.createForClass(ApiToken);

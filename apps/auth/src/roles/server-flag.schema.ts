import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One-time facts about the server, each a document with a fixed `_id` so that inserting it is
 * a race-safe claim (the unique `_id` lets exactly one insert win): `first-owner` — which
 * account became the owner on a new server.
 */
@Schema({ collection: 'server_flags', versionKey: false })
export class ServerFlag {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: Date, required: true })
  at!: Date;
}

export const ServerFlagSchema = SchemaFactory.createForClass(ServerFlag);
export const FIRST_OWNER_FLAG = 'first-owner';

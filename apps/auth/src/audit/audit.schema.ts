import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';

/**
 * One entry of the audit log (SPEC §8): who did what to whom, why, when. Append-only: the
 * AuditLog service has no update or delete, and no API reaches one.
 */
@Schema({ collection: 'audit_log', versionKey: false })
export class AuditRecord {
  _id!: Types.ObjectId;

  @Prop({ type: Date, required: true })
  at!: Date;

  @Prop({ type: String, required: true, index: true })
  actorId!: string;

  @Prop({ type: String, required: true })
  actorUsername!: string;

  @Prop({ type: String, required: true })
  actorRole!: string;

  @Prop({ type: String, required: true, index: true })
  action!: string;

  @Prop({ type: String, required: true })
  targetType!: string;

  @Prop({ type: String })
  targetId?: string;

  @Prop({ type: String })
  targetLabel?: string;

  @Prop({ type: String })
  reason?: string;

  /** small, typed by the action (e.g. `{from, to}` of a role change) */
  @Prop({ type: Object, default: {} })
  details!: Record<string, unknown>;
}

export type AuditDocument = HydratedDocument<AuditRecord>;
export const AuditRecordSchema = AuditRecordSchemaFactory();

function AuditRecordSchemaFactory() {
  const schema = SchemaFactory.createForClass(AuditRecord);
  // nothing rewrites history: refuse updates and deletes at the model too
  const refuse = function (): never {
    throw new Error('the audit log is append-only');
  };
  for (const op of [
    'updateOne',
    'updateMany',
    'findOneAndUpdate',
    'deleteOne',
    'deleteMany',
    'findOneAndDelete',
  ] as const)
    schema.pre(op, refuse);
  return schema;
}

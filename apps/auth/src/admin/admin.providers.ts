import { AuditRecord, AuditRecordSchema } from '../audit/audit.schema';
import { AuditLog } from '../audit/audit-log.service';
import {
  InviteRecord,
  InviteSchema,
  PasswordResetRecord,
  PasswordResetSchema,
  ServerSettingsRecord,
  ServerSettingsSchema,
} from './admin.schemas';
import { AdminService } from './admin.service';
import { AdmissionService } from './admission.service';

/** The collections and services of administration and the audit log (wired in AuthAppModule). */
export const ADMIN_MODELS = [
  { name: AuditRecord.name, schema: AuditRecordSchema },
  { name: ServerSettingsRecord.name, schema: ServerSettingsSchema },
  { name: InviteRecord.name, schema: InviteSchema },
  { name: PasswordResetRecord.name, schema: PasswordResetSchema },
];
export const ADMIN_PROVIDERS = [AuditLog, AdmissionService, AdminService];

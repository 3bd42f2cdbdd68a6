import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AdminUser,
  AdminUsersPage,
  AuditEntry,
  AuditPage,
  BusResult,
  InviteIssued,
  NoData,
  PasswordResetIssued,
  ServerSettings,
  ServerStats,
} from '@hihi/contracts';
import { Handles, ok, openActorRequest, openRequest } from '@hihi/common/bus';
import { AdminService } from './admin.service';
import { AuditLog } from '../audit/audit-log.service';

/**
 * Auth's administration handlers (SPEC §8): thin; every one opens the envelope with its DTO and
 * the caller (ActorDto), and AdminService checks the caller's stored role (AdminPolicy).
 */
@Controller()
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly audit: AuditLog,
  ) {}

  @Handles('adminUsers')
  async users(@Payload() env: unknown): Promise<BusResult<AdminUsersPage>> {
    const { actor, data } = openActorRequest('adminUsers', env);
    return ok(await this.admin.list(actor, data));
  }

  @Handles('adminUserUpdate')
  async update(@Payload() env: unknown): Promise<BusResult<AdminUser>> {
    const { actor, data } = openActorRequest('adminUserUpdate', env);
    return ok(await this.admin.update(actor, data));
  }

  @Handles('adminDeactivate')
  async deactivate(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openActorRequest('adminDeactivate', env);
    await this.admin.deactivate(actor, data.userId, data.reason);
    return ok({});
  }

  @Handles('adminReactivate')
  async reactivate(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openActorRequest('adminReactivate', env);
    await this.admin.reactivate(actor, data.userId, data.reason);
    return ok({});
  }

  @Handles('adminPasswordReset')
  async passwordReset(@Payload() env: unknown): Promise<BusResult<PasswordResetIssued>> {
    const { actor, data } = openActorRequest('adminPasswordReset', env);
    return ok(await this.admin.passwordResetLink(actor, data.userId, data.reason));
  }

  @Handles('passwordReset')
  async reset(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { data } = openRequest('passwordReset', env, { actor: 'optional' });
    await this.admin.resetPassword(data);
    return ok({});
  }

  /** Public: the registration mode and guests, for the sign-in and register pages (no actor needed). */
  @Handles('admission')
  async admission(@Payload() env: unknown): Promise<BusResult<ServerSettings>> {
    openRequest('admission', env, { actor: 'optional' });
    return ok(await this.admin.publicAdmission());
  }

  @Handles('adminSettings')
  async settings(@Payload() env: unknown): Promise<BusResult<ServerSettings>> {
    const { actor } = openActorRequest('adminSettings', env);
    return ok(await this.admin.settings(actor));
  }

  @Handles('adminSettingsUpdate')
  async updateSettings(@Payload() env: unknown): Promise<BusResult<ServerSettings>> {
    const { actor, data } = openActorRequest('adminSettingsUpdate', env);
    return ok(await this.admin.updateSettings(actor, data));
  }

  @Handles('adminInviteCreate')
  async invite(@Payload() env: unknown): Promise<BusResult<InviteIssued>> {
    const { actor, data } = openActorRequest('adminInviteCreate', env);
    return ok(await this.admin.createInvite(actor, data));
  }

  @Handles('adminAudit')
  async auditPage(@Payload() env: unknown): Promise<BusResult<AuditPage>> {
    const { actor, data } = openActorRequest('adminAudit', env);
    return ok(await this.admin.auditPage(actor, data));
  }

  @Handles('adminStats')
  async stats(@Payload() env: unknown): Promise<BusResult<ServerStats>> {
    const { actor } = openActorRequest('adminStats', env);
    return ok(await this.admin.stats(actor));
  }

  /** Services append (chat's moderation, …). Internal: the gateway has no route to it. */
  @Handles('auditAppend')
  async append(@Payload() env: unknown): Promise<BusResult<AuditEntry>> {
    const { data } = openRequest('auditAppend', env, { actor: 'optional' });
    return ok(await this.audit.append(data));
  }
}

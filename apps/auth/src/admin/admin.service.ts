import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  ADMIN,
  AdminUser,
  AdminUsersPage,
  AdminUsersQuery,
  AdminUserUpdate,
  AuditPage,
  AuditQuery,
  InviteCreateBody,
  InviteIssued,
  PasswordResetBody,
  PasswordResetIssued,
  PublicUser,
  ServerSettings,
  ServerSettingsUpdate,
  ServerStats,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { normalizeUsername } from '@hihi/dto';
import { UserRecord, UsersRepository } from '../users/users.repository';
import { SessionsRepository } from '../sessions/sessions.repository';
import { RevocationPublisher } from '../sessions/revocation.publisher';
import { PasswordService } from '../passwords/password.service';
import { RolesService } from '../roles/roles.service';
import { AuditLog } from '../audit/audit-log.service';
import { AdminAction, authorizeAdmin } from './admin-policy';
import { AdmissionService } from './admission.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { toPublic } from '../users/public-user';
import { SECOND_FACTOR, SecondFactor } from '../signin/second-factor';

const DAY_MS = 86_400_000;

/** The caller as stored now: their role is read from the account, never taken from the request. */
interface Admin {
  id: string;
  username: string;
  role: UserRecord['role'];
}

function adminUser(u: UserRecord): AdminUser {
  return {
    user: toPublic(u),
    role: u.role,
    status: u.status,
    createdAt: (u.createdAt ?? new Date(0)).toISOString(),
    ...(u.lastSeenAt ? { lastSeenAt: u.lastSeenAt.toISOString() } : {}),
  };
}

/**
 * Administration (SPEC §8 "Server admins and owner"): each operation opens with `authorize`
 * (the caller's stored role through AdminPolicy) and ends with exactly one audit entry.
 */
@Injectable()
export class AdminService {
  private readonly logger = new Logger(AdminService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly revocation: RevocationPublisher,
    private readonly passwords: PasswordService,
    private readonly roles: RolesService,
    private readonly admission: AdmissionService,
    private readonly audit: AuditLog,
    /** bots and tokens (SPEC §9): a deactivated account's tokens and its bots' tokens stop */
    @Optional() private readonly integrations?: IntegrationsService,
    @Optional() @Inject(SECOND_FACTOR) private readonly secondFactor?: SecondFactor,
  ) {}

  /** The one entry: the caller's stored account and role, checked by AdminPolicy. */
  private async authorize(actor: PublicUser, action: AdminAction, target?: UserRecord, grant?: UserRecord['role']) {
    const me = actor.guest ? undefined : await this.users.findById(actor.id);
    if (!me || me.status === 'deactivated')
      throw new BusError('forbidden', 'only server admins and the owner may do this');
    authorizeAdmin(me, action, target, grant);
    // `require2fa` (SPEC §12): no admin power without a second factor
    if (await this.secondFactor?.enrolmentRequired(me))
      throw new BusError(
        'forbidden',
        'this server requires a second factor for admins: enrol one under Security first',
      );
    return { id: me.id, username: me.username, role: me.role } satisfies Admin;
  }

  private async target(userId: string): Promise<UserRecord> {
    const u = await this.users.findById(userId);
    if (!u) throw new BusError('not_found', 'no such account');
    return u;
  }

  async list(actor: PublicUser, q: AdminUsersQuery): Promise<AdminUsersPage> {
    await this.authorize(actor, 'users.list');
    const limit = q.limit ?? ADMIN.usersPageDefault;
    const rows = await this.users.list({
      prefix: q.q ? normalizeUsername(q.q) : undefined,
      role: q.role,
      status: q.status,
      after: q.cursor,
      limit: limit + 1,
    });
    const users = rows.slice(0, limit).map(adminUser);
    return rows.length > limit ? { users, nextCursor: users[users.length - 1].user.id } : { users };
  }

  async update(actor: PublicUser, body: AdminUserUpdate): Promise<AdminUser> {
    const target = await this.target(body.userId);
    if (!body.role || body.role === target.role) {
      await this.authorize(actor, 'users.role', target);
      return adminUser(target);
    }
    const admin = await this.authorize(actor, 'users.role', target, body.role);
    if (target.role === 'owner' && (await this.users.countOwners()) <= 1)
      throw new BusError('conflict', 'the last owner cannot be demoted; make another owner first');
    const updated = await this.roles.set(target.id, body.role);
    await this.audit.by(admin, {
      action: 'user.role',
      target: { type: 'user', id: target.id, label: target.username },
      details: { from: target.role, to: body.role },
    });
    return adminUser(updated);
  }

  async deactivate(actor: PublicUser, userId: string, reason?: string): Promise<void> {
    const target = await this.target(userId);
    const admin = await this.authorize(actor, 'users.deactivate', target);
    if (target.role === 'owner' && (await this.users.countOwners()) <= 1)
      throw new BusError('conflict', 'the last owner cannot be deactivated');
    await this.users.setStatus(target.id, 'deactivated');
    // like sign-out everywhere: deny the access tokens (REST 401 ≤ 1 s, sockets closed), then the sessions
    await this.revocation.revoke(await this.sessions.liveIds(target.id), 'deactivated');
    await this.sessions.revokeAllForUser(target.id, 'deactivated');
    await this.integrations?.revokeForAccount(target.id);
    await this.audit.by(admin, {
      action: 'user.deactivate',
      target: { type: 'user', id: target.id, label: target.username },
      ...(reason ? { reason } : {}),
      details: {},
    });
  }

  async reactivate(actor: PublicUser, userId: string, reason?: string): Promise<void> {
    const target = await this.target(userId);
    const admin = await this.authorize(actor, 'users.reactivate', target);
    // an account its owner deleted stays gone (its names and password are no more)
    if (target.deletedAt) throw new BusError('conflict', 'this account was deleted by its owner');
    await this.users.setStatus(target.id, 'active');
    await this.audit.by(admin, {
      action: 'user.reactivate',
      target: { type: 'user', id: target.id, label: target.username },
      ...(reason ? { reason } : {}),
      details: {},
    });
  }

  async passwordResetLink(actor: PublicUser, userId: string, reason?: string): Promise<PasswordResetIssued> {
    const target = await this.target(userId);
    const admin = await this.authorize(actor, 'users.password-reset', target);
    const { token, expiresAt } = await this.admission.issueReset(target.id);
    await this.audit.by(admin, {
      action: 'user.password-reset',
      target: { type: 'user', id: target.id, label: target.username },
      ...(reason ? { reason } : {}),
      details: { expiresAt: expiresAt.toISOString() },
    });
    return { token, expiresAt: expiresAt.toISOString() };
  }

  /**
   * POST /api/auth/reset: the password is checked first (a refused one leaves the link usable),
   * then the link is used up, the password set and every session revoked.
   */
  async resetPassword(body: PasswordResetBody): Promise<void> {
    const problem = this.passwords.policy.problem(body.password);
    if (problem) throw new BusError('validation', problem);
    const hash = await this.passwords.admit(() => this.passwords.hash(body.password));
    const userId = await this.admission.consumeReset(body.token);
    const user = userId ? await this.users.findById(userId) : undefined;
    if (!user) throw new BusError('unauthorized', 'this reset link is not valid (unknown, expired or used)');
    await this.users.setPasswordHash(user.id, hash);
    await this.revocation.revoke(await this.sessions.liveIds(user.id), 'password-change');
    await this.sessions.revokeAllForUser(user.id, 'password-change');
    this.logger.log({ userId: user.id }, 'password set through a reset link; every session revoked');
  }

  /** The registration mode and guests as anyone may know them (public; no role needed). */
  publicAdmission(): Promise<ServerSettings> {
    return this.admission.read();
  }

  async settings(actor: PublicUser): Promise<ServerSettings> {
    await this.authorize(actor, 'settings.read');
    return this.admission.read();
  }

  async updateSettings(actor: PublicUser, change: ServerSettingsUpdate): Promise<ServerSettings> {
    const admin = await this.authorize(actor, 'settings.update');
    // requiring a second factor of admins without having one would lock the caller out at once
    if (change.require2fa && this.secondFactor && !(await this.secondFactor.enrolled(admin.id)))
      throw new BusError('conflict', 'enrol a second factor yourself before requiring one of admins');
    const before = await this.admission.read();
    const after = await this.admission.update(change);
    await this.audit.by(admin, { action: 'settings.update', target: { type: 'settings' }, details: { before, after } });
    return after;
  }

  async createInvite(actor: PublicUser, body: InviteCreateBody): Promise<InviteIssued> {
    const admin = await this.authorize(actor, 'invites.create');
    const invite = await this.admission.createInvite(admin.id, body);
    await this.audit.by(admin, {
      action: 'invite.create',
      target: { type: 'invite' },
      details: { maxUses: invite.maxUses ?? null, expiresAt: invite.expiresAt ?? null },
    });
    return invite;
  }

  async auditPage(actor: PublicUser, q: AuditQuery): Promise<AuditPage> {
    await this.authorize(actor, 'audit.read');
    return this.audit.page(q);
  }

  async stats(actor: PublicUser): Promise<ServerStats> {
    await this.authorize(actor, 'stats.read');
    const [users, activeUsers7d, deactivatedUsers] = await Promise.all([
      this.users.countAll(),
      this.users.countSeenSince(new Date(Date.now() - 7 * DAY_MS)),
      this.users.countDeactivated(),
    ]);
    return { users, activeUsers7d, deactivatedUsers, rooms: null, messages: null, messagesToday: null, online: null };
  }
}

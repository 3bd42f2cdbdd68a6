import { Injectable } from '@nestjs/common';
import {
  MODERATION,
  Report,
  ReportReceipt,
  ReportsPage,
  ReportsQuery,
  ResolveReportBody,
  roleAtLeast,
  ServerRole,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { AccessService } from '../access/access.service';
import { Actor } from '../access/actor';
import { toMessage } from '../persistence/message-rows';
import { ModerationRepository, ReportRow, ReportScope } from '../persistence/moderation.repository';
import { MessagesService } from '../messages/messages.service';
import { decodeCursor, encodeCursor } from '../rooms/cursor';
import { AuditTrail } from './audit-trail';
import { ModerationNotices } from './moderation-notices';
import { ModerationService } from './moderation.service';
import { ServerRoles } from './server-roles';
import type { MessageRow } from '../persistence/message-rows';

const NO_MESSAGE = () => new BusError('not_found', 'no such message');
const NO_REPORT = () => new BusError('not_found', 'no such report');

/** A message gone from the table (its room deleted): what the queue still shows. */
function goneMessage(row: ReportRow): MessageRow {
  return {
    room_id: row.room_id,
    seq: 0,
    id: row.message_id,
    sender_id: row.message_sender_id,
    sender_username: row.message_sender_id,
    sender_display_name: row.message_sender_id,
    sender_bot: false,
    client_msg_id: '',
    text: '',
    created_at: row.created_at,
    event: 0,
    changed_event: null,
    edited_at: null,
    deleted: true,
    reply_to: null,
    reactions: null,
    attachments: null,
    mentions: null,
  };
}

/**
 * Reports (SPEC §8): any member who can see a message reports it once; the room's owners and
 * moderators and server moderators and above see the queue and resolve each report with one
 * action (dismiss, delete, mute, ban — applied as the direct actions are, and audited once as
 * `report.resolve`). The reporter is never shown to the reported person: nobody sees reports
 * about their own messages (nor may resolve them), and the reporter's receipt names nobody.
 * Every change of a room's open reports notifies the moderators' badge.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ModerationRepository,
    private readonly access: AccessService,
    private readonly messages: MessagesService,
    private readonly moderation: ModerationService,
    private readonly roles: ServerRoles,
    private readonly audit: AuditTrail,
    private readonly notices: ModerationNotices,
  ) {}

  /** POST /api/messages/:id/report: 404 for a message one cannot see, 409 the second time. */
  async create(actor: Actor, messageId: string, reason: string): Promise<ReportReceipt> {
    if (actor.kind !== 'user') throw new BusError('forbidden', 'sign in to report messages');
    const row = await this.repo.message(messageId);
    if (!row || row.deleted) throw NO_MESSAGE();
    // a room one cannot see (or has not joined) hides its messages: 404, as for an unknown one
    if (!(await this.access.may(actor, row.room_id, 'view'))) throw NO_MESSAGE();
    await this.access.require(actor, row.room_id, 'report');
    if (row.sender_id === actor.id && !row.sender_bot)
      throw new BusError('validation', 'you cannot report your own message');
    const created = await this.repo.createReport({
      roomId: row.room_id,
      messageId,
      senderId: row.sender_id,
      reportedText: row.text.slice(0, MODERATION.reportedTextMax),
      reporterId: actor.id,
      reason,
    });
    if (!created) throw new BusError('conflict', 'you have reported this message already');
    await this.notify(row.room_id);
    return {
      id: created.id,
      messageId,
      roomId: row.room_id,
      status: 'open',
      createdAt: new Date(created.created_at).toISOString(),
    };
  }

  private scope(actor: Actor, roomId?: string): ReportScope {
    return { userId: actor.id, staff: actor.kind === 'user' && roleAtLeast(actor.serverRole, 'moderator'), roomId };
  }

  /** GET /api/moderation/reports: the reports the caller may act on, with the message and the reporter. */
  async list(actor: Actor, q: ReportsQuery): Promise<ReportsPage> {
    if (actor.kind !== 'user') throw new BusError('forbidden', 'sign in to moderate');
    if (q.roomId !== undefined) await this.access.require(actor, q.roomId, 'moderate');
    const status = q.status ?? 'open';
    const limit = q.limit ?? MODERATION.reportsPageDefault;
    let after: { at: Date; id: string } | undefined;
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor, 2);
      const t = new Date(at);
      if (Number.isNaN(t.getTime()) || !/^[0-9a-f-]{36}$/i.test(id))
        throw new BusError('validation', 'cursor must be a nextCursor answered by a previous page');
      after = { at: t, id };
    }
    const scope = this.scope(actor, q.roomId);
    const [rows, openCount] = await Promise.all([
      this.repo.reports(scope, status, limit + 1, after),
      this.repo.openCount(this.scope(actor)),
    ]);
    const page = rows.slice(0, limit);
    const messages = await this.repo.messages(page.map((r) => r.message_id));
    const last = page[page.length - 1];
    return {
      reports: page.map((r) => this.toReport(r, messages.get(r.message_id))),
      ...(rows.length > limit && last
        ? { nextCursor: encodeCursor([new Date(last.created_at).toISOString(), last.id]) }
        : {}),
      openCount,
    };
  }

  /** POST /api/moderation/reports/:id/resolve: one action, once (409 the second time). */
  async resolve(actor: Actor, reportId: string, body: ResolveReportBody, correlationId?: string): Promise<Report> {
    if (actor.kind !== 'user') throw new BusError('forbidden', 'sign in to moderate');
    const report = await this.repo.report(reportId);
    // reports about one's own messages do not exist for oneself
    if (!report || report.message_sender_id === actor.id) throw NO_REPORT();
    try {
      await this.access.require(actor, report.room_id, 'moderate');
    } catch (err) {
      if (err instanceof BusError && err.code === 'not_found') throw NO_REPORT();
      throw err;
    }
    if (report.status !== 'open') throw new BusError('conflict', 'this report is resolved already');
    if (body.durationSec !== undefined && body.action !== 'mute')
      throw new BusError('validation', 'durationSec goes with action mute only');
    const senderId = report.message_sender_id;
    // refused before anything changes: the action's own rule (above the sender, server roles counted)
    if (body.action !== 'dismiss') {
      const targetServerRole: ServerRole = senderId.startsWith('bot:') ? 'member' : await this.roles.roleOf(senderId);
      const action = body.action === 'delete' ? 'deleteAny' : body.action;
      await this.access.require(actor, report.room_id, action, { targetId: senderId, targetServerRole });
    }
    const by = { id: actor.id, username: actor.user.username, displayName: actor.user.displayName };
    const resolution = { by, action: body.action, note: body.note };
    if (!(await this.repo.claim(reportId, resolution)))
      throw new BusError('conflict', 'this report is resolved already');
    let mutedUntil: string | null | undefined;
    try {
      const quiet = { audit: false, correlationId };
      if (body.action === 'delete') {
        const message = await this.repo.message(report.message_id);
        if (message && !message.deleted) await this.messages.remove(actor, report.room_id, report.message_id, quiet);
      } else if (body.action === 'mute') {
        mutedUntil = (await this.moderation.mute(actor, report.room_id, senderId, body.durationSec, body.note, quiet))
          .mutedUntil;
      } else if (body.action === 'ban') {
        await this.moderation.ban(actor, report.room_id, senderId, body.note, quiet);
      }
    } catch (err) {
      await this.repo.reopen(reportId);
      throw err;
    }
    const also = await this.repo.settle(
      reportId,
      resolution,
      report.message_id,
      mutedUntil === undefined ? undefined : mutedUntil === null ? null : new Date(mutedUntil),
    );
    await this.audit.append(
      actor,
      {
        action: 'report.resolve',
        target: { type: 'report', id: reportId },
        reason: body.note,
        details: {
          action: body.action,
          roomId: report.room_id,
          messageId: report.message_id,
          senderId,
          ...(mutedUntil !== undefined ? { mutedUntil } : {}),
          ...(body.durationSec !== undefined ? { durationSec: body.durationSec } : {}),
          ...(also > 0 ? { alsoResolved: also } : {}),
        },
      },
      correlationId,
    );
    await this.notify(report.room_id);
    const now = await this.repo.report(reportId);
    const message = await this.repo.message(report.message_id);
    return this.toReport(now ?? report, message);
  }

  private toReport(row: ReportRow, message: MessageRow | undefined): Report {
    const report: Report = {
      id: row.id,
      roomId: row.room_id,
      roomName: row.room_name,
      message: toMessage(message ?? goneMessage(row)),
      reportedText: row.reported_text,
      reporter: {
        id: row.reporter_id,
        username: row.reporter_username,
        displayName: row.reporter_display_name,
        guest: false,
      },
      reason: row.reason,
      status: row.status,
      createdAt: new Date(row.created_at).toISOString(),
    };
    if (row.status === 'resolved' && row.action && row.resolved_by && row.resolved_at) {
      report.resolution = {
        action: row.action,
        by: { ...row.resolved_by, guest: false },
        at: new Date(row.resolved_at).toISOString(),
        ...(row.note ? { note: row.note } : {}),
        ...(row.action === 'mute'
          ? { mutedUntil: row.muted_until ? new Date(row.muted_until).toISOString() : null }
          : {}),
      };
    }
    return report;
  }

  /** The badge: the room's staff and every server moderator learn their open count. Never throws. */
  private async notify(roomId: string): Promise<void> {
    try {
      const [staffOpenCount, roomStaff] = await Promise.all([
        this.repo.staffOpenCount(),
        this.repo.roomStaffCounts(roomId),
      ]);
      await this.notices.publish({ roomId, staffOpenCount, roomStaff });
    } catch {
      // the badge is a convenience: the queue (REST) is the truth
    }
  }
}

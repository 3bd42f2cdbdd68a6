import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { ADMIN, AuditAppend, AuditEntry, AuditPage, AuditQuery, PublicUser } from '@hihi/contracts';
import { normalizeUsername } from '@hihi/dto';
import { AuditRecord } from './audit.schema';

/**
 * The audit log (SPEC §8): every moderation and admin action appends one entry; nothing edits or
 * deletes one. To log a new kind of action, call `append` (in auth) or send `auth.audit.append`
 * over the bus (other services, e.g. chat's moderation) with an action name like `room.ban`.
 */
@Injectable()
export class AuditLog {
  constructor(@InjectModel(AuditRecord.name) private readonly entries: Model<AuditRecord>) {}

  async append(entry: AuditAppend): Promise<AuditEntry> {
    const doc = await this.entries.create({
      at: new Date(),
      actorId: entry.actor.id,
      actorUsername: entry.actor.username,
      actorRole: entry.actor.role,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id,
      targetLabel: entry.target.label,
      reason: entry.reason,
      details: entry.details ?? {},
    });
    return this.toEntry(doc.toObject());
  }

  /** Shorthand for an action by a signed-in person. */
  by(actor: Pick<PublicUser, 'id' | 'username' | 'role'>, rest: Omit<AuditAppend, 'actor'>): Promise<AuditEntry> {
    return this.append({ actor: { id: actor.id, username: actor.username, role: actor.role ?? 'member' }, ...rest });
  }

  /** Newest first; `actor` is a user id or a username; `cursor` the last id of the previous page. */
  async page(q: AuditQuery): Promise<AuditPage> {
    const limit = q.limit ?? ADMIN.auditPageDefault;
    const and: Record<string, unknown>[] = [];
    if (q.actor) {
      const byName = {
        actorUsername: mongoose.trusted({
          $regex: new RegExp(`^${normalizeUsername(q.actor).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i'),
        }),
      };
      and.push(mongoose.trusted({ $or: [{ actorId: q.actor }, byName] }));
    }
    if (q.action) and.push({ action: q.action });
    if (q.cursor) and.push({ _id: mongoose.trusted({ $lt: new mongoose.Types.ObjectId(q.cursor) }) });
    const docs = await this.entries
      .find(and.length ? mongoose.trusted({ $and: and }) : {})
      .sort({ _id: -1 })
      .limit(limit + 1)
      .lean()
      .exec();
    const entries = docs.slice(0, limit).map((d) => this.toEntry(d));
    return docs.length > limit ? { entries, nextCursor: entries[entries.length - 1].id } : { entries };
  }

  private toEntry(d: AuditRecord): AuditEntry {
    return {
      id: String(d._id),
      at: d.at.toISOString(),
      actor: { id: d.actorId, username: d.actorUsername, role: d.actorRole },
      action: d.action,
      target: {
        type: d.targetType as AuditEntry['target']['type'],
        ...(d.targetId ? { id: d.targetId } : {}),
        ...(d.targetLabel ? { label: d.targetLabel } : {}),
      },
      ...(d.reason ? { reason: d.reason } : {}),
      details: d.details ?? {},
    };
  }
}

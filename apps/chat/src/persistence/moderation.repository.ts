import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { ReportAction, ReportStatus } from '@hihi/contracts';
import { DB, Db } from '../database/database';
import type { StoredResolver } from '../database/schema';
import { MESSAGE_COLUMNS, MessageRow } from './message-rows';

export interface BanRow {
  user_id: string;
  username: string | null;
  display_name: string | null;
  reason: string | null;
  created_at: Date;
}

export interface ReportRow {
  id: string;
  room_id: string;
  room_name: string;
  message_id: string;
  message_sender_id: string;
  reported_text: string;
  reporter_id: string;
  reporter_username: string;
  reporter_display_name: string;
  reason: string;
  status: ReportStatus;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: StoredResolver | null;
  action: ReportAction | null;
  note: string | null;
  muted_until: Date | null;
}

/** Whose reports a caller may see: every public and private room (server staff), or the rooms they moderate. */
export interface ReportScope {
  userId: string;
  staff: boolean;
  roomId?: string;
}

export interface NewReport {
  roomId: string;
  messageId: string;
  senderId: string;
  reportedText: string;
  reporterId: string;
  reason: string;
}

export interface Resolution {
  by: StoredResolver;
  action: ReportAction;
  note?: string;
}

const REPORT_COLUMNS = sql.raw(`
  rp.id, rp.room_id, r.name as room_name, rp.message_id, rp.message_sender_id, rp.reported_text,
  rp.reporter_id, coalesce(u.username, rp.reporter_id) as reporter_username,
  coalesce(u.display_name, rp.reporter_id) as reporter_display_name, rp.reason, rp.status, rp.created_at,
  rp.resolved_at, rp.resolved_by, rp.action, rp.note, rp.muted_until`);

/** The reports a scope covers (reports of community rooms; a room moderator's own messages excluded). */
function scopeWhere(scope: ReportScope) {
  const rooms = scope.staff
    ? sql`r.kind in ('public', 'private')`
    : sql`rp.room_id in (
        select x.room_id from room_members x where x.user_id = ${scope.userId} and x.role in ('owner', 'moderator'))`;
  const one = scope.roomId !== undefined ? sql`and rp.room_id = ${scope.roomId}` : sql``;
  return sql`${rooms} and rp.message_sender_id <> ${scope.userId} ${one}`;
}

/**
 * Moderation's tables (migration 0008): mutes, bans, slow mode marks, reports. Mutes and bans
 * are read on the access path by RoomsRepository.memberFacts (primary keys); here they are written.
 */
@Injectable()
export class ModerationRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** Mute (or change the mute of) a user in a room; `until` null: until lifted. */
  async mute(roomId: string, userId: string, until: Date | null, reason: string | null, by: string): Promise<void> {
    await sql`
      insert into room_mutes (room_id, user_id, muted_until, reason, muted_by)
      values (${roomId}, ${userId}, ${until}, ${reason}, ${by})
      on conflict (room_id, user_id) do update
        set muted_until = excluded.muted_until, reason = excluded.reason, muted_by = excluded.muted_by,
            created_at = now()`.execute(this.db);
  }

  /** Lift a mute; false when there was none in force. */
  async unmute(roomId: string, userId: string): Promise<boolean> {
    const { rows } = await sql<{ active: boolean }>`
      delete from room_mutes where room_id = ${roomId} and user_id = ${userId}
      returning (muted_until is null or muted_until > now()) as active`.execute(this.db);
    return rows[0]?.active ?? false;
  }

  /** Ban a user from a room; false when they were banned already. */
  async ban(roomId: string, userId: string, reason: string | null, by: string): Promise<boolean> {
    const { rows } = await sql<{ user_id: string }>`
      insert into room_bans (room_id, user_id, reason, banned_by) values (${roomId}, ${userId}, ${reason}, ${by})
      on conflict do nothing returning user_id`.execute(this.db);
    return rows.length > 0;
  }

  async unban(roomId: string, userId: string): Promise<boolean> {
    const { rows } = await sql<{ user_id: string }>`
      delete from room_bans where room_id = ${roomId} and user_id = ${userId} returning user_id`.execute(this.db);
    return rows.length > 0;
  }

  async findBan(roomId: string, userId: string): Promise<BanRow | undefined> {
    const { rows } = await sql<BanRow>`
      select b.user_id, u.username, u.display_name, b.reason, b.created_at
      from room_bans b left join chat_users u on u.id = b.user_id
      where b.room_id = ${roomId} and b.user_id = ${userId}`.execute(this.db);
    return rows[0];
  }

  /** A page of a room's bans, newest first (room_bans_page); `after` is the last row's (time, user). */
  async bans(roomId: string, limit: number, after?: { at: Date; userId: string }): Promise<BanRow[]> {
    const page = after ? sql`and (b.created_at, b.user_id) < (${after.at}, ${after.userId})` : sql``;
    const { rows } = await sql<BanRow>`
      select b.user_id, u.username, u.display_name, b.reason, b.created_at
      from room_bans b left join chat_users u on u.id = b.user_id
      where b.room_id = ${roomId} ${page}
      order by b.created_at desc, b.user_id desc
      limit ${limit}`.execute(this.db);
    return rows;
  }

  /**
   * Slow mode: take the member's turn, or answer how many ms remain until it (0: taken). One
   * conditional upsert on PostgreSQL's clock: two sends racing from two gateways (and chat
   * processes) serialise on the row, and only one finds the interval passed.
   */
  async slowModeTurn(roomId: string, userId: string, intervalSec: number): Promise<number> {
    const { rows } = await sql<{ taken: boolean; wait_ms: number | null }>`
      with up as (
        insert into room_slow_mode as s (room_id, user_id, posted_at) values (${roomId}, ${userId}, clock_timestamp())
        on conflict (room_id, user_id) do update set posted_at = excluded.posted_at
          where s.posted_at <= excluded.posted_at - make_interval(secs => ${intervalSec})
        returning 1
      )
      select exists (select 1 from up) as taken,
        (select ceil(extract(epoch from (s.posted_at + make_interval(secs => ${intervalSec}) - clock_timestamp())) * 1000)
           from room_slow_mode s where s.room_id = ${roomId} and s.user_id = ${userId})::int as wait_ms`.execute(
      this.db,
    );
    const row = rows[0];
    if (!row || row.taken) return 0;
    if (row.wait_ms !== null) return Math.max(1, row.wait_ms);
    // the turn was taken by a send that committed after this statement's snapshot: read it now
    const { rows: again } = await sql<{ wait_ms: number | null }>`
      select ceil(extract(epoch from (posted_at + make_interval(secs => ${intervalSec}) - clock_timestamp())) * 1000)::int
        as wait_ms
      from room_slow_mode where room_id = ${roomId} and user_id = ${userId}`.execute(this.db);
    return Math.max(1, again[0]?.wait_ms ?? 1);
  }

  /** Give the turn back (the message it was taken for was not stored). */
  async slowModeRelease(roomId: string, userId: string): Promise<void> {
    await sql`delete from room_slow_mode where room_id = ${roomId} and user_id = ${userId}`.execute(this.db);
  }

  /** A message stored before with this sender and clientMsgId (messages_idempotency). */
  async sentBefore(senderId: string, clientMsgId: string): Promise<MessageRow | undefined> {
    const { rows } = await sql<MessageRow>`
      select ${MESSAGE_COLUMNS} from messages m left join messages r on r.id = m.reply_to
      where m.sender_id = ${senderId} and m.client_msg_id = ${clientMsgId}`.execute(this.db);
    return rows[0];
  }

  /** A message by id alone (messages_id), whatever its room. */
  async message(id: string): Promise<MessageRow | undefined> {
    const { rows } = await sql<MessageRow>`
      select ${MESSAGE_COLUMNS} from messages m left join messages r on r.id = m.reply_to
      where m.id = ${id}::uuid`.execute(this.db);
    return rows[0];
  }

  async messages(ids: string[]): Promise<Map<string, MessageRow>> {
    if (!ids.length) return new Map();
    const { rows } = await sql<MessageRow>`
      select ${MESSAGE_COLUMNS} from messages m left join messages r on r.id = m.reply_to
      where m.id = any(${ids}::uuid[])`.execute(this.db);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** A new report; undefined when this person reported this message before (reports_message_reporter). */
  async createReport(r: NewReport): Promise<{ id: string; created_at: Date } | undefined> {
    const { rows } = await sql<{ id: string; created_at: Date }>`
      insert into reports (room_id, message_id, message_sender_id, reported_text, reporter_id, reason)
      values (${r.roomId}, ${r.messageId}::uuid, ${r.senderId}, ${r.reportedText}, ${r.reporterId}, ${r.reason})
      on conflict (message_id, reporter_id) do nothing
      returning id, created_at`.execute(this.db);
    return rows[0];
  }

  async report(id: string): Promise<ReportRow | undefined> {
    const { rows } = await sql<ReportRow>`
      select ${REPORT_COLUMNS}
      from reports rp join rooms r on r.id = rp.room_id left join chat_users u on u.id = rp.reporter_id
      where rp.id = ${id}::uuid`.execute(this.db);
    return rows[0];
  }

  /**
   * A page of the queue: open reports oldest first, resolved ones newest first (reports_queue,
   * reports_room_queue); `after` is the last row's (time, id).
   */
  async reports(
    scope: ReportScope,
    status: ReportStatus,
    limit: number,
    after?: { at: Date; id: string },
  ): Promise<ReportRow[]> {
    const open = status === 'open';
    const page = after
      ? open
        ? sql`and (rp.created_at, rp.id) > (${after.at}, ${after.id}::uuid)`
        : sql`and (rp.created_at, rp.id) < (${after.at}, ${after.id}::uuid)`
      : sql``;
    const order = open ? sql`rp.created_at asc, rp.id asc` : sql`rp.created_at desc, rp.id desc`;
    const { rows } = await sql<ReportRow>`
      select ${REPORT_COLUMNS}
      from reports rp join rooms r on r.id = rp.room_id left join chat_users u on u.id = rp.reporter_id
      where rp.status = ${status} and ${scopeWhere(scope)} ${page}
      order by ${order}
      limit ${limit}`.execute(this.db);
    return rows;
  }

  /** Open reports a scope covers. */
  async openCount(scope: ReportScope): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from reports rp join rooms r on r.id = rp.room_id
      where rp.status = 'open' and ${scopeWhere(scope)}`.execute(this.db);
    return rows[0]?.n ?? 0;
  }

  /** Open reports of every public and private room (what server moderators and above see). */
  async staffOpenCount(): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from reports rp join rooms r on r.id = rp.room_id
      where rp.status = 'open' and r.kind in ('public', 'private')`.execute(this.db);
    return rows[0]?.n ?? 0;
  }

  /** The room's owners and moderators, each with the open reports of all the rooms they moderate. */
  async roomStaffCounts(roomId: string): Promise<Array<{ userId: string; openCount: number }>> {
    const { rows } = await sql<{ user_id: string; n: number }>`
      select s.user_id, (
        select count(*) from reports rp
        where rp.status = 'open' and rp.message_sender_id <> s.user_id and rp.room_id in (
          select x.room_id from room_members x where x.user_id = s.user_id and x.role in ('owner', 'moderator'))
      )::int as n
      from room_members s where s.room_id = ${roomId} and s.role in ('owner', 'moderator')`.execute(this.db);
    return rows.map((r) => ({ userId: r.user_id, openCount: r.n }));
  }

  /** Resolve an open report; false when it is not open (resolved already, or gone). */
  async claim(id: string, res: Resolution): Promise<boolean> {
    const { rows } = await sql<{ id: string }>`
      update reports set status = 'resolved', resolved_at = now(), resolved_by = ${JSON.stringify(res.by)}::jsonb,
        action = ${res.action}, note = ${res.note ?? null}
      where id = ${id}::uuid and status = 'open'
      returning id`.execute(this.db);
    return rows.length > 0;
  }

  /** Undo a claim whose action failed. */
  async reopen(id: string): Promise<void> {
    await sql`
      update reports set status = 'open', resolved_at = null, resolved_by = null, action = null, note = null,
        muted_until = null
      where id = ${id}::uuid`.execute(this.db);
  }

  /** The action's outcome on the report, and the message's other open reports resolved alike; answers how many. */
  async settle(id: string, res: Resolution, messageId: string, mutedUntil: Date | null | undefined): Promise<number> {
    await sql`update reports set muted_until = ${mutedUntil ?? null} where id = ${id}::uuid`.execute(this.db);
    if (res.action === 'dismiss') return 0;
    const { rows } = await sql<{ id: string }>`
      update reports set status = 'resolved', resolved_at = now(), resolved_by = ${JSON.stringify(res.by)}::jsonb,
        action = ${res.action}, note = ${res.note ?? null}, muted_until = ${mutedUntil ?? null}
      where message_id = ${messageId}::uuid and status = 'open'
      returning id`.execute(this.db);
    return rows.length;
  }

  /** chat's figures of GET /api/admin/stats. */
  async stats(): Promise<{ rooms: number; messages: number; messages_today: number }> {
    const { rows } = await sql<{ rooms: number; messages: number; messages_today: number }>`
      select
        (select count(*) from rooms where kind <> 'bot')::int as rooms,
        (select coalesce(sum(last_seq), 0) from rooms)::bigint as messages,
        (select count(*) from messages
          where created_at >= (date_trunc('day', now() at time zone 'utc') at time zone 'utc'))::int as messages_today`.execute(
      this.db,
    );
    return rows[0] ?? { rooms: 0, messages: 0, messages_today: 0 };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { NotificationLevel } from '@hihi/contracts';
import { DB, Db } from '../database/database';
import type { DigestRow } from '../push/digest-decision';

/** One millisecond: the digest window's grain. */
const MS = sql`interval '1 millisecond'`;

/** A person's digest so far: up to when messages were considered, when the last mail went. */
export interface DigestState {
  digested_until: Date;
  sent_at: Date | null;
}

/**
 * What the email digest reads and keeps (SPEC §10): the people a new message may reach, a
 * person's unread DMs/group messages and mentions in a window, and digest_state.
 */
@Injectable()
export class DigestRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** The members of a DM or group with their level (room_members' primary key: room_id, user_id). */
  async members(roomId: string): Promise<{ user_id: string; notify_level: NotificationLevel | null }[]> {
    const { rows } = await sql<{ user_id: string; notify_level: NotificationLevel | null }>`
      select user_id, notify_level from room_members where room_id = ${roomId}`.execute(this.db);
    return rows;
  }

  /** The levels of the mentioned people in a room (null: no membership row or no level set). */
  async levels(
    roomId: string,
    userIds: string[],
  ): Promise<{ user_id: string; notify_level: NotificationLevel | null }[]> {
    if (!userIds.length) return [];
    const { rows } = await sql<{ user_id: string; notify_level: NotificationLevel | null }>`
      select u.user_id, m.notify_level from unnest(${userIds}::text[]) as u (user_id)
      left join room_members m on m.room_id = ${roomId} and m.user_id = u.user_id`.execute(this.db);
    return rows;
  }

  async state(userId: string): Promise<DigestState | undefined> {
    const { rows } = await sql<DigestState>`
      select digested_until, sent_at from digest_state where user_id = ${userId}`.execute(this.db);
    return rows[0];
  }

  /** The database's clock (created_at and sent_at are written by it). */
  async now(): Promise<Date> {
    const { rows } = await sql<{ now: Date }>`select now() as now`.execute(this.db);
    return rows[0].now;
  }

  /** Messages up to `until` were considered; `sentAt`: a mail went out then. */
  async record(userId: string, until: Date, sentAt?: Date): Promise<void> {
    await sql`
      insert into digest_state (user_id, digested_until, sent_at)
      values (${userId}, ${until}, ${sentAt ?? null})
      on conflict (user_id) do update set
        digested_until = greatest(digest_state.digested_until, excluded.digested_until),
        sent_at = coalesce(excluded.sent_at, digest_state.sent_at)`.execute(this.db);
  }

  /**
   * The person's unread messages created in (since, until], oldest first, at most `limit`, and
   * how many there are in all: in their DMs and groups (level `all`, or `mentions` and named;
   * a bot's only in a DM with it) and their mentions in the other rooms they are a member of
   * (mentions come only from members; level not `none`). Never their own, never a deleted one.
   *
   * Plans (docs/performance.md, "Push and digest recipients"): both halves start at the person's
   * memberships (room_members_user: user_id, room_id) and their read positions (read_positions'
   * key); the DM/group half reads the window's messages (messages_created_brin, or messages' key
   * past the read position), the mentions half only the unread mentions of each room
   * (message_mentions' key: user_id, room_id, seq > read position) — never the person's whole
   * history of mentions.
   *
   * The window is compared at the millisecond: its bounds are JavaScript Dates (ms) while
   * created_at has µs, so a message in `until`'s own millisecond belongs to this window (as
   * `created_at >= since + 1 ms and created_at < until + 1 ms`: still a range on created_at).
   */
  async collect(
    userId: string,
    since: Date,
    until: Date,
    limit: number,
  ): Promise<{ rows: DigestRow[]; total: number }> {
    const { rows } = await sql<DigestRow & { total: number }>`
      select d.*, count(*) over ()::int as total from (
        select m.room_id, r.name as room_name, r.kind, m.id::text as message_id, m.seq::int as seq,
          m.sender_username, m.sender_display_name, m.text, m.attachments, m.created_at,
          exists (
            select 1 from message_mentions mm
            where mm.user_id = rm.user_id and mm.room_id = m.room_id and mm.seq = m.seq
          ) as mentioned,
          coalesce(rm.notify_level, 'all') as level
        from room_members rm
        join rooms r on r.id = rm.room_id and r.kind in ('dm', 'group')
        left join read_positions rp on rp.user_id = rm.user_id and rp.room_id = rm.room_id
        join messages m on m.room_id = rm.room_id and m.seq > coalesce(rp.seq, 0)
        where rm.user_id = ${userId} and coalesce(rm.notify_level, 'all') <> 'none'
          and m.created_at >= ${since}::timestamptz + ${MS} and m.created_at < ${until}::timestamptz + ${MS}
          and not m.deleted and m.sender_id <> ${userId} and (not m.sender_bot or r.kind = 'dm')
        union all
        select m.room_id, r.name, r.kind, m.id::text, m.seq::int,
          m.sender_username, m.sender_display_name, m.text, m.attachments, m.created_at,
          true, coalesce(rm.notify_level, 'mentions')
        from room_members rm
        join rooms r on r.id = rm.room_id and r.kind not in ('dm', 'group')
        -- per membership, only the mentions past its read position (an index range of message_mentions'
        -- key), each message by its key; offset 0 keeps the planner from flattening this into a scan
        -- of all the person's mentions or of the room's messages
        cross join lateral (
          select m.* from message_mentions mm
          join messages m on m.room_id = mm.room_id and m.seq = mm.seq
          where mm.user_id = rm.user_id and mm.room_id = rm.room_id and mm.seq > coalesce(
            (select rp.seq from read_positions rp where rp.user_id = rm.user_id and rp.room_id = rm.room_id), 0)
            and m.created_at >= ${since}::timestamptz + ${MS} and m.created_at < ${until}::timestamptz + ${MS}
            and not m.deleted and m.sender_id <> ${userId}
          offset 0
        ) m
        where rm.user_id = ${userId} and coalesce(rm.notify_level, 'mentions') <> 'none'
      ) d
      where d.level = 'all' or d.mentioned
      order by d.created_at, d.room_id, d.seq
      limit ${limit}`.execute(this.db);
    return {
      rows: rows.map(({ total: _total, ...row }) => row),
      total: rows[0]?.total ?? 0,
    };
  }
}

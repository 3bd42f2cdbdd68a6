import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DB, Db, executeNamed } from '../database/database';
import type { StoredAttachment, StoredReaction } from '../database/schema';
import { MESSAGE_COLUMNS, MessageRow } from './message-rows';
import { ChangeLanes } from './change-lanes';

/**
 * Most change transactions (edit, delete, reaction) one process runs at once: the default pool
 * (DB_POOL_MAX 10) keeps at least 6 connections for sends, reads and the search indexer.
 */
export const MAX_CHANGES_IN_FLIGHT = 4;

/** One message to store (its seq is given by the database). */
export interface NewMessage {
  senderId: string;
  senderUsername: string;
  senderDisplayName: string;
  senderBot: boolean;
  clientMsgId: string;
  text: string;
  replyTo?: string;
  mentions?: string[];
  attachments?: StoredAttachment[];
}

/** A message and the room it goes to. */
export interface RoomMessage extends NewMessage {
  roomId: string;
}

/** A stored message of a batch: created now, or found already stored (same sender + clientMsgId). */
export interface BatchRow extends MessageRow {
  created: boolean;
}

/**
 * Messages in PostgreSQL. Every query here is on an index named in docs/performance.md:
 * (room_id, seq) the primary key, (sender_id, client_msg_id) unique, id unique, and
 * (room_id, changed_event) partial.
 */
@Injectable()
export class MessagesRepository {
  /** changes to one message one at a time, at most MAX_CHANGES_IN_FLIGHT at once (ChangeLanes) */
  private readonly lanes = new ChangeLanes(MAX_CHANGES_IN_FLIGHT);

  constructor(@Inject(DB) private readonly db: Db) {}

  /** Store a batch of messages of one room (see `insert`). */
  insertBatch(roomId: string, batch: NewMessage[]): Promise<BatchRow[]> {
    return this.insert(batch.map((m) => ({ ...m, roomId })));
  }

  /**
   * Store a batch of messages of any rooms in ONE statement (group commit): messages already
   * stored (same sender and clientMsgId) are answered as they are, the new ones take their
   * room's next seqs, in batch order within each room. Advancing the rooms' counters and
   * inserting happen in the same statement, so a seq exists exactly when its message does — no
   * gap whatever is killed when. The rooms' rows are locked first, in id order, so concurrent
   * batches (several chat processes) queue on each other and never deadlock. A concurrent
   * duplicate that this statement's snapshot did not see makes it fail with a unique violation
   * and change nothing: the caller runs it again and then finds the duplicate. Rows come back
   * ordered by (room, seq); a message whose room is gone is not stored and not answered.
   * The look-ups by the batch's keys are LATERAL subqueries ending in `offset 0`, so the planner
   * cannot turn them into a join: one index probe per message, whatever the table's statistics
   * say. (Without the fence a plan made while the table was small — kept by the prepared
   * statement — hashed the batch and scanned all of messages twice per batch: PostgreSQL's CPU per
   * message grew with the table; docs/performance.md.) The text never changes (parameters only),
   * so it runs as a named prepared statement: parsed and planned once per connection.
   */
  async insert(batch: RoomMessage[]): Promise<BatchRow[]> {
    const input = JSON.stringify(
      batch.map((m, i) => ({
        ord: i,
        room_id: m.roomId,
        sender_id: m.senderId,
        sender_username: m.senderUsername,
        sender_display_name: m.senderDisplayName,
        sender_bot: m.senderBot,
        client_msg_id: m.clientMsgId,
        text: m.text,
        reply_to: m.replyTo ?? null,
        mentions: m.mentions?.length ? m.mentions : null,
        attachments: m.attachments?.length ? m.attachments : null,
      })),
    );
    const { rows } = await executeNamed(this.db, 'messages_insert', insertStatement(input));
    return rows;
  }

  /** `limit` messages with afterSeq < seq < beforeSeq, ascending; from the low end when `fromStart`, else the high end. */
  async range(
    roomId: string,
    afterSeq: number,
    beforeSeq: number | undefined,
    limit: number,
    fromStart: boolean,
    db: Db = this.db,
  ): Promise<MessageRow[]> {
    const before = beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const order = fromStart ? sql`m.seq asc` : sql`m.seq desc`;
    const { rows } = await sql<MessageRow>`
      select ${MESSAGE_COLUMNS}
      from messages m left join messages r on r.id = m.reply_to
      where m.room_id = ${roomId} and m.seq > ${afterSeq} and m.seq < ${before}
      order by ${order}
      limit ${limit}`.execute(db);
    return fromStart ? rows : rows.reverse();
  }

  /**
   * Messages at or before `uptoSeq` changed after the message `uptoSeq` was created: what a
   * client that saw the room up to `uptoSeq` may have missed (it may also have seen some of them
   * live; applying a change twice is harmless).
   */
  async changedSince(roomId: string, uptoSeq: number, limit: number): Promise<MessageRow[]> {
    const { rows } = await sql<MessageRow>`
      select ${MESSAGE_COLUMNS}
      from messages m left join messages r on r.id = m.reply_to
      where m.room_id = ${roomId}
        and m.changed_event > coalesce((select event from messages where room_id = ${roomId} and seq = ${uptoSeq}), 0)
        and m.seq <= ${uptoSeq}
      order by m.changed_event
      limit ${limit}`.execute(this.db);
    return rows;
  }

  async findById(roomId: string, id: string): Promise<MessageRow | undefined> {
    const { rows } = await sql<MessageRow>`
      select ${MESSAGE_COLUMNS}
      from messages m left join messages r on r.id = m.reply_to
      where m.id = ${id}::uuid and m.room_id = ${roomId}`.execute(this.db);
    return rows[0];
  }

  /** A transaction changing message `id`, in that message's lane (ChangeLanes: one at a time per message). */
  private changeTransaction<T>(roomId: string, id: string, fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.lanes.run(`${roomId}:${id}`, () => this.db.transaction().execute(fn));
  }

  /** Apply a change to one message under the room's next event number; answers the message as it is now. */
  private change(
    roomId: string,
    id: string,
    set: ReturnType<typeof sql>,
    mentions?: { seq: number; userIds: string[] },
    detachFiles = false,
  ): Promise<MessageRow | undefined> {
    return this.changeTransaction(roomId, id, async (tx) => {
      const { rows } = await sql<{ seq: number }>`
        with ev as (update rooms set last_event = last_event + 1 where id = ${roomId} returning last_event)
        update messages m set ${set}, changed_event = ev.last_event
        from ev where m.room_id = ${roomId} and m.id = ${id}::uuid
        returning m.seq`.execute(tx);
      if (!rows.length) return undefined;
      if (detachFiles) {
        // its files go with it: unreadable from now on, their bytes deleted by the next sweep
        await sql`
          update attachments set deleted_at = now(), message_seq = null
          where room_id = ${roomId} and message_seq = ${rows[0].seq} and deleted_at is null`.execute(tx);
      }
      if (mentions) {
        await sql`delete from message_mentions where room_id = ${roomId} and seq = ${mentions.seq}`.execute(tx);
        if (mentions.userIds.length) {
          await sql`
            insert into message_mentions (user_id, room_id, seq)
            select distinct u, ${roomId}, ${mentions.seq}::bigint from unnest(${mentions.userIds}::text[]) as u
            on conflict do nothing`.execute(tx);
        }
      }
      const { rows: now } = await sql<MessageRow>`
        select ${MESSAGE_COLUMNS} from messages m left join messages r on r.id = m.reply_to
        where m.room_id = ${roomId} and m.id = ${id}::uuid`.execute(tx);
      return now[0];
    });
  }

  edit(roomId: string, id: string, seq: number, text: string, mentions: string[]): Promise<MessageRow | undefined> {
    return this.change(
      roomId,
      id,
      sql`text = ${text}, edited_at = now(), mentions = ${mentions.length ? mentions : null}`,
      {
        seq,
        userIds: mentions,
      },
    );
  }

  /**
   * A tombstone: text, reactions, attachments (and their files) and mentions go; the seq stays.
   * `byModerator`: the tombstone says a moderator made it (SPEC §8).
   */
  remove(roomId: string, id: string, seq: number, byModerator = false): Promise<MessageRow | undefined> {
    return this.change(
      roomId,
      id,
      sql`deleted = true, text = '', reactions = null, attachments = null, mentions = null, reply_to = null,
        deleted_by = ${byModerator ? 'moderator' : null}`,
      { seq, userIds: [] },
      true,
    );
  }

  /**
   * Toggle one user's reaction. The message row is locked while the new list is computed, so
   * concurrent reactions to one message never lose each other. `undefined` when the message is
   * gone; 'full' when adding a new emoji would pass `maxDistinct`.
   */
  react(
    roomId: string,
    id: string,
    userId: string,
    emoji: string,
    on: boolean,
    maxDistinct: number,
  ): Promise<MessageRow | 'full' | undefined> {
    return this.changeTransaction(roomId, id, async (tx) => {
      const { rows } = await sql<{ reactions: StoredReaction[] | null; deleted: boolean }>`
        select reactions, deleted from messages where room_id = ${roomId} and id = ${id}::uuid for update`.execute(tx);
      if (!rows.length || rows[0].deleted) return undefined;
      const list = (rows[0].reactions ?? []).map((r) => ({ emoji: r.emoji, userIds: [...r.userIds] }));
      const entry = list.find((r) => r.emoji === emoji);
      const has = !!entry?.userIds.includes(userId);
      if (on === has) {
        const { rows: now } = await sql<MessageRow>`
          select ${MESSAGE_COLUMNS} from messages m left join messages r on r.id = m.reply_to
          where m.room_id = ${roomId} and m.id = ${id}::uuid`.execute(tx);
        return now[0];
      }
      if (on) {
        if (entry) entry.userIds.push(userId);
        else if (list.length >= maxDistinct) return 'full';
        else list.push({ emoji, userIds: [userId] });
      } else if (entry) {
        entry.userIds = entry.userIds.filter((u) => u !== userId);
      }
      const next = list.filter((r) => r.userIds.length);
      const { rows: now } = await sql<MessageRow>`
        with ev as (update rooms set last_event = last_event + 1 where id = ${roomId} returning last_event),
        up as (
          update messages m set reactions = ${next.length ? JSON.stringify(next) : null}::jsonb, changed_event = ev.last_event
          from ev where m.room_id = ${roomId} and m.id = ${id}::uuid
          returning m.*)
        select ${MESSAGE_COLUMNS} from up m left join messages r on r.id = m.reply_to`.execute(tx);
      return now[0];
    });
  }
}

/** The group-commit statement of MessagesRepository.insert: `input` is the batch as a JSON array. */
export function insertStatement(input: string) {
  return sql<BatchRow>`
  with input as (
    select * from jsonb_to_recordset(${input}::jsonb) as v(
      ord int, room_id text, sender_id text, sender_username text, sender_display_name text, sender_bot boolean,
      client_msg_id text, text text, reply_to uuid, mentions text[], attachments jsonb)
  ),
  -- offset 0: a fence, so each look-up stays one probe of messages_idempotency (see insert)
  existing as (
    select m.* from input i cross join lateral (
      select * from messages m where m.sender_id = i.sender_id and m.client_msg_id = i.client_msg_id offset 0) m
  ),
  fresh as (
    select i.*, row_number() over (partition by i.room_id order by i.ord) as n from input i
    where not exists (
      select 1 from existing e where e.sender_id = i.sender_id and e.client_msg_id = i.client_msg_id)
  ),
  counted as (select room_id, count(*) as k from fresh group by room_id),
  locked as materialized (
    select r.id from rooms r where r.id in (select room_id from counted) order by r.id for no key update
  ),
  room as (
    update rooms r set last_seq = r.last_seq + c.k, last_event = r.last_event + c.k
    from counted c join locked l on l.id = c.room_id
    where r.id = c.room_id
    returning r.id, r.last_seq, r.last_event, c.k
  ),
  ins as (
    insert into messages (room_id, seq, event, sender_id, sender_username, sender_display_name, sender_bot,
                          client_msg_id, text, reply_to, mentions, attachments)
    select f.room_id, room.last_seq - room.k + f.n, room.last_event - room.k + f.n, f.sender_id, f.sender_username,
           -- the display name as chat's projection has it now (a profile change reaches new messages
           -- at once, whatever name the sender's access token still carries); bots have no row
           coalesce((select u.display_name from chat_users u where u.id = f.sender_id and not f.sender_bot),
                    f.sender_display_name), f.sender_bot, f.client_msg_id, f.text, f.reply_to, f.mentions, f.attachments
    from fresh f join room on room.id = f.room_id
    returning *
  ),
  mentioned as (
    insert into message_mentions (user_id, room_id, seq)
    select distinct u.user_id, ins.room_id, ins.seq from ins cross join lateral unnest(ins.mentions) as u(user_id)
    on conflict do nothing
  ),
  stored as (
    select true as created, ins.* from ins
    union all
    select false as created, e.* from existing e
  )
  select m.created, ${MESSAGE_COLUMNS}
  -- offset 0: one probe of messages_id per reply
  from stored m left join lateral (select * from messages r where r.id = m.reply_to offset 0) r on true
  order by m.room_id, m.seq`;
}

import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { RoomKind } from '@hihi/contracts';
import { DB, Db } from '../database/database';
import { isUniqueViolation } from './message-rows';
import { NewMessage } from './messages.repository';

/** What access checks need of a room; it never changes once the room exists. */
export interface RoomAccess {
  id: string;
  kind: RoomKind;
  /** members of a DM (two) or duck room (one); empty for public rooms (everyone) */
  members: string[];
}

/** A room as one viewer sees it: counters and that viewer's read position and unread mentions. */
export interface RoomViewRow {
  id: string;
  kind: RoomKind;
  name: string;
  last_seq: number;
  read_seq: number;
  mentions: number;
  /** for a DM: the other member's display name */
  peer_name: string | null;
  member: boolean;
}

export interface ReadMark {
  roomId: string;
  userId: string;
  seq: number;
}

export interface NewRoom {
  id: string;
  kind: RoomKind;
  name: string;
  nameKey: string;
  createdBy?: string;
  members: string[];
}

/**
 * Rooms, memberships and read positions. The viewer-dependent columns are computed in the same
 * statement: read position by its primary key (user_id, room_id), unread mentions by
 * message_mentions' primary key (user_id, room_id, seq), the DM peer by room_members' key.
 */
const VIEW_COLUMNS = (userId: string) => sql`
  r.id, r.kind, r.name, r.last_seq,
  coalesce(rp.seq, 0) as read_seq,
  (select count(*) from message_mentions mm
     where mm.user_id = ${userId} and mm.room_id = r.id and mm.seq > coalesce(rp.seq, 0))::int as mentions,
  case when r.kind = 'dm' then (
    select u.display_name from room_members pm join chat_users u on u.id = pm.user_id
    where pm.room_id = r.id and pm.user_id <> ${userId} limit 1) end as peer_name`;

@Injectable()
export class RoomsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async access(id: string): Promise<RoomAccess | undefined> {
    const { rows } = await sql<RoomAccess>`
      select r.id, r.kind,
        coalesce((select array_agg(m.user_id order by m.user_id) from room_members m where m.room_id = r.id), '{}') as members
      from rooms r where r.id = ${id}`.execute(this.db);
    return rows[0];
  }

  async view(roomId: string, userId: string): Promise<RoomViewRow | undefined> {
    const { rows } = await sql<RoomViewRow>`
      select ${VIEW_COLUMNS(userId)},
        exists (select 1 from room_members x where x.room_id = r.id and x.user_id = ${userId}) as member
      from rooms r left join read_positions rp on rp.room_id = r.id and rp.user_id = ${userId}
      where r.id = ${roomId}`.execute(this.db);
    return rows[0];
  }

  /** Public rooms (unless a guest) and the rooms the user is a member of: lobby first, then the duck room, then by age. */
  async visible(userId: string, includePublic: boolean): Promise<RoomViewRow[]> {
    const { rows } = await sql<RoomViewRow>`
      select ${VIEW_COLUMNS(userId)}, true as member
      from rooms r left join read_positions rp on rp.room_id = r.id and rp.user_id = ${userId}
      where (${includePublic} and r.kind = 'public')
         or r.id in (select room_id from room_members where user_id = ${userId})
      order by (r.id = 'lobby') desc, (r.kind = 'bot') desc, r.created_at, r.id`.execute(this.db);
    return rows;
  }

  /**
   * Create the room with its members (and, for a duck room, its first message) in one
   * transaction, unless a room with this id exists. Answers whether this call created it; throws
   * the unique violation when another room holds the name.
   */
  async create(room: NewRoom, first?: NewMessage): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('rooms')
        .values({
          id: room.id,
          kind: room.kind,
          name: room.name,
          name_key: room.nameKey,
          created_by: room.createdBy ?? null,
          last_seq: first ? 1 : 0,
          last_event: first ? 1 : 0,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      if (room.members.length) {
        await tx
          .insertInto('room_members')
          .values(room.members.map((user_id) => ({ room_id: room.id, user_id })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      if (first) {
        await tx
          .insertInto('messages')
          .values({
            room_id: room.id,
            seq: 1,
            event: 1,
            changed_event: null,
            edited_at: null,
            reply_to: null,
            reactions: null,
            attachments: null,
            mentions: null,
            sender_id: first.senderId,
            sender_username: first.senderUsername,
            sender_display_name: first.senderDisplayName,
            sender_bot: first.senderBot,
            client_msg_id: first.clientMsgId,
            text: first.text,
          })
          .execute();
      }
      return true;
    });
  }

  /** Is the name held by another room (unique violation of rooms_name_key)? */
  static isNameTaken(err: unknown): boolean {
    return isUniqueViolation(err) && (err as { constraint?: string }).constraint === 'rooms_name_key';
  }

  /**
   * Move read positions forward (never back, never past the room's last message) — many
   * readers and rooms in ONE statement — and answer each room as its reader sees it now.
   * At most one entry per (user, room): the caller keeps the highest seq.
   */
  async markReadBatch(marks: ReadMark[]): Promise<(RoomViewRow & { user_id: string })[]> {
    if (!marks.length) return [];
    const input = JSON.stringify(marks.map((m) => ({ user_id: m.userId, room_id: m.roomId, seq: m.seq })));
    const { rows } = await sql<RoomViewRow & { user_id: string }>`
      with input as (
        select * from jsonb_to_recordset(${input}::jsonb) as v(user_id text, room_id text, seq bigint)
      ),
      target as (
        select i.user_id, i.room_id, least(i.seq, r.last_seq) as seq from input i join rooms r on r.id = i.room_id
      ),
      up as (
        insert into read_positions (user_id, room_id, seq)
        select user_id, room_id, seq from target
        on conflict (user_id, room_id) do update set seq = excluded.seq
          where read_positions.seq < excluded.seq
        returning user_id, room_id, seq
      ),
      pos as (
        select t.user_id, t.room_id,
          coalesce(up.seq, rp.seq, 0) as seq
        from target t
        left join up on up.user_id = t.user_id and up.room_id = t.room_id
        left join read_positions rp on rp.user_id = t.user_id and rp.room_id = t.room_id
      )
      select pos.user_id, r.id, r.kind, r.name, r.last_seq, pos.seq as read_seq,
        (select count(*) from message_mentions mm
           where mm.user_id = pos.user_id and mm.room_id = r.id and mm.seq > pos.seq)::int as mentions,
        case when r.kind = 'dm' then (
          select u.display_name from room_members pm join chat_users u on u.id = pm.user_id
          where pm.room_id = r.id and pm.user_id <> pos.user_id limit 1) end as peer_name,
        true as member
      from pos join rooms r on r.id = pos.room_id`.execute(this.db);
    return rows;
  }

  async markRead(roomId: string, userId: string, seq: number): Promise<RoomViewRow | undefined> {
    const [row] = await this.markReadBatch([{ roomId, userId, seq }]);
    return row;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { RawBuilder, sql, Transaction, Updateable } from 'kysely';
import type { ChatDatabase, RoomsTable } from '../database/schema';
import { LOBBY_ROOM_ID, NotificationLevel, PostPolicy, RoomKind, RoomRole } from '@hihi/contracts';
import type { MemberFacts, RoomFacts, Standing } from '../access/policy';
import { DB, Db } from '../database/database';
import { isUniqueViolation } from './message-rows';
import { likePattern } from '../search/excerpt';
import { isIndexedBigram } from './search.repository';
import { NewMessage } from './messages.repository';

/** A room as one viewer sees it: counters and that viewer's read position, role and unread mentions. */
export interface RoomViewRow {
  id: string;
  kind: RoomKind;
  name: string;
  topic: string | null;
  archived: boolean;
  slow_mode_sec: number;
  post_policy: PostPolicy;
  member_count: number;
  last_seq: number;
  read_seq: number;
  mentions: number;
  /** for a DM: the other member's display name */
  peer_name: string | null;
  /** the viewer's room role; null: not a member */
  role: RoomRole | null;
  /** the viewer's notification level; null: the kind's default */
  notify_level: NotificationLevel | null;
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
  topic?: string;
  createdBy?: string;
  /** members and their roles (default member) */
  members: Array<string | { userId: string; role: RoomRole }>;
}

export interface MemberRow {
  user_id: string;
  username: string;
  display_name: string;
  role: RoomRole;
  avatar_url: string | null;
  /** a mute in force (room_mutes' primary key) */
  muted: boolean;
  muted_until: Date | null;
}

export interface DirectoryRow {
  id: string;
  name: string;
  topic: string | null;
  archived: boolean;
  member_count: number;
  joined: boolean;
  name_key_sort: string;
}

export interface RoomSettings {
  name?: string;
  nameKey?: string;
  topic?: string | null;
  archived?: boolean;
  slowModeSec?: number;
  postPolicy?: PostPolicy;
}

/**
 * Rooms, memberships and read positions. The viewer-dependent columns are computed in the same
 * statement: read position by its primary key (user_id, room_id), unread mentions by
 * message_mentions' primary key (user_id, room_id, seq), the viewer's role and the DM peer by
 * room_members' key. `viewer` is a parameter or a column.
 */
const VIEW_COLUMNS = (viewer: RawBuilder<unknown>, readSeq: RawBuilder<unknown>) => sql`
  r.id, r.kind, r.name, r.topic, r.archived, r.slow_mode_sec, r.post_policy, r.member_count, r.last_seq,
  ${readSeq} as read_seq,
  (select count(*) from message_mentions mm
     where mm.user_id = ${viewer} and mm.room_id = r.id and mm.seq > ${readSeq})::int as mentions,
  case when r.kind = 'dm' then (
    select u.display_name from room_members pm join chat_users u on u.id = pm.user_id
    where pm.room_id = r.id and pm.user_id <> ${viewer} limit 1) end as peer_name,
  (select x.role from room_members x where x.room_id = r.id and x.user_id = ${viewer}) as role,
  (select x.notify_level from room_members x where x.room_id = r.id and x.user_id = ${viewer}) as notify_level`;

const userParam = (userId: string) => sql`${userId}`;

@Injectable()
export class RoomsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** What the access policy needs of a room (primary key). */
  async facts(id: string): Promise<RoomFacts | undefined> {
    const row = await this.db
      .selectFrom('rooms')
      .select(['id', 'kind', 'archived', 'post_policy', 'slow_mode_sec'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row
      ? {
          id: row.id,
          kind: row.kind,
          archived: row.archived,
          postPolicy: row.post_policy,
          slowModeSec: row.slow_mode_sec,
        }
      : undefined;
  }

  /** A user's role in a room; null: not a member (primary key of room_members). */
  async memberRole(roomId: string, userId: string): Promise<RoomRole | null> {
    const row = await this.db
      .selectFrom('room_members')
      .select('role')
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  /**
   * Role and standing (mute, ban) of these users in a room: one statement by the primary keys
   * of room_members, room_mutes and room_bans; absent: neither a member, muted nor banned.
   */
  async memberFacts(roomId: string, userIds: string[]): Promise<Map<string, MemberFacts>> {
    if (!userIds.length) return new Map();
    const { rows } = await sql<{
      user_id: string;
      role: RoomRole | null;
      muted: boolean;
      muted_until: Date | null;
      banned: boolean;
    }>`
      select u.user_id, m.role, mu.user_id is not null as muted, mu.muted_until, b.user_id is not null as banned
      from unnest(${userIds}::text[]) as u(user_id)
        left join room_members m on m.room_id = ${roomId} and m.user_id = u.user_id
        left join room_mutes mu on mu.room_id = ${roomId} and mu.user_id = u.user_id
        left join room_bans b on b.room_id = ${roomId} and b.user_id = u.user_id
      where m.user_id is not null or mu.user_id is not null or b.user_id is not null`.execute(this.db);
    return new Map(
      rows.map((r) => {
        const standing: Standing = {};
        if (r.muted) standing.mutedUntil = r.muted_until ? new Date(r.muted_until).getTime() : Infinity;
        if (r.banned) standing.banned = true;
        return [r.user_id, { role: r.role, standing }];
      }),
    );
  }

  /** Which of these users are members of the room (of the lobby: every account). */
  async membersAmong(roomId: string, userIds: string[]): Promise<string[]> {
    if (!userIds.length) return [];
    if (roomId === LOBBY_ROOM_ID) return userIds;
    const rows = await this.db
      .selectFrom('room_members')
      .select('user_id')
      .where('room_id', '=', roomId)
      .where('user_id', 'in', userIds)
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** The room as each of its members sees it (a settings change tells every member their view). */
  async viewsOfMembers(roomId: string): Promise<(RoomViewRow & { user_id: string })[]> {
    const { rows } = await sql<RoomViewRow & { user_id: string }>`
      select m.user_id, ${VIEW_COLUMNS(sql`m.user_id`, sql`coalesce(rp.seq, 0)`)}
      from room_members m join rooms r on r.id = m.room_id
        left join read_positions rp on rp.room_id = r.id and rp.user_id = m.user_id
      where m.room_id = ${roomId}`.execute(this.db);
    return rows;
  }

  async view(roomId: string, userId: string): Promise<RoomViewRow | undefined> {
    const { rows } = await sql<RoomViewRow>`
      select ${VIEW_COLUMNS(userParam(userId), sql`coalesce(rp.seq, 0)`)}
      from rooms r left join read_positions rp on rp.room_id = r.id and rp.user_id = ${userId}
      where r.id = ${roomId}`.execute(this.db);
    return rows[0];
  }

  /** The rooms the user is a member of (room_members_user; users: the lobby always): lobby first, then the duck room, then by age. */
  async visible(userId: string, includeLobby: boolean, db: Db = this.db): Promise<RoomViewRow[]> {
    const { rows } = await sql<RoomViewRow>`
      select ${VIEW_COLUMNS(userParam(userId), sql`coalesce(rp.seq, 0)`)}
      from rooms r left join read_positions rp on rp.room_id = r.id and rp.user_id = ${userId}
      where r.id in (select room_id from room_members where user_id = ${userId})
         or (${includeLobby} and r.id = 'lobby')
      order by (r.id = 'lobby') desc, (r.kind = 'bot') desc, r.created_at, r.id`.execute(db);
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
          topic: room.topic || null,
          member_count: room.members.length,
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
          .values(
            room.members.map((m) =>
              typeof m === 'string'
                ? { room_id: room.id, user_id: m }
                : { room_id: room.id, user_id: m.userId, role: m.role },
            ),
          )
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

  /** Add a member (nothing when they are one already); answers whether they were added. member_count follows. */
  async addMember(roomId: string, userId: string, role: RoomRole = 'member'): Promise<boolean> {
    const { rows } = await sql<{ added: boolean }>`
      with ins as (
        insert into room_members (room_id, user_id, role) values (${roomId}, ${userId}, ${role})
        on conflict do nothing returning room_id
      ), bump as (
        update rooms set member_count = member_count + 1 where id = ${roomId} and exists (select 1 from ins)
        returning id
      )
      select exists (select 1 from ins) as added`.execute(this.db);
    return rows[0]?.added ?? false;
  }

  /** Remove a member; answers the role they had (undefined: not a member). member_count follows. */
  async removeMember(roomId: string, userId: string): Promise<RoomRole | 'last_owner' | undefined> {
    return this.keepingAnOwner(roomId, userId, async (tx) => {
      const { rows } = await sql<{ role: RoomRole }>`
        with del as (
          delete from room_members where room_id = ${roomId} and user_id = ${userId} returning role
        ), bump as (
          update rooms set member_count = greatest(member_count - 1, 0) where id = ${roomId} and exists (select 1 from del)
          returning id
        )
        select role from del`.execute(tx);
      return rows[0]?.role;
    });
  }

  /** Set a member's role; false when they are not a member, `last_owner` when they are its last owner. */
  async setRole(roomId: string, userId: string, role: RoomRole): Promise<boolean | 'last_owner'> {
    return this.keepingAnOwner(
      roomId,
      userId,
      async (tx) => {
        const res = await tx
          .updateTable('room_members')
          .set({ role })
          .where('room_id', '=', roomId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        return Number(res.numUpdatedRows) > 0;
      },
      role === 'owner',
    );
  }

  /**
   * A room always keeps an owner (SPEC §7), also when two owners leave or step down at the same
   * moment: a change that could take an owner away runs in a transaction holding the room's row
   * lock, so such changes of one room happen one after the other and each counts the owners the
   * other left. Answers `last_owner` (and changes nothing) when `userId` is the room's only owner.
   */
  private keepingAnOwner<T>(
    roomId: string,
    userId: string,
    change: (tx: Transaction<ChatDatabase>) => Promise<T>,
    harmless = false,
  ): Promise<T | 'last_owner'> {
    return this.db.transaction().execute(async (tx) => {
      if (!harmless) {
        await sql`select 1 from rooms where id = ${roomId} for update`.execute(tx);
        const { rows } = await sql<{ owner: boolean; owners: number }>`
          select m.role = 'owner' as owner,
                 (select count(*)::int from room_members where room_id = ${roomId} and role = 'owner') as owners
          from room_members m where m.room_id = ${roomId} and m.user_id = ${userId}`.execute(tx);
        if (rows[0]?.owner && rows[0].owners <= 1) return 'last_owner';
      }
      return change(tx);
    });
  }

  /** Members of a room with their names and mutes in force (primary keys of chat_users and room_mutes). */
  private membersQuery(roomId: string) {
    return this.db
      .selectFrom('room_members as m')
      .leftJoin('chat_users as u', 'u.id', 'm.user_id')
      .leftJoin('room_mutes as mu', (j) =>
        j
          .onRef('mu.room_id', '=', 'm.room_id')
          .onRef('mu.user_id', '=', 'm.user_id')
          .on(sql<boolean>`(mu.muted_until is null or mu.muted_until > now())`),
      )
      .select((eb) => [
        'm.user_id',
        eb.fn.coalesce('u.username', 'm.user_id').as('username'),
        eb.fn.coalesce('u.display_name', 'm.user_id').as('display_name'),
        'm.role',
        'u.avatar_url',
        sql<boolean>`mu.user_id is not null`.as('muted'),
        'mu.muted_until',
      ])
      .where('m.room_id', '=', roomId);
  }

  /** How many owners the room has (room_members_owners). */
  async ownerCount(roomId: string): Promise<number> {
    const row = await this.db
      .selectFrom('room_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('room_id', '=', roomId)
      .where('role', '=', 'owner')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Set the member's notification level (null: the default); false when not a member. */
  async setNotifyLevel(roomId: string, userId: string, level: NotificationLevel | null): Promise<boolean> {
    const r = await this.db
      .updateTable('room_members')
      .set({ notify_level: level })
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Ids of the rooms the user is a member of (room_members_user). */
  async roomIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('room_members').select('room_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.room_id);
  }

  /** One member with their name (primary keys). */
  async member(roomId: string, userId: string): Promise<MemberRow | undefined> {
    return this.membersQuery(roomId).where('m.user_id', '=', userId).executeTakeFirst();
  }

  /**
   * A page of members: owners, then moderators, then members (role text sorts member < moderator
   * < owner: descending), then by user id descending; the room's members by the primary key,
   * sorted; `after` is the last row of the previous page.
   */
  async members(roomId: string, limit: number, after?: { role: RoomRole; userId: string }): Promise<MemberRow[]> {
    let q = this.membersQuery(roomId);
    if (after) q = q.where(sql<boolean>`(m.role, m.user_id) < (${after.role}, ${after.userId})`);
    return q.orderBy('m.role', 'desc').orderBy('m.user_id', 'desc').limit(limit).execute();
  }

  /**
   * The directory: public rooms whose lower-cased name contains `q`, by lower-cased name then id
   * (rooms_directory_name; a substring of 3+ characters can take rooms_directory_trgm, a
   * two-character CJK word rooms_directory_bigrams), with
   * whether `userId` joined. `after` is the last row's (lower-cased name, id).
   */
  async directory(
    userId: string,
    q: string,
    limit: number,
    after?: { name: string; id: string },
  ): Promise<DirectoryRow[]> {
    const like = sql`lower(r.name) like ${likePattern(q.toLowerCase())}`;
    // a two-character CJK word has no trigram: rooms_directory_bigrams finds it (as message search does)
    const match = !q
      ? sql``
      : isIndexedBigram(q)
        ? sql`and hihi_cjk_bigrams(r.name) @> array[lower(${q})] and ${like}`
        : sql`and ${like}`;
    const page = after ? sql`and (lower(r.name), r.id) > (${after.name}, ${after.id})` : sql``;
    const { rows } = await sql<DirectoryRow>`
      select r.id, r.name, r.topic, r.archived, r.member_count, lower(r.name) as name_key_sort,
        exists (select 1 from room_members x where x.room_id = r.id and x.user_id = ${userId}) as joined
      from rooms r
      where r.kind = 'public' ${match} ${page}
      order by lower(r.name), r.id
      limit ${limit}`.execute(this.db);
    return rows;
  }

  /** Change a room's settings; false when there is no such room. Throws the unique violation when the name is taken. */
  async updateSettings(roomId: string, s: RoomSettings): Promise<boolean> {
    const set: Updateable<RoomsTable> = {};
    if (s.name !== undefined) set.name = s.name;
    if (s.nameKey !== undefined) set.name_key = s.nameKey;
    if (s.topic !== undefined) set.topic = s.topic;
    if (s.archived !== undefined) set.archived = s.archived;
    if (s.slowModeSec !== undefined) set.slow_mode_sec = s.slowModeSec;
    if (s.postPolicy !== undefined) set.post_policy = s.postPolicy;
    if (!Object.keys(set).length) return !!(await this.facts(roomId));
    const res = await this.db.updateTable('rooms').set(set).where('id', '=', roomId).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
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
      select pos.user_id, ${VIEW_COLUMNS(sql`pos.user_id`, sql`pos.seq`)}
      from pos join rooms r on r.id = pos.room_id`.execute(this.db);
    return rows;
  }

  async markRead(roomId: string, userId: string, seq: number): Promise<RoomViewRow | undefined> {
    const [row] = await this.markReadBatch([{ roomId, userId, seq }]);
    return row;
  }
}

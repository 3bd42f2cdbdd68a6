import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { NotificationLevel, RoomKind } from '@hihi/contracts';
import { DB, Db } from '../database/database';

export interface PushSubscriptionRow {
  endpoint: string;
  user_id: string;
  p256dh: string;
  auth: string;
}

/** A possible recipient of a room's message: their level (null: the kind's default) and read position. */
export interface PushRecipientRow {
  user_id: string;
  notify_level: NotificationLevel | null;
  read_seq: number;
  kind: RoomKind;
  room_name: string;
}

/** Web Push subscriptions (push_subscriptions) and what deciding a notification reads. */
@Injectable()
export class PushRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /**
   * Keep a subscription (an endpoint already known moves to this person with the new keys); then
   * keep only the person's `cap` newest.
   */
  async upsert(userId: string, endpoint: string, p256dh: string, auth: string, cap: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await sql`
        insert into push_subscriptions (endpoint, user_id, p256dh, auth) values (${endpoint}, ${userId}, ${p256dh}, ${auth})
        on conflict (endpoint) do update set user_id = excluded.user_id, p256dh = excluded.p256dh,
          auth = excluded.auth, created_at = now()`.execute(tx);
      await sql`
        delete from push_subscriptions where user_id = ${userId} and endpoint not in (
          select endpoint from push_subscriptions where user_id = ${userId}
          order by created_at desc, endpoint limit ${cap})`.execute(tx);
    });
  }

  /** Forget one of the person's subscriptions; false when it was not theirs. */
  async remove(userId: string, endpoint: string): Promise<boolean> {
    const r = await sql`delete from push_subscriptions where user_id = ${userId} and endpoint = ${endpoint}`.execute(
      this.db,
    );
    return Number(r.numAffectedRows ?? 0) > 0;
  }

  /** The push service said the subscription is gone (404/410). */
  async removeEndpoint(endpoint: string): Promise<void> {
    await sql`delete from push_subscriptions where endpoint = ${endpoint}`.execute(this.db);
  }

  /** A deleted account: its devices and its digest state. */
  async removeUser(userId: string): Promise<void> {
    await sql`delete from push_subscriptions where user_id = ${userId}`.execute(this.db);
    await sql`delete from digest_state where user_id = ${userId}`.execute(this.db);
  }

  async byEndpoint(endpoint: string): Promise<PushSubscriptionRow | undefined> {
    const { rows } = await sql<PushSubscriptionRow>`
      select endpoint, user_id, p256dh, auth from push_subscriptions where endpoint = ${endpoint}`.execute(this.db);
    return rows[0];
  }

  /** How far the person has read the room (0: nothing). */
  async readSeq(userId: string, roomId: string): Promise<number> {
    const { rows } = await sql<{ seq: number }>`
      select seq::int as seq from read_positions where user_id = ${userId} and room_id = ${roomId}`.execute(this.db);
    return rows[0]?.seq ?? 0;
  }

  async ofUsers(userIds: string[]): Promise<PushSubscriptionRow[]> {
    if (!userIds.length) return [];
    const { rows } = await sql<PushSubscriptionRow>`
      select endpoint, user_id, p256dh, auth from push_subscriptions
      where user_id = any(${userIds}::text[]) order by user_id, created_at`.execute(this.db);
    return rows;
  }

  /** The message's text now (it may have been edited or deleted since it was queued). */
  async messageNow(roomId: string, seq: number): Promise<{ text: string; deleted: boolean } | undefined> {
    const { rows } = await sql<{ text: string; deleted: boolean }>`
      select text, deleted from messages where room_id = ${roomId} and seq = ${seq}`.execute(this.db);
    return rows[0];
  }

  /**
   * Up to `limit` members of the room with at least one device whose level is `all` (or unset,
   * when the kind's default is `all`): whom a message that mentions nobody could be pushed to.
   * Plan (docs/performance.md, "The push audience"): the room's members by room_members' key
   * (`offset 0` keeps the planner from a sequential scan it hopes the limit ends early), one probe
   * of push_subscriptions_user each.
   */
  async audience(roomId: string, defaultAll: boolean, limit: number): Promise<{ user_id: string }[]> {
    const { rows } = await sql<{ user_id: string }>`
      select m.user_id
      from (select user_id, notify_level from room_members where room_id = ${roomId} offset 0) m
      where coalesce(m.notify_level, ${defaultAll ? 'all' : 'mentions'}) = 'all'
        and exists (select 1 from push_subscriptions s where s.user_id = m.user_id)
      limit ${limit}`.execute(this.db);
    return rows;
  }

  /**
   * The members of the room (and the mentioned, who may see the room without a membership row:
   * the lobby) who have at least one subscription, but not `senderId`, with their level and
   * read position now. Plan (docs/performance.md, "Push and digest recipients"): the members by
   * room_members' key, each one's devices by push_subscriptions_user, the read positions of the
   * room by read_positions_room.
   */
  async recipients(roomId: string, senderId: string, mentioned: string[]): Promise<PushRecipientRow[]> {
    const { rows } = await sql<PushRecipientRow>`
      select u.user_id, m.notify_level, coalesce(rp.seq, 0)::int as read_seq, r.kind, r.name as room_name
      from (
        select user_id from room_members where room_id = ${roomId}
        union select unnest(${mentioned}::text[])
      ) u
      join rooms r on r.id = ${roomId}
      left join room_members m on m.room_id = ${roomId} and m.user_id = u.user_id
      left join read_positions rp on rp.room_id = ${roomId} and rp.user_id = u.user_id
      -- one probe of push_subscriptions_user per member (limit 1: never a hash of every subscription)
      join lateral (select 1 from push_subscriptions s where s.user_id = u.user_id limit 1) s on true
      where u.user_id <> ${senderId}`.execute(this.db);
    return rows;
  }
}

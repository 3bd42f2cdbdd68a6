import { Kysely, sql } from 'kysely';

/**
 * Moderation (SPEC §8).
 *
 * - messages.deleted_by: `moderator` on a tombstone a moderator made (null: its author, or not deleted).
 * - room_mutes: who may not write in a room, until when (null: until lifted). A mute ends by
 *   itself: every check compares muted_until with the time, no sweeper needed; lifting one
 *   deletes the row. Kept apart from room_members so leaving and rejoining keeps it.
 * - room_bans: who may not be in a room (nor join it, nor be invited) until lifted.
 * - room_slow_mode: each member's last accepted message in a slow-mode room (one row per member
 *   and room, moved forward by one conditional upsert: exact with any number of gateways and
 *   chat processes, with PostgreSQL's clock alone).
 * - reports: one per (message, reporter) (reports_message_reporter, the 409 of a second one);
 *   the queue reads open reports oldest first (reports_queue: status, created_at, id — every
 *   room, for server moderators) or of the rooms one moderates (reports_room_queue: room_id
 *   first); resolving a message's other open reports goes by reports_message_reporter. Report
 *   and ban times are kept to the millisecond, so a page cursor (JavaScript time and id) is exact.
 * - messages_created_brin: messages of today (GET /api/admin/stats) — a BRIN index costs the
 *   hot insert path next to nothing (created_at grows with the table).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table messages add column deleted_by text check (deleted_by in ('moderator'))`.execute(db);
  await sql`
    create table room_mutes (
      room_id text not null references rooms (id) on delete cascade,
      user_id text not null,
      muted_until timestamptz,
      reason text,
      muted_by text not null,
      created_at timestamptz not null default now(),
      primary key (room_id, user_id)
    )`.execute(db);
  await sql`
    create table room_bans (
      room_id text not null references rooms (id) on delete cascade,
      user_id text not null,
      reason text,
      banned_by text not null,
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      primary key (room_id, user_id)
    )`.execute(db);
  await sql`create index room_bans_page on room_bans (room_id, created_at desc, user_id)`.execute(db);
  await sql`
    create table room_slow_mode (
      room_id text not null references rooms (id) on delete cascade,
      user_id text not null,
      posted_at timestamptz not null,
      primary key (room_id, user_id)
    )`.execute(db);
  await sql`
    create table reports (
      id uuid primary key default gen_random_uuid(),
      room_id text not null references rooms (id) on delete cascade,
      message_id uuid not null,
      message_sender_id text not null,
      reported_text text not null,
      reporter_id text not null,
      reason text not null,
      status text not null default 'open' check (status in ('open', 'resolved')),
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      resolved_at timestamptz,
      resolved_by jsonb,
      action text check (action in ('dismiss', 'delete', 'mute', 'ban')),
      note text,
      muted_until timestamptz
    )`.execute(db);
  await sql`create unique index reports_message_reporter on reports (message_id, reporter_id)`.execute(db);
  await sql`create index reports_queue on reports (status, created_at, id)`.execute(db);
  await sql`create index reports_room_queue on reports (room_id, status, created_at, id)`.execute(db);
  await sql`create index messages_created_brin on messages using brin (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists messages_created_brin`.execute(db);
  await sql`drop table if exists reports`.execute(db);
  await sql`drop table if exists room_slow_mode`.execute(db);
  await sql`drop table if exists room_bans`.execute(db);
  await sql`drop table if exists room_mutes`.execute(db);
  await sql`alter table messages drop column if exists deleted_by`.execute(db);
}

import { Kysely, sql } from 'kysely';

/**
 * Communities (SPEC §7): room kinds private and group, room settings, room roles, explicit
 * membership of public rooms.
 *
 * - rooms gain topic, archived, slow_mode_sec, post_policy and member_count (kept by the same
 *   statements that add and remove members, so listing rooms never counts).
 * - room_members gain role (owner/moderator/member) and joined_at.
 * - Public rooms become explicit membership: the lobby gets every (non-guest) user, other public
 *   rooms their creator (owner) and everyone who wrote in them; creators own their rooms.
 * - rooms_directory_name: the directory's order (public rooms by lower-cased name, then id) for
 *   keyset pages; rooms_directory_trgm: name substrings of 3+ characters (pg_trgm, as
 *   messages_text_trgm); rooms_directory_bigrams: two-character CJK words (no trigram in them; as
 *   messages_text_bigrams).
 * - room_members_room_role: members of a room by role then user (the members list, "is there
 *   another owner").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rooms drop constraint rooms_kind_check`.execute(db);
  await sql`
    alter table rooms
      add constraint rooms_kind_check check (kind in ('public', 'private', 'dm', 'group', 'bot')),
      add column topic text,
      add column archived boolean not null default false,
      add column slow_mode_sec integer not null default 0 check (slow_mode_sec >= 0),
      add column post_policy text not null default 'all' check (post_policy in ('all', 'moderators')),
      add column member_count integer not null default 0`.execute(db);
  await sql`
    alter table room_members
      add column role text not null default 'member' check (role in ('owner', 'moderator', 'member')),
      add column joined_at timestamptz not null default now()`.execute(db);

  await sql`
    insert into room_members (room_id, user_id)
    select 'lobby', u.id from chat_users u where not u.guest and exists (select 1 from rooms where id = 'lobby')
    on conflict do nothing`.execute(db);
  await sql`
    insert into room_members (room_id, user_id)
    select r.id, r.created_by from rooms r where r.kind = 'public' and r.created_by is not null
    on conflict do nothing`.execute(db);
  await sql`
    insert into room_members (room_id, user_id)
    select distinct m.room_id, m.sender_id from messages m join rooms r on r.id = m.room_id
    where r.kind = 'public' and not m.sender_bot and m.sender_id in (select id from chat_users)
    on conflict do nothing`.execute(db);
  await sql`
    update room_members rm set role = 'owner' from rooms r
    where r.id = rm.room_id and r.kind = 'public' and r.created_by = rm.user_id`.execute(db);
  await sql`
    update rooms r set member_count = (select count(*) from room_members m where m.room_id = r.id)`.execute(db);

  await sql`create index rooms_directory_name on rooms (lower(name), id) where kind = 'public'`.execute(db);
  await sql`create index rooms_directory_trgm on rooms using gin (lower(name) gin_trgm_ops) where kind = 'public'`.execute(
    db,
  );
  await sql`create index rooms_directory_bigrams on rooms using gin (hihi_cjk_bigrams(name)) where kind = 'public'`.execute(
    db,
  );
  await sql`create index room_members_room_role on room_members (room_id, role, user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists room_members_room_role`.execute(db);
  await sql`drop index if exists rooms_directory_bigrams`.execute(db);
  await sql`drop index if exists rooms_directory_trgm`.execute(db);
  await sql`drop index if exists rooms_directory_name`.execute(db);
  await sql`alter table room_members drop column role, drop column joined_at`.execute(db);
  await sql`
    alter table rooms drop column topic, drop column archived, drop column slow_mode_sec,
      drop column post_policy, drop column member_count`.execute(db);
  await sql`delete from rooms where kind in ('private', 'group')`.execute(db);
  await sql`alter table rooms drop constraint rooms_kind_check`.execute(db);
  await sql`alter table rooms add constraint rooms_kind_check check (kind in ('public', 'dm', 'bot'))`.execute(db);
}

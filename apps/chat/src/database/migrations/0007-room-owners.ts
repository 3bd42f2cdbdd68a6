import { Kysely, sql } from 'kysely';

/**
 * room_members_room_role (0006) covered user_id too, so the planner could read "the rooms of a
 * user" through it instead of room_members_user: replaced by what it was for — the owners of a
 * room (a room always keeps one: MembersService counts them). The members list reads a room's
 * members by the primary key (room_id, user_id) and orders them by role.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists room_members_room_role`.execute(db);
  await sql`create index room_members_owners on room_members (room_id) where role = 'owner'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists room_members_owners`.execute(db);
  await sql`create index room_members_room_role on room_members (room_id, role, user_id)`.execute(db);
}

import { Kysely, sql } from 'kysely';

/**
 * One's own account (SPEC §10): chat's projection of users gains the avatar and whether the
 * account was deleted; each membership its notification level (null: the room kind's default);
 * the export and the deletion read a person's uploads by uploader (a person's messages by sender
 * go through messages_idempotency (sender_id, client_msg_id)).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table chat_users add column avatar_url text`.execute(db);
  await sql`alter table chat_users add column deleted boolean not null default false`.execute(db);
  await sql`alter table room_members add column notify_level text
    check (notify_level in ('all', 'mentions', 'none'))`.execute(db);
  await sql`create index attachments_uploader on attachments (uploader_id, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists attachments_uploader`.execute(db);
  await sql`alter table room_members drop column if exists notify_level`.execute(db);
  await sql`alter table chat_users drop column if exists deleted`.execute(db);
  await sql`alter table chat_users drop column if exists avatar_url`.execute(db);
}

import { Kysely, sql } from 'kysely';

/**
 * Uploads (POST /api/uploads): the metadata of every stored file. An upload belongs to its
 * uploader until a message claims it (room_id and client_msg_id set by the send, then
 * message_seq once the message is stored); from then on the room's members may read it. Uploads
 * never attached are forgotten by the sweep (attachments_unattached) and their bytes deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table attachments (
      id text primary key,
      uploader_id text not null,
      name text not null,
      size bigint not null,
      content_type text not null,
      width int,
      height int,
      storage_key text not null,
      room_id text references rooms (id) on delete cascade,
      client_msg_id text,
      message_seq bigint,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index attachments_unattached on attachments (created_at) where message_seq is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists attachments`.execute(db);
}

import { Kysely, sql } from 'kysely';

/**
 * Conversations: edits, deletions (tombstones), replies, reactions, attachments and mentions,
 * and the room event counter that lets a client catch up on the changes it missed
 * (docs/protocol.md, "Catching up on changes").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rooms add column last_event bigint not null default 0`.execute(db);
  await sql`update rooms set last_event = last_seq`.execute(db);
  await sql`
    alter table messages
      add column event bigint not null default 0,
      add column changed_event bigint,
      add column edited_at timestamptz,
      add column deleted boolean not null default false,
      add column reply_to uuid,
      add column reactions jsonb,
      add column attachments jsonb,
      add column mentions text[]`.execute(db);
  // messages stored before events existed: their creation event is their seq (last_event = last_seq above)
  await sql`update messages set event = seq`.execute(db);
  await sql`create index messages_changes on messages (room_id, changed_event) where changed_event is not null`.execute(
    db,
  );
  await sql`
    create table message_mentions (
      user_id text not null,
      room_id text not null references rooms (id) on delete cascade,
      seq bigint not null,
      primary key (user_id, room_id, seq)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists message_mentions`.execute(db);
  await sql`drop index if exists messages_changes`.execute(db);
  await sql`
    alter table messages
      drop column event, drop column changed_event, drop column edited_at, drop column deleted,
      drop column reply_to, drop column reactions, drop column attachments, drop column mentions`.execute(db);
  await sql`alter table rooms drop column last_event`.execute(db);
}

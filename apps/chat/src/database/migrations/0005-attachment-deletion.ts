import { Kysely, sql } from 'kysely';

/**
 * Files of deleted messages: deleting a message marks its uploads deleted (no one may read them
 * from then on) and detaches them (message_seq null), so the sweep forgets them and deletes their
 * bytes like any upload never attached.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table attachments add column deleted_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table attachments drop column deleted_at`.execute(db);
}

import { Kysely, sql } from 'kysely';

/**
 * The email digest (SPEC §10): per person, up to when their unread messages were already
 * considered for a digest (`digested_until`: never mailed twice; advanced also when auth skipped
 * the mail, so opting in later does not mail an old backlog) and when the last mail went out
 * (`sent_at`: at most one per DIGEST_DELAY_SEC). Read and written by person (the primary key).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table digest_state (
      user_id text primary key,
      digested_until timestamptz not null,
      sent_at timestamptz
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists digest_state`.execute(db);
}

import { Kysely, sql } from 'kysely';

/**
 * The email digest (SPEC §10): per person, up to when their unread messages were already
 * considered for a digest (`digested_until`: never mailed twice; advanced also when auth skipped
 * the mail, so opting in later does not mail an old backlog) and when the last mail went out
 * (`sent_at`: at most one per DIGEST_DELAY_SEC). Read and written by person (the primary key).
 *
 * read_positions_room (room_id): the read positions of one room's members, which the
 * push recipients query (PushRepository.recipients) reads for every new message; the key
 * (user_id, room_id) cannot, and at 1,000 members the plan seq-scanned read_positions
 * (docs/performance.md, "Push and digest recipients"). `seq` is not in it, so moving a read
 * position stays a HOT update.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table digest_state (
      user_id text primary key,
      digested_until timestamptz not null,
      sent_at timestamptz
    )`.execute(db);
  await sql`create index read_positions_room on read_positions (room_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists read_positions_room`.execute(db);
  await sql`drop table if exists digest_state`.execute(db);
}

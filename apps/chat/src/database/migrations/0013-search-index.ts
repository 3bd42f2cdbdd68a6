import { Kysely, sql } from 'kysely';

/**
 * Search indexing off the message write path (issue 24, docs/performance.md "Real path vs bare
 * ws"): the two GIN indexes of migration 0003 cost ≈ 190 µs of PostgreSQL per stored row, paid
 * inside the send's statement. They move, with the newest-first b-tree that only search uses, onto
 * a copy of the searchable columns that chat's indexer (apps/chat/src/search/search-indexer.ts)
 * fills a moment later:
 * - message_search: one row per live (not deleted) message — id, room, seq, created_at, text —
 *   with message_search_text_trgm, message_search_text_bigrams and message_search_newest (as
 *   messages_text_trgm, messages_text_bigrams and messages_newest were), and message_search_room
 *   (room_id, created_at desc, seq desc) for a search in one room (`roomId`): its newest messages
 *   for a common term, where messages' primary key (room_id, seq) served before; these indexes
 *   cost the indexer, not the send. A message's row goes when
 *   the message does (on delete cascade); a deletion (tombstone) or an edit is applied by the
 *   indexer. Search re-checks the text and the tombstone on the live row, so only new text waits.
 * - search_queue: the ids still to index, a heap without indexes (an insert into it is a heap
 *   append). A statement-level trigger fills it once per insert statement (a group-commit batch)
 *   from the transition table; a row trigger when an update changes text or deleted. The indexer
 *   deletes the rows it applied in the same transaction: the queue is the durable cursor.
 * - messages_created_brin (0008) still serves "messages today"; nothing else read messages_newest.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table message_search (
      id uuid primary key references messages (id) on delete cascade,
      room_id text not null,
      seq bigint not null,
      created_at timestamptz not null,
      text text not null
    )`.execute(db);
  await sql`create table search_queue (message_id uuid not null)`.execute(db);
  await sql`
    create function hihi_search_enqueue_inserted() returns trigger language plpgsql as $$
    begin
      insert into search_queue (message_id) select id from inserted;
      return null;
    end $$`.execute(db);
  await sql`
    create function hihi_search_enqueue_changed() returns trigger language plpgsql as $$
    begin
      insert into search_queue (message_id) values (new.id);
      return null;
    end $$`.execute(db);
  // the triggers first, then the copy: a message stored meanwhile is queued (the migration holds
  // the migrator's lock, but chat processes of the previous version may still be writing)
  await sql`
    create trigger messages_search_inserted after insert on messages
    referencing new table as inserted for each statement execute function hihi_search_enqueue_inserted()`.execute(db);
  await sql`
    create trigger messages_search_changed after update of text, deleted on messages for each row
    when (old.text is distinct from new.text or old.deleted is distinct from new.deleted)
    execute function hihi_search_enqueue_changed()`.execute(db);
  await sql`
    insert into message_search (id, room_id, seq, created_at, text)
    select id, room_id, seq, created_at, text from messages where not deleted`.execute(db);
  await sql`create index message_search_text_trgm on message_search using gin (text gin_trgm_ops)`.execute(db);
  await sql`create index message_search_text_bigrams on message_search using gin (hihi_cjk_bigrams(text))`.execute(db);
  await sql`create index message_search_newest on message_search (created_at desc, room_id desc, seq desc)`.execute(db);
  await sql`create index message_search_room on message_search (room_id, created_at desc, seq desc)`.execute(db);
  await sql`drop index if exists messages_newest`.execute(db);
  await sql`drop index if exists messages_text_bigrams`.execute(db);
  await sql`drop index if exists messages_text_trgm`.execute(db);
  await sql`analyze message_search`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists messages_text_trgm on messages using gin (text gin_trgm_ops)`.execute(db);
  await sql`create index if not exists messages_text_bigrams on messages using gin (hihi_cjk_bigrams(text))`.execute(
    db,
  );
  await sql`create index if not exists messages_newest on messages (created_at desc, room_id desc, seq desc)`.execute(
    db,
  );
  await sql`drop trigger if exists messages_search_changed on messages`.execute(db);
  await sql`drop trigger if exists messages_search_inserted on messages`.execute(db);
  await sql`drop function if exists hihi_search_enqueue_changed()`.execute(db);
  await sql`drop function if exists hihi_search_enqueue_inserted()`.execute(db);
  await sql`drop table if exists search_queue`.execute(db);
  await sql`drop table if exists message_search`.execute(db);
}

import { Kysely, sql } from 'kysely';

/**
 * Search (GET /api/search), measured in docs/performance.md ("Search"):
 * - messages_text_trgm: pg_trgm's GIN index on the text. It finds substrings in any script (the
 *   database's C.UTF-8 ctype counts CJK characters as word characters), so `ilike '%小黄鸭%'`
 *   is an index lookup; word-based full-text search cannot find 黄鸭 inside 小黄鸭你好.
 *   A term needs 3 characters to make a trigram.
 * - messages_text_bigrams: two-character Chinese (Japanese, Korean …) words are the most common
 *   queries and have no trigram: a GIN index of the distinct lower-cased non-ASCII bigrams of the
 *   text (as pg_bigm does; ASCII-only text has none, so English costs nothing here).
 * - messages_newest: the result order (newest first) for keyset pages, and for terms so common
 *   or so short (one character, two ASCII letters) that walking the newest messages finds a page
 *   sooner than any index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`
    create function hihi_cjk_bigrams(t text) returns text[]
    language sql immutable strict parallel safe cost 100 as $$
      select case when octet_length(t) = length(t) then '{}'::text[] else coalesce((
        select array_agg(distinct b) from (
          select substr(s.l, i, 2) as b from (select lower(t) as l) s, generate_series(1, length(s.l) - 1) as i) x
        where octet_length(b) > 2 and b !~ '\\s'), '{}'::text[]) end
    $$`.execute(db);
  await sql`create index messages_text_trgm on messages using gin (text gin_trgm_ops)`.execute(db);
  await sql`create index messages_text_bigrams on messages using gin (hihi_cjk_bigrams(text))`.execute(db);
  await sql`create index messages_newest on messages (created_at desc, room_id desc, seq desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists messages_newest`.execute(db);
  await sql`drop index if exists messages_text_bigrams`.execute(db);
  await sql`drop index if exists messages_text_trgm`.execute(db);
  await sql`drop function if exists hihi_cjk_bigrams(text)`.execute(db);
}

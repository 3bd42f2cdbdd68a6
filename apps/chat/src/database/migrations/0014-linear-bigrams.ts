import { Kysely, sql } from 'kysely';

/**
 * hihi_cjk_bigrams (0003) in linear time. 0003 took each bigram with `substr(l, i, 2)`, and
 * `substr` on multibyte text walks from the start every time: quadratic in the length. A
 * 4,000-character Chinese message (the longest a send takes) cost PostgreSQL ~1 s of CPU in the
 * search indexer (and again on every edit), so one member sending long messages could keep a core
 * busy. This splits the text into its characters once (`string_to_array(…, null)`) and pairs
 * each with the next (`lead`): ~7 ms for the same message (docs/performance.md).
 *
 * The result is the same array for every text (test/medium/search.medium-spec.ts compares both
 * on a corpus), so the expression indexes built on it (message_search_text_bigrams,
 * rooms_directory_bigrams) stay valid and are not rebuilt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function hihi_cjk_bigrams(t text) returns text[]
    language sql immutable strict parallel safe cost 100 as $$
      select case when octet_length(t) = length(t) then '{}'::text[] else coalesce((
        select array_agg(distinct b) from (
          select c || lead(c) over (order by i) as b
          from unnest(string_to_array(lower(t), null)) with ordinality as u(c, i)) x
        where octet_length(b) > 2 and b !~ '\\s'), '{}'::text[]) end
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function hihi_cjk_bigrams(t text) returns text[]
    language sql immutable strict parallel safe cost 100 as $$
      select case when octet_length(t) = length(t) then '{}'::text[] else coalesce((
        select array_agg(distinct b) from (
          select substr(s.l, i, 2) as b from (select lower(t) as l) s, generate_series(1, length(s.l) - 1) as i) x
        where octet_length(b) > 2 and b !~ '\\s'), '{}'::text[]) end
    $$`.execute(db);
}

import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DB, Db } from '../database/database';
import { MESSAGE_COLUMNS, MessageRow } from './message-rows';
import { likePattern } from '../search/excerpt';

/** A two-character term with a non-ASCII character: found through message_search_text_bigrams (no trigram in it). */
export function isIndexedBigram(term: string): boolean {
  const chars = [...term];
  return chars.length === 2 && chars.some((c) => c.codePointAt(0)! > 0x7f);
}

/** Where a page of results starts: strictly older than this (created_at in µs since the epoch, room, seq). */
export interface SearchPosition {
  createdAtUs: string;
  roomId: string;
  seq: number;
}

export interface SearchFilter {
  userId: string;
  /** the lobby too (users, not guests: everyone signed in is in it) */
  includeLobby: boolean;
  /** only this room (access already checked) */
  roomId?: string;
  /** the query's terms (searchTerms): a message matches when it contains all of them, case-insensitively */
  terms: string[];
  after?: SearchPosition;
  limit: number;
}

/** A result row: the message, its room's name as the searcher sees it, and its keyset position. */
export interface SearchRow extends MessageRow {
  room_name: string;
  created_at_us: string;
}

/** The transaction-level advisory lock of the indexer: one indexer at a time across chat processes ('hihi-idx'). */
export const SEARCH_INDEXER_LOCK = '7523659453441860728';

/** What one indexing statement did. */
export interface IndexedBatch {
  /** queue rows taken (and removed) */
  taken: number;
  /** message_search rows written (new messages, edits) */
  upserted: number;
  /** message_search rows removed (deleted messages) */
  removed: number;
}

/**
 * Message search over message_search (migration 0013), the searchable copy of the live messages
 * that the indexer keeps (SearchIndexer). `text ilike '%term%'` is served by the trigram index
 * message_search_text_trgm (terms of 3+ characters), two-character CJK terms by
 * message_search_text_bigrams, the order and the pages by message_search_newest (created_at,
 * room_id, seq) — the planner walks that one for common or short terms and takes the GIN bitmaps
 * for rare ones (docs/performance.md "Search"). Every term is checked again on the live row, and
 * its tombstone: an edit is never found by its old text, a deleted message is hidden at once; only
 * a new message's text waits for the indexer (≤ ~2 s).
 */
@Injectable()
export class SearchRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** The search statement (EXPLAINed by test/medium/search.medium-spec.ts). */
  query(f: SearchFilter) {
    const matches = sql.join(
      f.terms.map((t) =>
        isIndexedBigram(t)
          ? sql`(hihi_cjk_bigrams(s.text) @> array[lower(${t})] and s.text ilike ${likePattern(t)} and m.text ilike ${likePattern(t)})`
          : sql`(s.text ilike ${likePattern(t)} and m.text ilike ${likePattern(t)})`,
      ),
      sql` and `,
    );
    const scope = f.roomId
      ? sql`s.room_id = ${f.roomId}`
      : sql`(s.room_id in (select room_id from room_members where user_id = ${f.userId})
             or (${f.includeLobby} and s.room_id = 'lobby'))`;
    const after = f.after
      ? sql`and (s.created_at, s.room_id, s.seq) <
              (timestamptz 'epoch' + ${f.after.createdAtUs}::bigint * interval '1 microsecond', ${f.after.roomId}, ${f.after.seq}::bigint)`
      : sql``;
    return sql<SearchRow>`
      select ${MESSAGE_COLUMNS},
        ((extract(epoch from m.created_at) * 1000000)::bigint)::text as created_at_us,
        case when rm.kind = 'dm' then coalesce((
          select u.display_name from room_members pm join chat_users u on u.id = pm.user_id
          where pm.room_id = rm.id and pm.user_id <> ${f.userId} limit 1), rm.name) else rm.name end as room_name
      from message_search s
        join rooms rm on rm.id = s.room_id
        -- the live row, looked up per candidate (offset 0: the re-checks below are not pushed into
        -- a scan of messages, which has no text index — message_search always leads)
        cross join lateral (select * from messages m where m.id = s.id offset 0) m
        left join messages r on r.id = m.reply_to
      where ${matches} and not m.deleted and ${scope} ${after}
      order by s.created_at desc, s.room_id desc, s.seq desc
      limit ${f.limit}`;
  }

  async search(f: SearchFilter, db: Db = this.db): Promise<SearchRow[]> {
    const { rows } = await this.query(f).execute(db);
    return rows;
  }

  /**
   * Index up to `limit` queued messages in one transaction: under the indexer's advisory lock
   * (another chat process indexing → undefined, nothing done), take queue rows `for update skip
   * locked`, copy the live messages into message_search (an edit overwrites its text), remove the
   * deleted (or gone) ones, and delete the queue rows taken — all or nothing, so a process killed
   * at any point leaves the queue as it was and the next run does the same work again (idempotent).
   */
  async indexQueued(limit: number): Promise<IndexedBatch | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const lock = await sql<{ ok: boolean }>`
        select pg_try_advisory_xact_lock(${SEARCH_INDEXER_LOCK}::bigint) as ok`.execute(tx);
      if (!lock.rows[0]?.ok) return undefined;
      const { rows } = await sql<IndexedBatch>`
        with picked as (
          select ctid as c, message_id from search_queue limit ${limit} for update skip locked
        ),
        taken as (
          delete from search_queue where ctid = any(array(select c from picked)) returning message_id
        ),
        ids as (select distinct message_id as id from taken),
        upserted as (
          insert into message_search (id, room_id, seq, created_at, text)
          select m.id, m.room_id, m.seq, m.created_at, m.text from messages m join ids on ids.id = m.id
          where not m.deleted
          on conflict (id) do update set text = excluded.text where message_search.text is distinct from excluded.text
          returning 1
        ),
        removed as (
          delete from message_search s using ids
          where s.id = ids.id and not exists (select 1 from messages m where m.id = s.id and not m.deleted)
          returning 1
        )
        select (select count(*) from taken)::int as taken, (select count(*) from upserted)::int as upserted,
               (select count(*) from removed)::int as removed`.execute(tx);
      return rows[0];
    });
  }
}

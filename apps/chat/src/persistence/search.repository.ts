import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DB, Db } from '../database/database';
import { MESSAGE_COLUMNS, MessageRow } from './message-rows';
import { likePattern } from '../search/excerpt';

/** A two-character term with a non-ASCII character: found through messages_text_bigrams (no trigram in it). */
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

/**
 * Message search. `text ilike '%term%'` is served by the trigram index messages_text_trgm
 * (terms of 3+ characters), two-character CJK terms by messages_text_bigrams, the order and the
 * pages by messages_newest (created_at, room_id, seq) — the planner walks that one for common or
 * short terms and takes the GIN bitmaps for rare ones (migration 0003, docs/performance.md
 * "Search"). Deleted messages (tombstones) never match.
 */
@Injectable()
export class SearchRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async search(f: SearchFilter, db: Db = this.db): Promise<SearchRow[]> {
    const matches = sql.join(
      f.terms.map((t) =>
        isIndexedBigram(t)
          ? sql`(hihi_cjk_bigrams(m.text) @> array[lower(${t})] and m.text ilike ${likePattern(t)})`
          : sql`m.text ilike ${likePattern(t)}`,
      ),
      sql` and `,
    );
    const scope = f.roomId
      ? sql`m.room_id = ${f.roomId}`
      : sql`(m.room_id in (select room_id from room_members where user_id = ${f.userId})
             or (${f.includeLobby} and m.room_id = 'lobby'))`;
    const after = f.after
      ? sql`and (m.created_at, m.room_id, m.seq) <
              (timestamptz 'epoch' + ${f.after.createdAtUs}::bigint * interval '1 microsecond', ${f.after.roomId}, ${f.after.seq}::bigint)`
      : sql``;
    const { rows } = await sql<SearchRow>`
      select ${MESSAGE_COLUMNS},
        ((extract(epoch from m.created_at) * 1000000)::bigint)::text as created_at_us,
        case when rm.kind = 'dm' then coalesce((
          select u.display_name from room_members pm join chat_users u on u.id = pm.user_id
          where pm.room_id = rm.id and pm.user_id <> ${f.userId} limit 1), rm.name) else rm.name end as room_name
      from messages m
        join rooms rm on rm.id = m.room_id
        left join messages r on r.id = m.reply_to
      where ${matches} and not m.deleted and ${scope} ${after}
      order by m.created_at desc, m.room_id desc, m.seq desc
      limit ${f.limit}`.execute(db);
    return rows;
  }
}

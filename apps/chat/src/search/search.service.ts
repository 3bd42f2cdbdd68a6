import { ReadReplica } from '../database/read-replica';
import { Injectable, Optional } from '@nestjs/common';
import { SEARCH, SearchQuery, SearchReply } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { AccessService } from '../access/access.service';
import { Actor } from '../access/actor';
import { SearchPosition, SearchRepository, SearchRow } from '../persistence/search.repository';
import { toMessage } from '../persistence/message-rows';
import { excerptOf, searchTerms } from './excerpt';

/** The opaque cursor of the next page: the last result's keyset position, base64url JSON. */
export function encodeCursor(p: SearchPosition): string {
  return Buffer.from(JSON.stringify([p.createdAtUs, p.roomId, p.seq])).toString('base64url');
}

export function decodeCursor(cursor: string): SearchPosition {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 3 &&
      typeof v[0] === 'string' &&
      /^-?\d{1,20}$/.test(v[0]) &&
      typeof v[1] === 'string' &&
      v[1].length <= 128 &&
      Number.isSafeInteger(v[2]) &&
      (v[2] as number) >= 0
    ) {
      return { createdAtUs: v[0], roomId: v[1], seq: v[2] as number };
    }
  } catch {
    // fall through
  }
  throw new BusError('validation', 'cursor must be a nextCursor answered by a previous search');
}

/**
 * Search the messages of the rooms the caller is a member of (membership is read in the same
 * statement: a removed member finds nothing of the room from that moment), or of one room they
 * may see (`roomId`, asked of AccessService: 404 for a private room of others). Newest first,
 * keyset pages.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly access: AccessService,
    private readonly repo: SearchRepository,
    @Optional() private readonly replica?: ReadReplica,
  ) {}

  async search(actor: Actor, query: SearchQuery): Promise<SearchReply> {
    const terms = searchTerms(query.q);
    if (!terms.length) throw new BusError('validation', 'q must not be empty');
    if (query.roomId) await this.access.require(actor, query.roomId, 'view');
    const limit = Math.min(query.limit ?? SEARCH.limitDefault, SEARCH.limitMax);
    const db = await this.replica?.caughtUp();
    const rows = await this.repo.search(
      {
        userId: actor.id,
        includeLobby: actor.kind === 'user',
        roomId: query.roomId,
        terms,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: limit + 1,
      },
      db,
    );
    const page = rows.slice(0, limit);
    const last: SearchRow | undefined = page[page.length - 1];
    return {
      results: page.map((row) => ({
        message: toMessage(row),
        roomId: row.room_id,
        roomName: row.room_name,
        ...excerptOf(row.text, terms),
      })),
      ...(rows.length > limit && last
        ? { nextCursor: encodeCursor({ createdAtUs: last.created_at_us, roomId: last.room_id, seq: last.seq }) }
        : {}),
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Selectable, sql } from 'kysely';
import type { UploadRecord } from '@hihi/contracts';
import { DB, Db } from '../database/database';
import type { AttachmentsTable, StoredAttachment } from '../database/schema';

/** An attachments row as the queries here select it (`select *`, without created_at). */
export type AttachmentRow = Omit<Selectable<AttachmentsTable>, 'created_at' | 'client_msg_id'>;

/** The metadata snapshot a message carries (messages.attachments). */
export function storedAttachment(row: AttachmentRow): StoredAttachment {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    contentType: row.content_type,
    ...(row.width ? { width: row.width } : {}),
    ...(row.height ? { height: row.height } : {}),
  };
}

/** Uploads' metadata (migration 0004): by primary key, and the sweep by attachments_unattached. */
@Injectable()
export class AttachmentsRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async create(uploaderId: string, u: UploadRecord): Promise<AttachmentRow> {
    const { rows } = await sql<AttachmentRow>`
      insert into attachments (id, uploader_id, name, size, content_type, width, height, storage_key)
      values (${u.id}, ${uploaderId}, ${u.name}, ${u.size}, ${u.contentType}, ${u.width ?? null}, ${u.height ?? null},
              ${u.storageKey})
      returning *`.execute(this.db);
    return rows[0];
  }

  async find(id: string): Promise<AttachmentRow | undefined> {
    const { rows } = await sql<AttachmentRow>`select * from attachments where id = ${id}`.execute(this.db);
    return rows[0];
  }

  /**
   * Claim uploads for a message in one statement: each must be the sender's and not claimed by
   * another message (the same message sent again claims them again: idempotent). Answers the
   * claimed rows, in the order of `ids`; fewer than asked means some could not be claimed and
   * nothing was changed.
   */
  async claim(ids: string[], uploaderId: string, roomId: string, clientMsgId: string): Promise<AttachmentRow[]> {
    return this.db.transaction().execute(async (tx) => {
      const { rows } = await sql<AttachmentRow>`
        update attachments set room_id = ${roomId}, client_msg_id = ${clientMsgId}
        where id = any(${ids}::text[]) and uploader_id = ${uploaderId} and deleted_at is null
          and (room_id is null or (room_id = ${roomId} and client_msg_id = ${clientMsgId}))
        returning *`.execute(tx);
      // throwing rolls the transaction back: nothing claimed
      if (rows.length !== ids.length) throw new ClaimRefused();
      return ids.map((id) => rows.find((r) => r.id === id)!);
    });
  }

  /** The message is stored: its room's members may read the uploads from now on. */
  async attached(ids: string[], roomId: string, seq: number): Promise<void> {
    await sql`update attachments set message_seq = ${seq} where id = any(${ids}::text[]) and room_id = ${roomId}`.execute(
      this.db,
    );
  }

  /** Forget uploads never attached to a stored message that are older than `olderThanSec`; answers their storage keys. */
  async sweep(olderThanSec: number, limit = 1000): Promise<string[]> {
    const { rows } = await sql<{ storage_key: string }>`
      delete from attachments where id in (
        select id from attachments
        where message_seq is null and created_at < now() - ${olderThanSec} * interval '1 second'
        limit ${limit})
      returning storage_key`.execute(this.db);
    return rows.map((r) => r.storage_key);
  }
}

/** Some uploads were not the sender's, unknown, or attached to another message. */
export class ClaimRefused extends Error {
  constructor() {
    super('attachments must be your own uploads, not attached to another message');
  }
}

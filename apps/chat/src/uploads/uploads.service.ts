import { Injectable } from '@nestjs/common';
import { Attachment, UploadOpenReply, UploadRecord } from '@hihi/contracts';
import { ChatConfig } from '@hihi/config';
import { BusError } from '@hihi/common';
import {
  AttachmentRow,
  AttachmentsRepository,
  ClaimRefused,
  storedAttachment,
} from '../persistence/attachments.repository';
import { attachmentUrl } from '../persistence/message-rows';
import type { StoredAttachment } from '../database/schema';
import { AccessService } from '../access/access.service';
import { Actor } from '../access/actor';

function toAttachment(row: AttachmentRow): Attachment {
  return { ...storedAttachment(row), url: attachmentUrl(row.id) };
}

/**
 * Uploads' metadata and who may read them: the uploader until a stored message carries the
 * upload, then whoever may see that message's room (AccessService: `view`; to anyone else it
 * does not exist — 404, whatever the reason). The bytes are the
 * gateway's (its storage); chat never sees them.
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly repo: AttachmentsRepository,
    private readonly access: AccessService,
    private readonly config: ChatConfig,
  ) {}

  async create(actor: Actor, record: UploadRecord): Promise<Attachment> {
    if (actor.kind !== 'user')
      throw new BusError('forbidden', 'guests cannot upload files; please register or sign in');
    return toAttachment(await this.repo.create(actor.id, record));
  }

  async open(actor: Actor, id: string): Promise<UploadOpenReply> {
    const row = await this.repo.find(id);
    // the file of a deleted message is gone for everyone, its uploader too
    if (!row || row.deleted_at) throw new BusError('not_found', 'no such upload');
    if (row.message_seq === null || row.room_id === null) {
      // not attached yet: only its uploader; to anyone else it does not exist
      if (row.uploader_id !== actor.id) throw new BusError('not_found', 'no such upload');
    } else {
      if (!(await this.access.may(actor, row.room_id, 'view'))) throw new BusError('not_found', 'no such upload');
    }
    return { attachment: toAttachment(row), storageKey: row.storage_key };
  }

  /**
   * Claim the uploads a message carries (before it is stored; the same message sent again
   * claims them again) and answer the snapshot the message keeps.
   */
  async claim(uploaderId: string, roomId: string, clientMsgId: string, ids: string[]): Promise<StoredAttachment[]> {
    const unique = [...new Set(ids)];
    const max = this.config.UPLOAD_MAX_FILES_PER_MESSAGE;
    if (unique.length > max) throw new BusError('validation', `a message carries at most ${max} attachments`);
    try {
      return (await this.repo.claim(unique, uploaderId, roomId, clientMsgId)).map(storedAttachment);
    } catch (err) {
      if (err instanceof ClaimRefused) throw new BusError('validation', err.message);
      throw err;
    }
  }

  /** The message is stored: the room's members may read its uploads. */
  attached(ids: string[], roomId: string, seq: number): Promise<void> {
    return this.repo.attached([...new Set(ids)], roomId, seq);
  }

  sweep(olderThanSec: number): Promise<string[]> {
    return this.repo.sweep(olderThanSec);
  }
}

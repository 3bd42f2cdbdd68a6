import { Injectable } from '@nestjs/common';
import { Attachment, PublicUser, UploadOpenReply, UploadRecord } from '@hihi/contracts';
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
import { RoomsService } from '../rooms/rooms.service';

function toAttachment(row: AttachmentRow): Attachment {
  return { ...storedAttachment(row), url: attachmentUrl(row.id) };
}

/**
 * Uploads' metadata and who may read them: the uploader until a stored message carries the
 * upload, then whoever may use that message's room (RoomsService.accessible). The bytes are the
 * gateway's (its storage); chat never sees them.
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly repo: AttachmentsRepository,
    private readonly rooms: RoomsService,
    private readonly config: ChatConfig,
  ) {}

  async create(actor: PublicUser, record: UploadRecord): Promise<Attachment> {
    if (actor.guest) throw new BusError('forbidden', 'guests cannot upload files; please register or sign in');
    return toAttachment(await this.repo.create(actor.id, record));
  }

  async open(actor: PublicUser, id: string): Promise<UploadOpenReply> {
    const row = await this.repo.find(id);
    // the file of a deleted message is gone for everyone, its uploader too
    if (!row || row.deleted_at) throw new BusError('not_found', 'no such upload');
    if (row.message_seq === null || row.room_id === null) {
      // not attached yet: only its uploader; to anyone else it does not exist
      if (row.uploader_id !== actor.id) throw new BusError('not_found', 'no such upload');
    } else {
      await this.rooms.accessible(actor, row.room_id);
    }
    return { attachment: toAttachment(row), storageKey: row.storage_key };
  }

  /**
   * Claim the uploads a message carries (before it is stored; the same message sent again
   * claims them again) and answer the snapshot the message keeps.
   */
  async claim(actor: PublicUser, roomId: string, clientMsgId: string, ids: string[]): Promise<StoredAttachment[]> {
    const unique = [...new Set(ids)];
    const max = this.config.UPLOAD_MAX_FILES_PER_MESSAGE;
    if (unique.length > max) throw new BusError('validation', `a message carries at most ${max} attachments`);
    try {
      return (await this.repo.claim(unique, actor.id, roomId, clientMsgId)).map(storedAttachment);
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

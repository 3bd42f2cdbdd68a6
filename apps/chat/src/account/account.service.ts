import { Inject, Injectable, Logger } from '@nestjs/common';
import { sql } from 'kysely';
import {
  ChatExport,
  DELETED_USER,
  EXPORT_MAX_MESSAGES,
  ExportedFile,
  ExportedMessage,
  LOBBY_ROOM_ID,
  NotificationLevel,
  PublicUser,
  Room,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { DB, Db } from '../database/database';
import { UsersRepository } from '../persistence/users.repository';
import { RoomsRepository } from '../persistence/rooms.repository';
import { PushRepository } from '../persistence/push.repository';
import { RoomEventsPublisher } from '../events/room-events.publisher';
import { AccessService } from '../access/access.service';
import { Actor } from '../access/actor';
import { RoomsService, toRoom } from '../rooms/rooms.service';

interface OwnMessageRow {
  id: string;
  room_id: string;
  seq: number;
  text: string;
  created_at: Date;
  edited_at: Date | null;
  deleted: boolean;
  reply_to: string | null;
  attachments: { id: string }[] | null;
}

interface OwnFileRow {
  id: string;
  name: string;
  size: number;
  content_type: string;
  created_at: Date;
  room_id: string | null;
  message_seq: number | null;
}

/**
 * Chat's side of one's own account (SPEC §10): the users projection follows profile changes (and
 * the person's rooms are told, `user:updated`), a deleted account's messages are shown from
 * "deleted user", the export of one's rooms, own messages and own files' metadata, and the
 * per-room notification level.
 */
@Injectable()
export class ChatAccountService {
  private readonly logger = new Logger('ChatAccount');

  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly users: UsersRepository,
    private readonly rooms: RoomsRepository,
    private readonly roomsService: RoomsService,
    private readonly events: RoomEventsPublisher,
    private readonly access: AccessService,
    private readonly push: PushRepository,
  ) {}

  /** The projection takes the new profile; every room of the person hears `user:updated`. */
  async userUpdated(user: PublicUser): Promise<void> {
    if (user.guest) throw new BusError('forbidden', 'guests have no profile');
    await this.users.upsert(user);
    const ids = new Set(await this.rooms.roomIdsOf(user.id));
    ids.add(LOBBY_ROOM_ID);
    const publicUser: PublicUser = {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      guest: false,
      ...(user.avatarUrl ? { avatarUrl: user.avatarUrl } : {}),
    };
    await Promise.all(
      [...ids].map((roomId) => this.events.publish({ type: 'user:updated', roomId, user: publicUser })),
    );
  }

  async userDeleted(userId: string): Promise<void> {
    const renamed = await this.users.markDeleted(userId, DELETED_USER.username, DELETED_USER.displayName);
    await this.push.removeUser(userId);
    this.logger.log({ userId, messages: renamed }, 'account deleted: its messages are shown from "deleted user"');
  }

  /** The caller's rooms, their own messages (newest EXPORT_MAX_MESSAGES) and their own files' metadata. */
  async export(actor: Actor): Promise<ChatExport> {
    if (actor.kind !== 'user') throw new BusError('forbidden', 'only accounts can export their data');
    const rooms = (await this.rooms.visible(actor.id, true)).map(toRoom);
    const { rows: messages } = await sql<OwnMessageRow>`
      select id, room_id, seq, text, created_at, edited_at, deleted, reply_to, attachments
      from messages where sender_id = ${actor.id}
      order by created_at desc limit ${EXPORT_MAX_MESSAGES + 1}`.execute(this.db);
    const { rows: files } = await sql<OwnFileRow>`
      select id, name, size, content_type, created_at, room_id, message_seq
      from attachments where uploader_id = ${actor.id} and deleted_at is null
      order by created_at`.execute(this.db);
    const truncated = messages.length > EXPORT_MAX_MESSAGES;
    return {
      rooms: rooms.map((r: Room) => ({
        id: r.id,
        name: r.name,
        kind: r.kind,
        role: r.role ?? 'member',
        notifications: r.notifications ?? 'mentions',
      })),
      messages: messages.slice(0, EXPORT_MAX_MESSAGES).reverse().map(exportedMessage),
      files: files.map(exportedFile),
      ...(truncated ? { truncated: true } : {}),
    };
  }

  /** Set the caller's level for a room they can see; their other sockets hear `room:updated`. */
  async setNotifications(actor: Actor, roomId: string, level: NotificationLevel): Promise<Room> {
    if (actor.kind === 'bot') throw new BusError('forbidden', 'bots have no notifications');
    await this.access.require(actor, roomId, 'view');
    if (!(await this.rooms.setNotifyLevel(roomId, actor.id, level)))
      throw new BusError('not_found', 'join the room to set its notifications');
    // a member fact: who a message of the room may be pushed to (PushAudience)
    await this.access.changed(roomId);
    const room = await this.roomsService.viewOf(actor.id, roomId);
    await this.events.publish({ type: 'room:updated', roomId, room, userIds: [actor.id] });
    return room;
  }
}

function exportedMessage(m: OwnMessageRow): ExportedMessage {
  return {
    id: m.id,
    roomId: m.room_id,
    seq: m.seq,
    text: m.deleted ? '' : m.text,
    createdAt: new Date(m.created_at).toISOString(),
    ...(m.edited_at ? { editedAt: new Date(m.edited_at).toISOString() } : {}),
    ...(m.deleted ? { deleted: true } : {}),
    ...(m.reply_to ? { replyTo: m.reply_to } : {}),
    ...(m.attachments?.length && !m.deleted ? { attachments: m.attachments.map((a) => a.id) } : {}),
  };
}

function exportedFile(f: OwnFileRow): ExportedFile {
  return {
    id: f.id,
    name: f.name,
    size: f.size,
    contentType: f.content_type,
    createdAt: new Date(f.created_at).toISOString(),
    ...(f.room_id && f.message_seq !== null ? { roomId: f.room_id } : {}),
  };
}

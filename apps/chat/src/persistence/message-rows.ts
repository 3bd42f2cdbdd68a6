import { sql } from 'kysely';
import { LIMITS, Message, MessageSender, Reaction } from '@hihi/contracts';
import type { StoredAttachment, StoredReaction } from '../database/schema';

/** A message row as the queries below select it: the message and, for replies, its quoted original. */
export interface MessageRow {
  room_id: string;
  seq: number;
  id: string;
  sender_id: string;
  sender_username: string;
  sender_display_name: string;
  sender_bot: boolean;
  client_msg_id: string;
  text: string;
  created_at: Date;
  event: number;
  changed_event: number | null;
  edited_at: Date | null;
  deleted: boolean;
  reply_to: string | null;
  reactions: StoredReaction[] | null;
  attachments: StoredAttachment[] | null;
  mentions: string[] | null;
  /** the sender's avatar now (chat_users), null: none */
  sender_avatar?: string | null;
  deleted_by?: 'moderator' | null;
  r_seq?: number | null;
  r_sender_id?: string | null;
  r_sender_username?: string | null;
  r_sender_display_name?: string | null;
  r_sender_bot?: boolean | null;
  r_text?: string | null;
  r_deleted?: boolean | null;
}

/** The select list of a message `m` with its replied-to message `r` (left join on r.id = m.reply_to). */
export const MESSAGE_COLUMNS = sql.raw(`
  m.room_id, m.seq, m.id, m.sender_id, m.sender_username, m.sender_display_name, m.sender_bot,
  m.client_msg_id, m.text, m.created_at, m.event, m.changed_event, m.edited_at, m.deleted,
  m.reply_to, m.reactions, m.attachments, m.mentions, m.deleted_by,
  (select su.avatar_url from chat_users su where su.id = m.sender_id) as sender_avatar,
  r.seq as r_seq, r.sender_id as r_sender_id, r.sender_username as r_sender_username,
  r.sender_display_name as r_sender_display_name, r.sender_bot as r_sender_bot,
  left(r.text, ${LIMITS.replyExcerpt}) as r_text, r.deleted as r_deleted`);

/** URL under which the gateway serves an attachment to the members of its room. */
export function attachmentUrl(id: string): string {
  return `/api/uploads/${encodeURIComponent(id)}`;
}

function reactionsOf(stored: StoredReaction[] | null): Reaction[] | undefined {
  if (!stored?.length) return undefined;
  return stored.map((r) => ({ emoji: r.emoji, count: r.userIds.length, userIds: r.userIds }));
}

function sender(
  id: string,
  username: string,
  displayName: string,
  bot: boolean,
  avatar?: string | null,
): MessageSender {
  return { id, username, displayName, bot, ...(avatar ? { avatarUrl: avatar } : {}) };
}

/** The public Message (SPEC §5) of a row; optional fields only when they carry something. */
export function toMessage(row: MessageRow): Message {
  const m: Message = {
    id: row.id,
    roomId: row.room_id,
    seq: row.seq,
    clientMsgId: row.client_msg_id,
    sender: sender(row.sender_id, row.sender_username, row.sender_display_name, row.sender_bot, row.sender_avatar),
    text: row.deleted ? '' : row.text,
    createdAt: new Date(row.created_at).toISOString(),
  };
  if (row.edited_at) m.editedAt = new Date(row.edited_at).toISOString();
  if (row.deleted) {
    m.deleted = true;
    if (row.deleted_by === 'moderator') m.deletedBy = 'moderator';
    return m;
  }
  if (row.reply_to && row.r_seq != null) {
    m.replyTo = {
      id: row.reply_to,
      seq: row.r_seq,
      sender: sender(row.r_sender_id!, row.r_sender_username!, row.r_sender_display_name!, !!row.r_sender_bot),
      text: row.r_deleted ? '' : (row.r_text ?? ''),
      ...(row.r_deleted ? { deleted: true } : {}),
    };
  }
  const reactions = reactionsOf(row.reactions);
  if (reactions) m.reactions = reactions;
  if (row.attachments?.length) m.attachments = row.attachments.map((a) => ({ ...a, url: attachmentUrl(a.id) }));
  if (row.mentions?.length) m.mentions = row.mentions;
  return m;
}

/** PostgreSQL's unique_violation. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}

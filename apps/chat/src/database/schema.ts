import type { ColumnType, Generated } from 'kysely';
import type {
  Attachment,
  OutgoingTrigger,
  NotificationLevel,
  PostPolicy,
  ReportAction,
  ReportStatus,
  RoomKind,
  RoomRole,
} from '@hihi/contracts';

/*
 * chat's PostgreSQL tables as Kysely sees them (the migrations in ./migrations create them).
 * `bigint` columns come back from node-postgres as strings unless parsed: see database.module.ts,
 * which parses int8 as a number (seqs and counts stay far below 2^53).
 */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ChatUsersTable {
  id: string;
  username: string;
  /** lower-cased username: DMs by username */
  username_key: string;
  display_name: string;
  guest: Generated<boolean>;
  /** `/api/avatars/<hash>.webp`, null: initials */
  avatar_url: string | null;
  /** the account was deleted: its messages show "deleted user" */
  deleted: Generated<boolean>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface RoomsTable {
  id: string;
  kind: RoomKind;
  name: string;
  /** uniqueness: `public:<lower-cased name>` for public rooms, `<kind>:<id>` for the others */
  name_key: string;
  created_by: string | null;
  created_at: Generated<Timestamp>;
  /** the room's highest message seq: advanced in the same statement that inserts the messages */
  last_seq: Generated<number>;
  /** the room's event counter: every new message and every change (edit, delete, reaction) takes the next */
  last_event: Generated<number>;
  topic: string | null;
  archived: Generated<boolean>;
  slow_mode_sec: Generated<number>;
  post_policy: ColumnType<PostPolicy, PostPolicy | undefined, PostPolicy>;
  /** kept by the statements that add and remove members */
  member_count: Generated<number>;
}

export interface RoomMembersTable {
  room_id: string;
  user_id: string;
  role: ColumnType<RoomRole, RoomRole | undefined, RoomRole>;
  joined_at: Generated<Timestamp>;
  /** the member's notification level (SPEC §10); null: defaultNotificationLevel(kind) */
  notify_level: ColumnType<NotificationLevel | null, NotificationLevel | null | undefined, NotificationLevel | null>;
}

/** One reaction of a message: the emoji and who reacted, in the order they did. */
export interface StoredReaction {
  emoji: string;
  userIds: string[];
}

/** The metadata snapshot a message keeps of each attachment: the public Attachment without its URL (derived). */
export type StoredAttachment = Omit<Attachment, 'url'>;

export interface MessagesTable {
  room_id: string;
  seq: number;
  id: Generated<string>;
  sender_id: string;
  sender_username: string;
  sender_display_name: string;
  sender_bot: boolean;
  client_msg_id: string;
  text: string;
  created_at: Generated<Timestamp>;
  /** the room event that created the message */
  event: number;
  /** the room event of its last change (edit, delete, reaction); null when never changed */
  changed_event: number | null;
  edited_at: Timestamp | null;
  deleted: Generated<boolean>;
  reply_to: string | null;
  reactions: ColumnType<StoredReaction[] | null, string | null, string | null>;
  attachments: ColumnType<StoredAttachment[] | null, string | null, string | null>;
  mentions: string[] | null;
  /** `moderator` on a tombstone a moderator made */
  deleted_by: ColumnType<'moderator' | null, 'moderator' | null | undefined, 'moderator' | null>;
}

/** The searchable copy of a live message (migration 0013), written by the search indexer. */
export interface MessageSearchTable {
  id: string;
  room_id: string;
  seq: number;
  created_at: Timestamp;
  text: string;
}

/** Ids of messages stored or changed since the indexer last ran (filled by triggers). */
export interface SearchQueueTable {
  message_id: string;
}

export interface RoomMutesTable {
  room_id: string;
  user_id: string;
  /** null: until lifted */
  muted_until: Timestamp | null;
  reason: string | null;
  muted_by: string;
  created_at: Generated<Timestamp>;
}

export interface RoomBansTable {
  room_id: string;
  user_id: string;
  reason: string | null;
  banned_by: string;
  created_at: Generated<Timestamp>;
}

export interface RoomSlowModeTable {
  room_id: string;
  user_id: string;
  posted_at: Timestamp;
}

/** Who resolved a report (kept as they were then). */
export interface StoredResolver {
  id: string;
  username: string;
  displayName: string;
}

export interface ReportsTable {
  id: Generated<string>;
  room_id: string;
  message_id: string;
  message_sender_id: string;
  reported_text: string;
  reporter_id: string;
  reason: string;
  status: ColumnType<ReportStatus, ReportStatus | undefined, ReportStatus>;
  created_at: Generated<Timestamp>;
  resolved_at: Timestamp | null;
  resolved_by: ColumnType<StoredResolver | null, string | null, string | null>;
  action: ReportAction | null;
  note: string | null;
  muted_until: Timestamp | null;
}

export interface ReadPositionsTable {
  user_id: string;
  room_id: string;
  seq: number;
}

export interface MessageMentionsTable {
  user_id: string;
  room_id: string;
  seq: number;
}

export interface AttachmentsTable {
  id: string;
  uploader_id: string;
  name: string;
  size: number;
  content_type: string;
  width: number | null;
  height: number | null;
  storage_key: string;
  /** set when a message claims the upload */
  room_id: string | null;
  client_msg_id: string | null;
  /** set once that message is stored: from then on the room's members may read it */
  message_seq: number | null;
  created_at: Generated<Timestamp>;
  /** set when the message carrying it is deleted: no one may read it, the sweep deletes it */
  deleted_at: ColumnType<Date | null, never, string | null>;
}

export interface IncomingWebhooksTable {
  id: Generated<string>;
  room_id: string;
  name: string;
  /** SHA-256 (hex) of the secret in the hook's URL */
  secret_hash: string;
  created_by: string;
  created_at: Timestamp;
  deleted_at: ColumnType<Date | null, never, Date | string | null>;
}

export interface OutgoingWebhooksTable {
  id: Generated<string>;
  room_id: string;
  url: string;
  trigger: ColumnType<OutgoingTrigger, string, string>;
  /** the HMAC-SHA256 key of its deliveries */
  secret: string;
  created_by: string;
  created_at: Timestamp;
  deleted_at: ColumnType<Date | null, never, Date | string | null>;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  hook_id: string;
  message_id: string;
  attempt: number;
  ok: boolean;
  status: number | null;
  latency_ms: number;
  error: string | null;
  at: Timestamp;
}

export interface ChatDatabase {
  incoming_webhooks: IncomingWebhooksTable;
  outgoing_webhooks: OutgoingWebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  attachments: AttachmentsTable;
  chat_users: ChatUsersTable;
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  messages: MessagesTable;
  message_search: MessageSearchTable;
  search_queue: SearchQueueTable;
  read_positions: ReadPositionsTable;
  message_mentions: MessageMentionsTable;
  room_mutes: RoomMutesTable;
  room_bans: RoomBansTable;
  room_slow_mode: RoomSlowModeTable;
  reports: ReportsTable;
}

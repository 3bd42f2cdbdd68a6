import { Schema } from 'mongoose';
import { MessageSender, RoomKind } from '@hihi/contracts';

/*
 * Chat's collections. Plain mongoose schemas (no decorators): the repositories are the only
 * code that touches them. Every index that a rule depends on is declared here and built at
 * start-up before the service takes requests (see ChatRepositories.onModuleInit).
 */

export const ROOM_MODEL = 'Room';
export const MESSAGE_MODEL = 'Message';
export const READ_MODEL = 'ReadPosition';
export const USER_MODEL = 'ChatUser';
export const PUBLISH_CLAIM_MODEL = 'PublishClaim';

export interface RoomDoc {
  _id: string;
  name: string;
  /**
   * Uniqueness key: `public:<lowercased name>` for public rooms (case-insensitive unique names),
   * `<kind>:<id>` for the others, so one plain unique index serves (no partial index needed).
   */
  nameKey: string;
  kind: RoomKind;
  /** members of a DM (two ids) or duck room (one id); empty for public rooms (everyone) */
  members: string[];
  /** display names of `members`, same order (DMs are named after the other member) */
  memberNames?: string[];
  /** duck room: the greeting is stored */
  greeted?: boolean;
  createdBy?: string;
  createdAt: Date;
}

export const RoomSchema = new Schema<RoomDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    kind: { type: String, required: true, enum: ['public', 'dm', 'bot'] },
    members: { type: [String], default: [] },
    memberNames: { type: [String] },
    greeted: { type: Boolean },
    createdBy: { type: String },
    createdAt: { type: Date, default: () => new Date() },
  },
  { collection: 'rooms', versionKey: false, _id: false },
);
RoomSchema.index({ nameKey: 1 }, { unique: true });
RoomSchema.index({ members: 1 });
RoomSchema.index({ kind: 1 });

export interface MessageDoc {
  _id: string;
  roomId: string;
  seq: number;
  clientMsgId: string;
  senderId: string;
  sender: MessageSender;
  text: string;
  createdAt: Date;
}

const SenderSchema = new Schema<MessageSender>(
  {
    id: { type: String, required: true },
    username: { type: String, required: true },
    displayName: { type: String, required: true },
    bot: { type: Boolean, required: true },
  },
  { _id: false },
);

export const MessageSchema = new Schema<MessageDoc>(
  {
    _id: { type: String, required: true },
    roomId: { type: String, required: true },
    seq: { type: Number, required: true },
    clientMsgId: { type: String, required: true },
    senderId: { type: String, required: true },
    sender: { type: SenderSchema, required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'messages', versionKey: false, _id: false },
);
/** gap-free ordering: a seq exists once per room */
MessageSchema.index({ roomId: 1, seq: 1 }, { unique: true });
/** idempotency: a clientMsgId is stored once per sender */
MessageSchema.index({ senderId: 1, clientMsgId: 1 }, { unique: true });

export interface ReadDoc {
  /** `${userId}|${roomId}` */
  _id: string;
  userId: string;
  roomId: string;
  seq: number;
}

export const ReadSchema = new Schema<ReadDoc>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    roomId: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { collection: 'read_positions', versionKey: false, _id: false },
);
ReadSchema.index({ userId: 1 });

/** Projection of users who have used chat (for DMs by username); auth owns the real accounts. */
export interface ChatUserDoc {
  _id: string;
  username: string;
  usernameKey: string;
  displayName: string;
  updatedAt: Date;
}

export const ChatUserSchema = new Schema<ChatUserDoc>(
  {
    _id: { type: String, required: true },
    username: { type: String, required: true },
    usernameKey: { type: String, required: true },
    displayName: { type: String, required: true },
    updatedAt: { type: Date, default: () => new Date() },
  },
  { collection: 'chat_users', versionKey: false, _id: false },
);
ChatUserSchema.index({ usernameKey: 1 });

/**
 * One document per message whose live fan-out has been claimed. Claiming is an insert under the
 * unique _id, the one write the database makes atomic for us (FerretDB's conditional updates are
 * not atomic between connections), so exactly one request publishes each message.
 */
export interface PublishClaimDoc {
  _id: string;
  at: Date;
}

export const PublishClaimSchema = new Schema<PublishClaimDoc>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'publish_claims', versionKey: false, _id: false },
);

export const ROOM_SEQ_MODEL = 'RoomSeq';

/**
 * Highest seq known to be stored in a room: a hint that only ever names a seq whose message
 * exists (it is raised after each insert), read by `_id` so a send never has to search the
 * messages. It may lag (a process died between its insert and the raise); the unique
 * (roomId, seq) index then refuses the taken seqs and the writer moves up to the first free one.
 */
export interface RoomSeqDoc {
  _id: string;
  lastSeq: number;
}

export const RoomSeqSchema = new Schema<RoomSeqDoc>(
  {
    _id: { type: String, required: true },
    lastSeq: { type: Number, required: true, default: 0 },
  },
  { collection: 'room_seqs', versionKey: false, _id: false },
);

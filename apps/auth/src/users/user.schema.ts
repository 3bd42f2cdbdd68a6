import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { ACCOUNT_ROLES, AccountRole, AccountStatus, MAIL_LANGUAGES, MailLanguage } from '@hihi/contracts';

/**
 * An account. `usernameKey` (NFKC + lower case) makes usernames unique without regard to case,
 * `usernameSkeleton` without regard to look-alike characters.
 */
@Schema({ collection: 'users', timestamps: true, versionKey: false })
export class User {
  _id!: Types.ObjectId;

  /** as registered (NFKC) */
  @Prop({ type: String, required: true })
  username!: string;

  @Prop({ type: String, required: true, unique: true })
  usernameKey!: string;

  /**
   * Unicode confusable skeleton (UTS #39) of the username, lower case: `admin` and `аdmin`
   * (Cyrillic а) share it, so the second is refused as taken. Unique.
   */
  @Prop({ type: String, required: true, unique: true })
  usernameSkeleton!: string;

  @Prop({ type: String, required: true })
  displayName!: string;

  /** argon2id PHC string; never leaves the auth service */
  @Prop({ type: String, required: true })
  passwordHash!: string;

  /** server role (SPEC §7); `member` unless made more (first account, HIHI_ADMINS, admin CLI, admins) */
  @Prop({ type: String, enum: ACCOUNT_ROLES, default: 'member', index: true })
  role?: AccountRole;

  /** `deactivated`: cannot sign in (answered like a wrong password), every session revoked (SPEC §8) */
  @Prop({ type: String, enum: ['active', 'deactivated'], default: 'active' })
  status?: AccountStatus;

  /** a bot account (SPEC §9): no password sign-in, acts with its `hihi_bot_` token */
  @Prop({ type: Boolean, default: false })
  bot?: boolean;

  /** a bot's owner (the account that created it) */
  @Prop({ type: String, index: true, sparse: true })
  ownerId?: string;
  /** optional address (SPEC §10); nothing is sent to it before it is verified */
  @Prop({ type: String })
  email?: string;

  @Prop({ type: Boolean, default: false })
  emailVerified?: boolean;

  /** opted in to the email digest (SPEC §10); off unless the person turns it on */
  @Prop({ type: Boolean, default: false })
  digest?: boolean;

  /** the language of the mails sent to the person (the web client sends its UI language) */
  @Prop({ type: String, enum: MAIL_LANGUAGES })
  language?: MailLanguage;

  /** content hash of the avatar the gateway stores (`/api/avatars/<hash>.webp`); absent: initials */
  @Prop({ type: String })
  avatar?: string;

  /**
   * set when the person deleted the account (SPEC §10): it is deactivated, its names replaced, and
   * its username stays taken until USERNAME_HOLD_AFTER_DELETION_DAYS later (then released)
   */
  @Prop({ type: Date, index: true })
  deletedAt?: Date;

  /** the username of a deleted account was released (its keys no longer hold it) */
  @Prop({ type: Boolean })
  usernameReleased?: boolean;

  /** last sign-in or token refresh */
  @Prop({ type: Date })
  lastSeenAt?: Date;

  createdAt?: Date;
  updatedAt?: Date;
}

export type UserDocument = HydratedDocument<User>;
export const UserSchema = SchemaFactory.createForClass(User);

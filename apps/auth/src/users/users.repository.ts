import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { isValidObjectId, Model } from 'mongoose';
import { AccountRole, AccountStatus, isAccountRole, MailLanguage } from '@hihi/contracts';
import { usernameSkeleton } from '@hihi/dto';
import { User } from './user.schema';

export interface NewUser {
  username: string;
  usernameKey: string;
  usernameSkeleton: string;
  displayName: string;
  passwordHash: string;
  bot?: boolean;
  ownerId?: string;
}

/** Plain user record as the service sees it. */
export interface UserRecord {
  id: string;
  username: string;
  usernameKey: string;
  displayName: string;
  passwordHash: string;
  role: AccountRole;
  status: AccountStatus;
  createdAt?: Date;
  lastSeenAt?: Date;
  /** a bot account (SPEC §9) and its owner */
  bot?: boolean;
  ownerId?: string;
  email?: string;
  emailVerified?: boolean;
  /** opted in to the email digest */
  digest?: boolean;
  language?: MailLanguage;
  /** avatar content hash */
  avatar?: string;
  deletedAt?: Date;
}

/** What a profile change sets (undefined: unchanged; email null: removed). */
export interface ProfileChange {
  displayName?: string;
  email?: string | null;
  digest?: boolean;
  language?: MailLanguage;
}

/** A page of accounts for the admin list. */
export interface UsersFilter {
  /** username key or display name prefix (already normalised, lower case) */
  prefix?: string;
  role?: AccountRole;
  status?: AccountStatus;
  /** ids after this one */
  after?: string;
  limit: number;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class DuplicateUsernameError extends Error {
  constructor() {
    super('username is already taken');
  }
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** The `users` collection. Queries use plain strings only (normalised keys, ids). */
@Injectable()
export class UsersRepository implements OnModuleInit {
  private readonly logger = new Logger(UsersRepository.name);

  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  /**
   * Accounts made before usernames had a skeleton get one now; where two existing accounts
   * already look alike, the later one keeps a skeleton of its own (`…#<id>`) so both go on working.
   * Then the unique indexes are (re)built.
   */
  async onModuleInit(): Promise<void> {
    const missing = await this.users.find({ usernameSkeleton: null }, { _id: 1, username: 1 }).lean().exec();
    for (const doc of missing) {
      const skeleton = usernameSkeleton(doc.username);
      try {
        await this.users.updateOne({ _id: doc._id }, { $set: { usernameSkeleton: skeleton } }).exec();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await this.users
          .updateOne({ _id: doc._id }, { $set: { usernameSkeleton: `${skeleton}#${String(doc._id)}` } })
          .exec();
        this.logger.warn({ userId: String(doc._id) }, 'an existing username looks like another one; both kept');
      }
    }
    if (missing.length) this.logger.log(`gave ${missing.length} existing usernames their skeleton`);
    await this.users.createIndexes();
  }

  /** Insert; a unique-index collision (11000) becomes DuplicateUsernameError. */
  async create(user: NewUser): Promise<UserRecord> {
    try {
      const doc = await this.users.create(user);
      return this.toRecord(doc.toObject());
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateUsernameError();
      throw err;
    }
  }

  async findByKey(usernameKey: string): Promise<UserRecord | undefined> {
    if (typeof usernameKey !== 'string') return undefined;
    const doc = await this.users.findOne({ usernameKey }).lean().exec();
    return doc ? this.toRecord(doc) : undefined;
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    if (typeof id !== 'string' || !isValidObjectId(id) || !/^[a-f0-9]{24}$/.test(id)) return undefined;
    const doc = await this.users.findById(id).lean().exec();
    return doc ? this.toRecord(doc) : undefined;
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { passwordHash } }).exec();
  }

  /** Is there any account yet? (The first one registered becomes the owner.) */
  async any(): Promise<boolean> {
    return (await this.users.findOne({}, { _id: 1 }).lean().exec()) !== null;
  }

  /** Set an account's server role; answers the updated record (undefined: no such account). */
  async setRole(id: string, role: AccountRole): Promise<UserRecord | undefined> {
    if (typeof id !== 'string' || !/^[a-f0-9]{24}$/.test(id)) return undefined;
    const doc = await this.users.findByIdAndUpdate(id, { $set: { role } }, { new: true }).lean().exec();
    return doc ? this.toRecord(doc) : undefined;
  }

  /** Every account above `member` (userId → role): the table the gateways hold. */
  async elevated(): Promise<Map<string, AccountRole>> {
    const docs = await this.users
      // an operator of our own (sanitizeFilter is on): trusted
      .find({ role: mongoose.trusted({ $in: ['owner', 'admin', 'moderator'] }) }, { _id: 1, role: 1 })
      .lean()
      .exec();
    return new Map(docs.map((d) => [String(d._id), isAccountRole(d.role) ? d.role : 'member']));
  }

  async setStatus(id: string, status: AccountStatus): Promise<UserRecord | undefined> {
    if (typeof id !== 'string' || !/^[a-f0-9]{24}$/.test(id)) return undefined;
    const doc = await this.users.findByIdAndUpdate(id, { $set: { status } }, { new: true }).lean().exec();
    return doc ? this.toRecord(doc) : undefined;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { passwordHash } }).exec();
  }

  /** Display name and email; a new email is unverified. Answers the updated record. */
  async updateProfile(id: string, change: ProfileChange): Promise<UserRecord | undefined> {
    if (typeof id !== 'string' || !/^[a-f0-9]{24}$/.test(id)) return undefined;
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    if (change.displayName !== undefined) set.displayName = change.displayName;
    if (change.digest !== undefined) set.digest = change.digest;
    if (change.language !== undefined) set.language = change.language;
    if (change.email === null) {
      unset.email = '';
      set.emailVerified = false;
    } else if (change.email !== undefined) {
      set.email = change.email;
      set.emailVerified = false;
    }
    const update: Record<string, unknown> = {};
    if (Object.keys(set).length) update.$set = set;
    if (Object.keys(unset).length) update.$unset = unset;
    const doc = Object.keys(update).length
      ? await this.users
          .findOneAndUpdate({ _id: id, deletedAt: null }, update, { returnDocument: 'after' })
          .lean()
          .exec()
      : await this.users.findOne({ _id: id, deletedAt: null }).lean().exec();
    return doc ? this.toRecord(doc) : undefined;
  }

  /**
   * Mark the address verified, if it is still the account's address (a link mailed to an address
   * since changed verifies nothing). Answers the updated record, or undefined.
   */
  async setEmailVerified(id: string, email: string): Promise<UserRecord | undefined> {
    if (typeof id !== 'string' || !/^[a-f0-9]{24}$/.test(id) || typeof email !== 'string') return undefined;
    const doc = await this.users
      .findOneAndUpdate(
        { _id: id, email, deletedAt: null },
        { $set: { emailVerified: true } },
        { returnDocument: 'after' },
      )
      .lean()
      .exec();
    return doc ? this.toRecord(doc) : undefined;
  }

  /** Turn the digest on or off (an unsubscribe link turns it off). */
  async setDigest(id: string, digest: boolean): Promise<boolean> {
    if (typeof id !== 'string' || !/^[a-f0-9]{24}$/.test(id)) return false;
    const res = await this.users.updateOne({ _id: id }, { $set: { digest } }).exec();
    return res.matchedCount > 0;
  }

  /** Set (a content hash) or remove (null) the avatar. */
  async setAvatar(id: string, avatar: string | null): Promise<UserRecord | undefined> {
    if (typeof id !== 'string' || !/^[a-f0-9]{24}$/.test(id)) return undefined;
    const update = avatar ? { $set: { avatar } } : { $unset: { avatar: '' } };
    const doc = await this.users
      .findOneAndUpdate({ _id: id, deletedAt: null }, update, { returnDocument: 'after' })
      .lean()
      .exec();
    return doc ? this.toRecord(doc) : undefined;
  }

  /**
   * The account is gone for its owner: deactivated, names replaced, email and avatar removed, the
   * password hash replaced by one nothing verifies against. The username stays taken (its keys
   * stay) until releaseHeldUsernames frees it.
   */
  async markDeleted(id: string, unusableHash: string, displayName: string, at: Date): Promise<boolean> {
    const r = await this.users
      .updateOne(
        { _id: id, deletedAt: null },
        {
          $set: {
            status: 'deactivated',
            deletedAt: at,
            displayName,
            passwordHash: unusableHash,
            emailVerified: false,
            digest: false,
          },
          $unset: { email: '', avatar: '' },
        },
      )
      .exec();
    return r.modifiedCount === 1;
  }

  /**
   * Free the usernames of accounts deleted before `cutoff`: their unique keys become
   * `deleted:<id>`, so the name can be registered again. Answers how many were freed.
   */
  async releaseHeldUsernames(cutoff: Date, max = 100): Promise<number> {
    const docs = await this.users
      .find(
        { deletedAt: mongoose.trusted({ $lt: cutoff }), usernameReleased: mongoose.trusted({ $ne: true }) },
        { _id: 1 },
      )
      .limit(max)
      .lean()
      .exec();
    for (const d of docs) {
      const key = `deleted:${String(d._id)}`;
      await this.users
        .updateOne({ _id: d._id }, { $set: { usernameKey: key, usernameSkeleton: key, usernameReleased: true } })
        .exec();
    }
    return docs.length;
  }

  /** Seen now (sign-in, refresh): for the admin list and the 7-day active count. */
  async touch(id: string, at: Date): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { lastSeenAt: at } }).exec();
  }

  /** Accounts by id order, filtered; one more than `limit` tells whether a next page exists. */
  async list(f: UsersFilter): Promise<UserRecord[]> {
    const and: Record<string, unknown>[] = [];
    if (f.prefix) {
      const re = new RegExp(`^${escapeRegex(f.prefix)}`, 'i');
      and.push(
        mongoose.trusted({
          $or: [{ usernameKey: mongoose.trusted({ $regex: re }) }, { displayName: mongoose.trusted({ $regex: re }) }],
        }),
      );
    }
    if (f.role)
      and.push(f.role === 'member' ? { role: mongoose.trusted({ $in: ['member', null] }) } : { role: f.role });
    if (f.status)
      and.push(f.status === 'active' ? { status: mongoose.trusted({ $in: ['active', null] }) } : { status: f.status });
    if (f.after) and.push({ _id: mongoose.trusted({ $gt: new mongoose.Types.ObjectId(f.after) }) });
    const docs = await this.users
      .find(and.length ? mongoose.trusted({ $and: and }) : {})
      .sort({ _id: 1 })
      .limit(f.limit)
      .lean()
      .exec();
    return docs.map((d) => this.toRecord(d));
  }

  async countAll(): Promise<number> {
    return this.users.countDocuments({}).exec();
  }

  async countDeactivated(): Promise<number> {
    return this.users.countDocuments({ status: 'deactivated' }).exec();
  }

  async countSeenSince(since: Date): Promise<number> {
    return this.users.countDocuments({ lastSeenAt: mongoose.trusted({ $gte: since }) }).exec();
  }

  /** How many owners there are (the last one cannot be demoted or deactivated). */
  /** Bot accounts, of one owner or all, oldest first (bounded). */
  async bots(ownerId?: string): Promise<UserRecord[]> {
    const filter = ownerId ? { bot: true, ownerId } : { bot: true };
    const docs = await this.users.find(filter).sort({ _id: 1 }).limit(500).lean().exec();
    return docs.map((d) => this.toRecord(d));
  }

  /** Live bot accounts of an owner. */
  async countBots(ownerId: string): Promise<number> {
    // an operator of our own (sanitizeFilter is on): trusted
    return this.users.countDocuments({ bot: true, ownerId, status: mongoose.trusted({ $ne: 'deactivated' }) }).exec();
  }

  async countOwners(): Promise<number> {
    return this.users.countDocuments({ role: 'owner' }).exec();
  }

  private toRecord(
    doc: Pick<
      User,
      | '_id'
      | 'username'
      | 'usernameKey'
      | 'displayName'
      | 'passwordHash'
      | 'role'
      | 'status'
      | 'createdAt'
      | 'lastSeenAt'
      | 'bot'
      | 'ownerId'
      | 'email'
      | 'emailVerified'
      | 'digest'
      | 'language'
      | 'avatar'
      | 'deletedAt'
    >,
  ): UserRecord {
    return {
      ...(doc.email ? { email: doc.email, emailVerified: doc.emailVerified === true } : {}),
      ...(doc.digest ? { digest: true } : {}),
      ...(doc.language ? { language: doc.language } : {}),
      ...(doc.avatar ? { avatar: doc.avatar } : {}),
      ...(doc.deletedAt ? { deletedAt: doc.deletedAt } : {}),
      status: doc.status === 'deactivated' ? 'deactivated' : 'active',
      createdAt: doc.createdAt,
      lastSeenAt: doc.lastSeenAt,
      id: String(doc._id),
      username: doc.username,
      usernameKey: doc.usernameKey,
      displayName: doc.displayName,
      passwordHash: doc.passwordHash,
      role: isAccountRole(doc.role) ? doc.role : 'member',
      bot: doc.bot === true,
      ...(doc.ownerId ? { ownerId: doc.ownerId } : {}),
    };
  }
}

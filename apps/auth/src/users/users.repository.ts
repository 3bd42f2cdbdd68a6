import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model } from 'mongoose';
import { User } from './user.schema';

export interface NewUser {
  username: string;
  usernameKey: string;
  displayName: string;
  passwordHash: string;
}

/** Plain user record as the service sees it. */
export interface UserRecord {
  id: string;
  username: string;
  usernameKey: string;
  displayName: string;
  passwordHash: string;
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
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

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

  private toRecord(doc: Pick<User, '_id' | 'username' | 'usernameKey' | 'displayName' | 'passwordHash'>): UserRecord {
    return {
      id: String(doc._id),
      username: doc.username,
      usernameKey: doc.usernameKey,
      displayName: doc.displayName,
      passwordHash: doc.passwordHash,
    };
  }
}

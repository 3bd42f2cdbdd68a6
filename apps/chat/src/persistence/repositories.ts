import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import {
  ChatUserDoc,
  USER_MODEL,
  MessageDoc,
  MESSAGE_MODEL,
  PUBLISH_CLAIM_MODEL,
  PublishClaimDoc,
  ReadDoc,
  READ_MODEL,
  RoomDoc,
  ROOM_MODEL,
  RoomSeqDoc,
  ROOM_SEQ_MODEL,
} from './schemas';

/** MongoDB duplicate-key error (also what FerretDB answers for a unique index). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/*
 * mongoose.set('sanitizeFilter', true) is on for every service: operator objects inside filters
 * are wrapped in $eq unless marked trusted(). Every operator below is built from numbers we made.
 */

@Injectable()
export class RoomsRepository {
  constructor(@InjectModel(ROOM_MODEL) private readonly model: Model<RoomDoc>) {}

  findById(id: string): Promise<RoomDoc | null> {
    return this.model.findById(id).lean<RoomDoc>().exec();
  }

  findByIds(ids: string[]): Promise<RoomDoc[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.model
      .find({ _id: trusted({ $in: ids }) })
      .lean<RoomDoc[]>()
      .exec();
  }

  /** public rooms, and the dm/bot rooms the user belongs to */
  findVisible(userId: string, includePublic: boolean): Promise<RoomDoc[]> {
    const filter: Record<string, unknown> = includePublic
      ? { $or: [{ kind: 'public' }, { members: userId }] }
      : { members: userId };
    return this.model.find(filter).sort({ createdAt: 1 }).lean<RoomDoc[]>().exec();
  }

  /**
   * Insert the room if there is none with this id; answers whether this call created it.
   * Idempotent and race-safe (unique _id and nameKey): a concurrent creator gets `false`.
   * Throws the duplicate-key error when another room holds the nameKey.
   */
  async insertIfAbsent(room: Omit<RoomDoc, 'createdAt'>): Promise<boolean> {
    try {
      const res = await this.model
        .updateOne({ _id: room._id }, { $setOnInsert: { ...room, createdAt: new Date() } }, { upsert: true })
        .exec();
      return res.upsertedCount > 0;
    } catch (err) {
      if (isDuplicateKey(err)) {
        const existing = await this.findById(room._id);
        if (existing) return false;
      }
      throw err;
    }
  }

  async markGreeted(roomId: string): Promise<void> {
    await this.model.updateOne({ _id: roomId }, { $set: { greeted: true } }).exec();
  }

  async ensureIndexes(): Promise<void> {
    await this.model.createIndexes();
  }
}

/** Outcome of an insert: stored, or refused by one of the two unique indexes. */
export type InsertOutcome = 'inserted' | 'duplicate';

@Injectable()
export class MessagesRepository {
  constructor(
    @InjectModel(MESSAGE_MODEL) private readonly model: Model<MessageDoc>,
    @InjectModel(PUBLISH_CLAIM_MODEL) private readonly claims: Model<PublishClaimDoc>,
    @InjectModel(ROOM_SEQ_MODEL) private readonly seqs: Model<RoomSeqDoc>,
  ) {}

  findById(id: string): Promise<MessageDoc | null> {
    return this.model.findById(id).lean<MessageDoc>().exec();
  }

  /** By the (senderId, clientMsgId) index: a search on some databases; the fast path is findById. */
  findByClientMsgId(senderId: string, clientMsgId: string): Promise<MessageDoc | null> {
    return this.model.findOne({ senderId, clientMsgId }).lean<MessageDoc>().exec();
  }

  /** The room's seq hint (see RoomSeqDoc); undefined when the room has none yet. */
  async seqHint(roomId: string): Promise<number | undefined> {
    const doc = await this.seqs.findById(roomId).lean<RoomSeqDoc>().exec();
    return doc?.lastSeq;
  }

  /** Raise the hint to `seq` (a stored message's seq); it never goes down. */
  async raiseSeqHint(roomId: string, seq: number): Promise<void> {
    await this.seqs
      .updateOne({ _id: roomId }, { $max: { lastSeq: seq } }, { upsert: true })
      .exec()
      .catch(async (err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
        await this.seqs.updateOne({ _id: roomId }, { $max: { lastSeq: seq } }).exec();
      });
  }

  /** highest seq stored in the room (0 when empty), from the messages themselves */
  async lastSeq(roomId: string): Promise<number> {
    const last = await this.model
      .findOne({ roomId }, { seq: 1 })
      .sort({ seq: -1 })
      .lean<Pick<MessageDoc, 'seq'>>()
      .exec();
    return last?.seq ?? 0;
  }

  /** One atomic insert; a unique-index refusal (seq taken or clientMsgId seen) is 'duplicate'. */
  async insert(doc: MessageDoc): Promise<InsertOutcome> {
    try {
      await this.model.collection.insertOne(doc as never);
      return 'inserted';
    } catch (err) {
      if (isDuplicateKey(err)) return 'duplicate';
      throw err;
    }
  }

  /** Claim the live fan-out of a message: true for exactly one caller. */
  async claimPublish(id: string): Promise<boolean> {
    try {
      await this.claims.collection.insertOne({ _id: id, at: new Date() } as never);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** `limit` messages with afterSeq < seq < beforeSeq; from the low end when `fromStart`, else the high end. */
  async range(
    roomId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
    fromStart: boolean,
  ): Promise<MessageDoc[]> {
    const seq: Record<string, number> = { $gt: afterSeq };
    if (Number.isFinite(beforeSeq)) seq.$lt = beforeSeq;
    const docs = await this.model
      .find({ roomId, seq: trusted(seq) })
      .sort({ seq: fromStart ? 1 : -1 })
      .limit(limit)
      .lean<MessageDoc[]>()
      .exec();
    return fromStart ? docs : docs.reverse();
  }

  async ensureIndexes(): Promise<void> {
    await this.model.createIndexes();
    await this.claims.createIndexes();
  }
}

@Injectable()
export class ReadsRepository {
  constructor(@InjectModel(READ_MODEL) private readonly model: Model<ReadDoc>) {}

  /** read position only moves forward: max(stored, seq) */
  async advance(userId: string, roomId: string, seq: number): Promise<void> {
    await this.model
      .updateOne({ _id: `${userId}|${roomId}` }, { $max: { seq }, $setOnInsert: { userId, roomId } }, { upsert: true })
      .exec()
      .catch(async (err: unknown) => {
        // two first reads racing on the upsert: the loser retries as a plain update
        if (!isDuplicateKey(err)) throw err;
        await this.model.updateOne({ _id: `${userId}|${roomId}` }, { $max: { seq } }).exec();
      });
  }

  async positions(userId: string): Promise<Map<string, number>> {
    const docs = await this.model.find({ userId }).lean<ReadDoc[]>().exec();
    return new Map(docs.map((d) => [d.roomId, d.seq]));
  }

  async position(userId: string, roomId: string): Promise<number> {
    const doc = await this.model.findById(`${userId}|${roomId}`).lean<ReadDoc>().exec();
    return doc?.seq ?? 0;
  }

  async ensureIndexes(): Promise<void> {
    await this.model.createIndexes();
  }
}

@Injectable()
export class ChatUsersRepository {
  constructor(@InjectModel(USER_MODEL) private readonly model: Model<ChatUserDoc>) {}

  async upsert(user: { id: string; username: string; displayName: string }): Promise<void> {
    await this.model
      .updateOne(
        { _id: user.id },
        {
          $set: {
            username: user.username,
            usernameKey: user.username.toLowerCase(),
            displayName: user.displayName,
            updatedAt: new Date(),
          },
        },
        { upsert: true },
      )
      .exec()
      .catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
  }

  async findByUsername(username: string): Promise<ChatUserDoc | null> {
    return this.model
      .findOne({ usernameKey: username.toLowerCase() })
      .sort({ updatedAt: -1 })
      .lean<ChatUserDoc>()
      .exec();
  }

  async ensureIndexes(): Promise<void> {
    await this.model.createIndexes();
  }
}

/** Builds every index before the service takes requests (the unique ones carry the rules). */
@Injectable()
export class IndexBuilder implements OnModuleInit {
  private readonly logger = new Logger('ChatIndexes');

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly messages: MessagesRepository,
    private readonly reads: ReadsRepository,
    private readonly users: ChatUsersRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const repo of [this.rooms, this.messages, this.reads, this.users]) {
      await repo.ensureIndexes().catch((err: Error) => {
        this.logger.error(`building indexes failed: ${err.message}`);
        throw err;
      });
    }
  }
}

import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { RefreshClaim, Session } from './session.schema';

export interface SessionRecord {
  id: string;
  userId: string;
  hash: string;
  prevHashes: string[];
  rememberMe: boolean;
  expiresAt: Date;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A live session as the sessions list shows it. */
export interface SessionListing {
  id: string;
  rememberMe: boolean;
  createdAt: Date;
  lastUsedAt: Date;
  userAgent: string;
}

export interface NewSession {
  id: string;
  userId: string;
  hash: string;
  rememberMe: boolean;
  expiresAt: Date;
  createdAt: Date;
}

/** What a refresh claim keeps for the grace window: the successor and the sealed new pair. */
export interface ClaimGrace {
  graceUntil: Date;
  nextHash: string;
  sealed: string;
}

export interface ClaimRecord extends Partial<ClaimGrace> {
  sessionId: string;
}

/** How many rotated-away hashes a session keeps for reuse detection. */
export const PREV_HASHES_KEPT = 50;
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** The `sessions` and `refresh_claims` collections. */
@Injectable()
export class SessionsRepository implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionsRepository.name);
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectModel(Session.name) private readonly sessions: Model<Session>,
    @InjectModel(RefreshClaim.name) private readonly claims: Model<RefreshClaim>,
  ) {}

  /**
   * Expired sessions go away by a TTL index on `expiresAt`. Servers without TTL indexes
   * (FerretDB) get a periodic sweep instead; reads check `expiresAt` either way.
   */
  async onModuleInit(): Promise<void> {
    let ttl = true;
    for (const collection of [this.sessions.collection, this.claims.collection]) {
      try {
        await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
      } catch {
        ttl = false;
      }
    }
    if (!ttl) {
      this.logger.log('the database has no TTL indexes: expired sessions are swept every 10 minutes');
      this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
      this.sweeper.unref();
      void this.sweep().catch(() => undefined);
    }
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  async sweep(now = new Date()): Promise<void> {
    const expired = { expiresAt: mongoose.trusted({ $lt: now }) };
    await this.sessions.deleteMany(expired).exec();
    await this.claims.deleteMany(expired).exec();
  }

  async create(s: NewSession): Promise<void> {
    await this.sessions.create({
      _id: s.id,
      userId: s.userId,
      hash: s.hash,
      prevHashes: [],
      rememberMe: s.rememberMe,
      expiresAt: s.expiresAt,
      createdAt: s.createdAt,
      lastUsedAt: s.createdAt,
      revokedAt: null,
    });
  }

  async findById(id: string): Promise<SessionRecord | undefined> {
    if (typeof id !== 'string') return undefined;
    const d = await this.sessions.findById(id).lean().exec();
    if (!d) return undefined;
    return {
      id: d._id,
      userId: d.userId,
      hash: d.hash,
      prevHashes: d.prevHashes ?? [],
      rememberMe: d.rememberMe,
      expiresAt: d.expiresAt,
      createdAt: d.createdAt,
      revokedAt: d.revokedAt ?? null,
    };
  }

  /**
   * Atomically claim a refresh token for rotation: false when it was already claimed (by a
   * concurrent refresh, or earlier). The claim carries the grace data in the same insert, so a
   * second caller never sees a claim without it.
   */
  async claim(hash: string, sessionId: string, expiresAt: Date, grace?: ClaimGrace): Promise<boolean> {
    try {
      await this.claims.create({ _id: hash, sessionId, expiresAt, ...grace });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Replace the current hash, conditional on it still being `oldHash` and the session live;
   * the old hash joins `prevHashes`. Returns false when the condition did not hold.
   */
  async rotate(id: string, oldHash: string, newHash: string, expiresAt: Date, now: Date): Promise<boolean> {
    const updated = await this.sessions
      .findOneAndUpdate(
        { _id: id, hash: oldHash, revokedAt: null },
        {
          $set: { hash: newHash, expiresAt, lastUsedAt: now },
          $push: { prevHashes: { $each: [oldHash], $slice: -PREV_HASHES_KEPT } },
        },
        { returnDocument: 'after' },
      )
      .lean()
      .exec();
    return !!updated && updated.hash === newHash;
  }

  async findClaim(hash: string): Promise<ClaimRecord | undefined> {
    if (typeof hash !== 'string') return undefined;
    const d = await this.claims.findById(hash).lean().exec();
    if (!d) return undefined;
    return { sessionId: d.sessionId, graceUntil: d.graceUntil, nextHash: d.nextHash, sealed: d.sealed };
  }

  /** Ids of the user's sessions not yet revoked (expired ones included: their tokens may live on). */
  async liveIds(userId: string): Promise<string[]> {
    if (typeof userId !== 'string') return [];
    const live = await this.sessions.find({ userId, revokedAt: null }, { _id: 1 }).lean().exec();
    return live.map((d) => d._id);
  }

  /** The user's sessions neither revoked nor expired, newest use first. */
  async listLive(userId: string, now = new Date()): Promise<SessionListing[]> {
    if (typeof userId !== 'string') return [];
    const docs = await this.sessions
      .find(
        { userId, revokedAt: null },
        { _id: 1, rememberMe: 1, createdAt: 1, lastUsedAt: 1, expiresAt: 1, userAgent: 1 },
      )
      .lean()
      .exec();
    return docs
      .filter((d) => d.expiresAt.getTime() > now.getTime())
      .map((d) => ({
        id: d._id,
        rememberMe: d.rememberMe,
        createdAt: d.createdAt,
        lastUsedAt: d.lastUsedAt ?? d.createdAt,
        userAgent: d.userAgent ?? '',
      }))
      .sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime());
  }

  /** Remember the browser of one of the user's sessions (the gateway tells it after a sign-in or refresh). */
  async label(id: string, userId: string, userAgent: string, now = new Date()): Promise<void> {
    if (typeof id !== 'string' || typeof userId !== 'string') return;
    await this.sessions
      .updateOne({ _id: id, userId, revokedAt: null }, { $set: { userAgent, lastUsedAt: now } })
      .exec();
  }

  /** Revoke every live session of a user; returns how many. */
  async revokeAllForUser(userId: string, reason: string, now = new Date()): Promise<number> {
    const r = await this.sessions
      .updateMany({ userId, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } })
      .exec();
    return r.modifiedCount;
  }

  async revoke(id: string, reason: string, now = new Date()): Promise<void> {
    await this.sessions
      .updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } })
      .exec();
  }
}

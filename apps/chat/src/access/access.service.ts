import { Injectable } from '@nestjs/common';
import { RoomRole, ServerRole } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { RoomsRepository } from '../persistence/rooms.repository';
import { Actor, isAutomated } from './actor';
import { AccessInvalidation } from './access-invalidation';
import { decide, MemberFacts, RoomAction, RoomFacts, Standing } from './policy';

const NOBODY: MemberFacts = { role: null, standing: {} };

/** One room's cached facts and the people looked up so far. */
interface CachedRoom {
  facts: Promise<RoomFacts | undefined>;
  members: Map<string, MemberFacts>;
}

/** What an allowed request answers: the room's facts, the actor's membership and effective rank. */
export interface Granted {
  room: RoomFacts;
  membership: RoomRole | null;
  standing: Standing;
  rank: number;
}

export interface CheckOptions {
  /** remove / setRole / deleteAny / mute / ban / invite: the other person */
  targetId?: string;
  /** deleteAny / mute / ban: the other person's server role */
  targetServerRole?: ServerRole;
  newRole?: RoomRole;
}

/** Rooms kept in the cache (then it starts over); memberships per room likewise. */
const ROOMS_MAX = 20_000;
const MEMBERS_PER_ROOM_MAX = 20_000;

/**
 * "May this actor do this to this room?" — the one question every command and REST route asks
 * (`require`), answered by the policy (./policy.ts) from cached facts: the room's kind, archive
 * and post policy, and the actor's membership and standing (mute until when, ban). The send
 * path's check is two map lookups once warm; a mute ends by comparing its end with the clock,
 * so nothing needs to touch the cache when it does.
 *
 * The cache is invalidated by every change of a room's facts or members (`changed`, called by
 * RoomsService after the commit): at once in this process, and in every other chat process by
 * a notice over Redis (AccessInvalidation) — milliseconds, never more than a second. While this
 * process may have missed notices (not subscribed) it reads the database every time. A lookup
 * that raced with a change never writes its (older) answer into the cache.
 */
/** Membership lookups of one room waiting for the next statement. */
interface PendingLookups {
  waiters: Map<string, Array<{ resolve: (r: MemberFacts) => void; reject: (e: unknown) => void }>>;
}

@Injectable()
export class AccessService {
  private readonly rooms = new Map<string, CachedRoom>();
  /** roomId → lookups not yet sent: a join storm's 200 lookups are one statement, not 200 */
  private readonly pending = new Map<string, PendingLookups>();

  constructor(
    private readonly repo: RoomsRepository,
    private readonly invalidation: AccessInvalidation,
  ) {
    invalidation.listen((notice) => {
      if (notice === undefined) this.rooms.clear();
      else if (notice.scope === 'room') this.rooms.delete(notice.roomId);
    });
  }

  /** Answer the decision, or throw the BusError the policy chose (not_found, forbidden …). */
  async require(actor: Actor, roomId: string, action: RoomAction, opts: CheckOptions = {}): Promise<Granted> {
    const entry = this.entry(roomId);
    const room = await entry.facts;
    if (!room) throw new BusError('not_found', 'no such room');
    const [mine, target] = await Promise.all([
      isAutomated(actor) ? Promise.resolve(NOBODY) : this.membership(entry, roomId, actor.id),
      opts.targetId !== undefined ? this.membership(entry, roomId, opts.targetId) : Promise.resolve(undefined),
    ]);
    const d = decide({
      actor,
      room,
      membership: mine.role,
      standing: mine.standing,
      action,
      target: target?.role,
      targetStanding: target?.standing,
      targetServerRole: opts.targetServerRole,
      newRole: opts.newRole,
    });
    if (!d.allowed) throw new BusError(d.code, d.message, d.until !== undefined ? { until: d.until } : {});
    return { room, membership: mine.role, standing: mine.standing, rank: d.rank };
  }

  /** Whether the actor may (no throw). */
  async may(actor: Actor, roomId: string, action: RoomAction, opts: CheckOptions = {}): Promise<boolean> {
    try {
      await this.require(actor, roomId, action, opts);
      return true;
    } catch (err) {
      if (err instanceof BusError) return false;
      throw err;
    }
  }

  /** The room's membership of a user (cached like the rest). */
  async roleOf(roomId: string, userId: string): Promise<RoomRole | null> {
    return (await this.membership(this.entry(roomId), roomId, userId)).role;
  }

  /**
   * The room's facts or members changed (committed): forget them here and tell the other chat
   * processes. Awaited before the change is answered, so the caller's next command sees it.
   */
  async changed(roomId: string): Promise<void> {
    // forgotten here at once (and by this process's other caches), then in the others
    await this.invalidation.publish(roomId);
  }

  private entry(roomId: string): CachedRoom {
    if (!this.invalidation.healthy) return { facts: this.repo.facts(roomId), members: new Map() };
    let entry = this.rooms.get(roomId);
    if (!entry) {
      if (this.rooms.size >= ROOMS_MAX) this.rooms.clear();
      const facts = this.repo.facts(roomId);
      entry = { facts, members: new Map() };
      const created = entry;
      this.rooms.set(roomId, created);
      // an unknown room is not remembered (it may be created next), nor a failed read
      facts.then(
        (f) => f ?? this.forget(roomId, created),
        () => this.forget(roomId, created),
      );
    }
    return entry;
  }

  /** Batched: lookups of one room issued in the same tick go out as one statement. */
  private lookup(roomId: string, userId: string): Promise<MemberFacts> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(roomId);
      if (!batch) {
        this.pending.set(roomId, (batch = { waiters: new Map() }));
        setImmediate(() => void this.flush(roomId));
      }
      const list = batch.waiters.get(userId) ?? [];
      list.push({ resolve, reject });
      batch.waiters.set(userId, list);
    });
  }

  private async flush(roomId: string): Promise<void> {
    const batch = this.pending.get(roomId);
    this.pending.delete(roomId);
    if (!batch) return;
    try {
      const facts = await this.repo.memberFacts(roomId, [...batch.waiters.keys()]);
      for (const [userId, list] of batch.waiters) for (const w of list) w.resolve(facts.get(userId) ?? NOBODY);
    } catch (err) {
      for (const list of batch.waiters.values()) for (const w of list) w.reject(err);
    }
  }

  private forget(roomId: string, entry: CachedRoom): void {
    if (this.rooms.get(roomId) === entry) this.rooms.delete(roomId);
  }

  private async membership(entry: CachedRoom, roomId: string, userId: string): Promise<MemberFacts> {
    const known = entry.members.get(userId);
    if (known !== undefined) return known;
    const role = await this.lookup(roomId, userId);
    // only while this entry is still the room's (no change since the lookup began)
    if (this.rooms.get(roomId) === entry) {
      if (entry.members.size >= MEMBERS_PER_ROOM_MAX) entry.members.clear();
      entry.members.set(userId, role);
    }
    return role;
  }
}

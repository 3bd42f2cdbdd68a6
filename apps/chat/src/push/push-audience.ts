import { Injectable, Logger } from '@nestjs/common';
import { defaultNotificationLevel } from '@hihi/contracts';
import { AccessInvalidation } from '../access/access-invalidation';
import { RoomFacts } from '../access/policy';
import { PushRepository } from '../persistence/push.repository';

/** How long a room's audience is trusted without a notice (a safety net: notices keep it exact). */
export const AUDIENCE_TTL_MS = 60_000;
/** Rooms kept (then it starts over). */
const ROOMS_MAX = 10_000;
/** Two members are enough to know someone besides the sender is there. */
const SAMPLE = 2;

interface Entry {
  at: number;
  members: Promise<string[]>;
}

/**
 * Whether a message that mentions nobody could be pushed to anyone: a member other than the
 * sender with a device and the level `all`. Asked for every new message, so cached per room —
 * without it every message cost a query over the room's members (docs/performance.md, "The push
 * audience"). The cache is exact through the access notices: a membership, kind or level change
 * drops the room (AccessService.changed), a new device drops every room (`publishPush`), in every
 * chat process; it is bypassed while notices may be missed. A removed device or member leaves it
 * wider than it is until then, which costs a job that finds nobody, never a lost push.
 */
@Injectable()
export class PushAudience {
  private readonly logger = new Logger('PushAudience');
  private readonly rooms = new Map<string, Entry>();

  constructor(
    private readonly repo: PushRepository,
    private readonly invalidation: AccessInvalidation,
  ) {
    invalidation.listen((notice) => {
      if (notice === undefined || notice.scope === 'push') this.rooms.clear();
      else this.rooms.delete(notice.roomId);
    });
  }

  /** Could this message (mentioning nobody) be pushed to someone? On a failed read: yes (the job decides). */
  async reachable(room: RoomFacts, senderId: string): Promise<boolean> {
    try {
      const members = await this.members(room);
      return members.some((id) => id !== senderId);
    } catch (err) {
      this.logger.warn(`push audience of ${room.id} not read: ${(err as Error).message}`);
      return true;
    }
  }

  /** Someone added a device: every process forgets every room's audience. */
  deviceAdded(): Promise<void> {
    return this.invalidation.publishPush();
  }

  private members(room: RoomFacts): Promise<string[]> {
    const read = async () =>
      (await this.repo.audience(room.id, defaultNotificationLevel(room.kind) === 'all', SAMPLE)).map((r) => r.user_id);
    if (!this.invalidation.healthy) return read();
    const now = Date.now();
    const known = this.rooms.get(room.id);
    if (known && now - known.at < AUDIENCE_TTL_MS) return known.members;
    if (this.rooms.size >= ROOMS_MAX) this.rooms.clear();
    // in the map before the read: a notice during the read drops it, so its answer is never kept
    const entry: Entry = { at: now, members: read() };
    this.rooms.set(room.id, entry);
    entry.members.catch(() => {
      if (this.rooms.get(room.id) === entry) this.rooms.delete(room.id);
    });
    return entry.members;
  }
}

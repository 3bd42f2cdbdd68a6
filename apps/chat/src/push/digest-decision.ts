import { DIGEST, DigestEntry, NotificationLevel, RoomKind } from '@hihi/contracts';
import { excerptOf, wantsPush } from './push-decision';

/**
 * The email digest's decisions (SPEC §10), pure: who a new message may put a digest in, why,
 * when a person's digest job may mail, and what the mail lists.
 */

/** Room kinds whose every message (at level `all`) goes in the digest; elsewhere only mentions. */
export function digestKind(kind: RoomKind): kind is 'dm' | 'group' {
  return kind === 'dm' || kind === 'group';
}

/**
 * May this message be in the person's digest? As a push (wantsPush: the level, `none` nothing,
 * a bot's message only in a DM with the bot), but only DMs, groups and mentions: a public room
 * at `all` is pushed, not mailed.
 */
export function wantsDigest(
  level: NotificationLevel | null,
  kind: RoomKind,
  mentioned: boolean,
  fromBot = false,
): boolean {
  return (digestKind(kind) || mentioned) && wantsPush(level, kind, mentioned, fromBot);
}

/** Why an entry is in the digest: a mention wins over the room kind, except in a DM (every message there names you). */
export function digestReason(kind: RoomKind, mentioned: boolean): DigestEntry['reason'] {
  if (kind === 'dm') return 'dm';
  if (mentioned) return 'mention';
  return 'group';
}

/** A possible digest recipient of a new message: their level in the room (null: the kind's default). */
export interface DigestCandidate {
  userId: string;
  level: NotificationLevel | null;
}

/** The people a new message may put in a digest (never its sender). */
export function digestTargets(
  candidates: DigestCandidate[],
  kind: RoomKind,
  senderId: string,
  mentions: readonly string[],
  fromBot: boolean,
): string[] {
  const named = new Set(mentions);
  const out = new Set<string>();
  for (const c of candidates) {
    if (c.userId !== senderId && wantsDigest(c.level, kind, named.has(c.userId), fromBot)) out.add(c.userId);
  }
  return [...out];
}

/** A person's digest job: one at a time (BullMQ ignores an add whose id is queued), ':' is not allowed in ids. */
export function digestJobId(userId: string): string {
  return `dg_${userId.replace(/:/g, '_')}`;
}

/**
 * How long the digest must still wait so that one person gets at most one mail per `windowMs`
 * (0: it may go now). `sentAt`: the last mail, ms since the epoch.
 */
export function digestWaitMs(sentAt: number | undefined, now: number, windowMs: number): number {
  if (sentAt === undefined) return 0;
  return Math.max(0, sentAt + windowMs - now);
}

/**
 * The digest's window: after `since` (the last digest's end, else just before the message that
 * queued the job) up to `now - settleMs` (a message younger than NOTIFY_DELAY_SEC may still be
 * seen: it waits for the job's next run), never before `since`.
 */
export function digestWindow(since: number, now: number, settleMs: number): { since: number; until: number } {
  return { since, until: Math.max(since, now - settleMs) };
}

/** A stored message as the digest reads it. */
export interface DigestRow {
  room_id: string;
  room_name: string;
  kind: RoomKind;
  message_id: string;
  seq: number;
  sender_username: string;
  sender_display_name: string;
  text: string;
  attachments: ReadonlyArray<{ name: string }> | null;
  created_at: Date;
  mentioned: boolean;
}

/** One entry of the mail: the excerpt cut to DIGEST.excerptMax. */
export function digestEntry(row: DigestRow): DigestEntry {
  return {
    roomId: row.room_id,
    roomName: row.room_name,
    messageId: row.message_id,
    seq: row.seq,
    reason: digestReason(row.kind, row.mentioned),
    sender: row.sender_display_name || row.sender_username,
    excerpt: excerptOf(row.text, row.attachments, DIGEST.excerptMax),
    at: new Date(row.created_at).toISOString(),
  };
}

/**
 * Remembers, per process, whose digest job it queued lately: a busy group would otherwise ask
 * Redis to queue (and BullMQ to ignore) a job per member per message. A person is skipped for half
 * the delay after their job was queued — it is still waiting then, and will read this message
 * too (or its next run will). Bounded: past `max` people the oldest are forgotten.
 */
export class RecentDigests {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly holdMs: number,
    private readonly max = 100_000,
  ) {}

  /** True when a job should be queued for the person now (and remembers it). */
  take(userId: string, now: number): boolean {
    const held = this.until.get(userId);
    if (held !== undefined && held > now) return false;
    this.until.delete(userId);
    if (this.until.size >= this.max) {
      for (const [id, t] of this.until) {
        if (t <= now || this.until.size >= this.max) this.until.delete(id);
        else break;
      }
    }
    this.until.set(userId, now + this.holdMs);
    return true;
  }

  /** Forget the person (their job could not be queued). */
  forget(userId: string): void {
    this.until.delete(userId);
  }
}

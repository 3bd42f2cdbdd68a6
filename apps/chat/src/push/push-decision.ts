import {
  defaultNotificationLevel,
  Message,
  messageLink,
  NotificationLevel,
  PUSH,
  PushPayload,
  RoomKind,
} from '@hihi/contracts';

/**
 * Is a message worth a push to this person, by the room's level (null: the room kind's default)?
 * `all`: every message; `mentions`: only those that mention them; `none`: nothing. A bot's
 * message (the duck, a bot account, a webhook) is pushed only in a DM with the bot (automated
 * senders record no mentions) — not to a whole room at `all`, nor for the duck's answers in one's
 * own duck room (one is there, talking to it).
 */
export function wantsPush(
  level: NotificationLevel | null,
  kind: RoomKind,
  mentioned: boolean,
  fromBot = false,
): boolean {
  if (fromBot && !mentioned && kind !== 'dm') return false;
  const effective = level ?? defaultNotificationLevel(kind);
  if (effective === 'all') return true;
  if (effective === 'mentions') return mentioned;
  return false;
}

/** Is the message still unread by someone whose read position is `readSeq`? */
export function unread(readSeq: number, seq: number): boolean {
  return readSeq < seq;
}

/** A push service's answer that means the subscription is gone for good (RFC 8030 §7.3). */
export function subscriptionGone(status: number): boolean {
  return status === 404 || status === 410;
}

/** Retries of one device's push (not the whole fan-out) when its push service is busy or failing. */
export const PUSH_RETRY = {
  /** tries of one device in all, the first included */
  tries: 4,
  /** the first retry without a Retry-After, doubled at each further one */
  backoffMs: 5_000,
  /** the longest wait honoured (a longer Retry-After is cut to this) */
  maxWaitMs: 3_600_000,
} as const;

/**
 * A `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP date, as ms from `now`,
 * between 0 and PUSH_RETRY.maxWaitMs; undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const raw = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!raw) return undefined;
  let ms: number;
  if (/^\d+$/.test(raw)) ms = Number(raw) * 1000;
  else {
    const at = Date.parse(raw);
    if (!/[a-z]/i.test(raw) || Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(PUSH_RETRY.maxWaitMs, Math.max(0, ms));
}

/** What to do after one device's push answered `status`: done, forget the subscription, try again later, or give up. */
export type DeliveryVerdict =
  | { kind: 'sent' }
  | { kind: 'gone' }
  | { kind: 'retry'; afterMs: number }
  | { kind: 'give-up'; reason: 'refused' | 'tries' };

/**
 * 2xx: sent; 404/410: gone; 429 and 5xx: retried after Retry-After (else a doubling backoff)
 * while tries remain (`attempt`: this try, from 1); any other answer: given up (it will not
 * change by retrying).
 */
export function deliveryVerdict(
  status: number,
  retryAfter: string | string[] | undefined,
  attempt: number,
  now: number,
): DeliveryVerdict {
  if (status >= 200 && status < 300) return { kind: 'sent' };
  if (subscriptionGone(status)) return { kind: 'gone' };
  if (status !== 429 && (status < 500 || status > 599)) return { kind: 'give-up', reason: 'refused' };
  if (attempt >= PUSH_RETRY.tries) return { kind: 'give-up', reason: 'tries' };
  const backoff = Math.min(PUSH_RETRY.maxWaitMs, PUSH_RETRY.backoffMs * 2 ** (attempt - 1));
  return { kind: 'retry', afterMs: retryAfterMs(retryAfter, now) ?? backoff };
}

/** Where a click on the notification goes: the room, at the message (the web client jumps to `seq`). */
/** The link a push opens (SPEC §10): the room at the message. */
export const messageUrl = messageLink;

/** A message's text on one line, at most `max` characters (an ellipsis ends a cut one); its files when it has no text. */
export function excerptOf(
  text: string,
  attachments: ReadonlyArray<{ name: string }> | null | undefined,
  max: number,
): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line) return line.length > max ? `${line.slice(0, max - 1)}…` : line;
  const files = attachments?.length ?? 0;
  return files ? `📎 ${attachments![0].name}${files > 1 ? ` (+${files - 1})` : ''}` : '';
}

function excerpt(message: Message): string {
  return excerptOf(message.text, message.attachments, PUSH.bodyMax);
}

/**
 * What the service worker shows: the sender (and the room, outside DMs) as title, the text as
 * body (plain text: the notification shows it as such), the room and message to open.
 */
export function buildPayload(message: Message, room: { kind: RoomKind; name: string }): PushPayload {
  const who = message.sender.displayName || message.sender.username;
  const title = room.kind === 'dm' || room.kind === 'bot' || !room.name ? who : `${who} · ${room.name}`;
  return {
    title,
    body: excerpt(message),
    url: messageUrl(message.roomId, message.id, message.seq),
    roomId: message.roomId,
    messageId: message.id,
    seq: message.seq,
    ...(message.sender.avatarUrl ? { icon: message.sender.avatarUrl } : {}),
    tag: `room:${message.roomId}`,
  };
}

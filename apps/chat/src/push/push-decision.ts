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

/** Where a click on the notification goes: the room, at the message (the web client jumps to `seq`). */
/** The link a push opens (SPEC §10): the room at the message. */
export const messageUrl = messageLink;

function excerpt(message: Message): string {
  const text = message.text.replace(/\s+/g, ' ').trim();
  if (text) return text.length > PUSH.bodyMax ? `${text.slice(0, PUSH.bodyMax - 1)}…` : text;
  const files = message.attachments?.length ?? 0;
  return files ? `📎 ${message.attachments![0].name}${files > 1 ? ` (+${files - 1})` : ''}` : '';
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

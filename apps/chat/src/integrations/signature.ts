import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of an outgoing webhook delivery (SPEC §9): `sha256=<hex HMAC-SHA256(secret,
 * timestamp + "." + body)>`, sent as X-Hihi-Signature with X-Hihi-Timestamp (Unix seconds). The
 * receiver recomputes it over the raw body and refuses timestamps outside its tolerance (5 min).
 */
export function signDelivery(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** What a receiver does (docs/integrations.md has the same in a few lines). */
export function verifyDelivery(
  secret: string,
  timestamp: string | undefined,
  body: string,
  signature: string | undefined,
  nowSec = Math.floor(Date.now() / 1000),
  toleranceSec = 300,
): boolean {
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSec - ts) > toleranceSec || typeof signature !== 'string') return false;
  const expected = Buffer.from(signDelivery(secret, ts, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Does the message set off a hook with this trigger? */
export function triggers(
  trigger: 'all' | 'mention' | { words: string[] },
  message: { text: string; mentions?: string[] },
): boolean {
  if (trigger === 'all') return true;
  if (trigger === 'mention') return (message.mentions?.length ?? 0) > 0 || /(^|\s)@[^\s@]+/u.test(message.text);
  const words = new Set(
    message.text
      .toLowerCase()
      .split(/[\s,.;:!?()[\]{}"'`]+/u)
      .filter(Boolean),
  );
  return trigger.words.some((w) => words.has(w.trim().toLowerCase()));
}

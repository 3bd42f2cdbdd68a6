/**
 * `@username` mentions in message text (SPEC §5 `mentions`): the server resolves them to user
 * ids, the web client highlights them. A mention starts at the beginning of the text or after a
 * character that is not part of a name, so `a@b.c` (an e-mail address) mentions nobody.
 */
const MENTION = /(^|[^\p{L}\p{N}_.@-])@([\p{L}\p{N}_][\p{L}\p{N}_.-]{0,31})/gu;

/** The distinct usernames mentioned in `text`, lower-cased, in order of first appearance (at most `max`). */
export function mentionedUsernames(text: string, max = 20): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(MENTION)) {
    const name = m[2].replace(/[.-]+$/, '').toLowerCase();
    if (name && !out.includes(name)) out.push(name);
    if (out.length >= max) break;
  }
  return out;
}

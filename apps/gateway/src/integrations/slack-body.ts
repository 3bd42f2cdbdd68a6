import { LIMITS } from '@hihi/contracts';

/** The parts of a Slack-compatible incoming-webhook body that become the message (SPEC §9). */
export interface HookMessage {
  text: string;
  username?: string;
}

const MAX_ATTACHMENTS = 20;
const MAX_BLOCKS = 50;
const MAX_FIELDS = 20;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const list = (v: unknown, max: number): unknown[] => (Array.isArray(v) ? v.slice(0, max) : []);
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Slack's mrkdwn links `<https://x|label>` and `<https://x>`, mentions `<!here>` → plain text. */
export function slackLinks(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>\s]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^|>\s]+)>/g, '$1')
    .replace(/<!(here|channel|everyone)(\|[^>]*)?>/g, '@$1');
}

/** A block's text: `text.text`, its `fields[].text`, its `elements[].text` (context, rich text). */
function blockText(block: unknown): string[] {
  const b = obj(block);
  const out: string[] = [];
  const t = str(obj(b.text).text) ?? str(b.text);
  if (t) out.push(t);
  for (const f of list(b.fields, MAX_FIELDS)) {
    const ft = str(obj(f).text);
    if (ft) out.push(ft);
  }
  for (const e of list(b.elements, MAX_FIELDS)) {
    const et = str(obj(e).text) ?? str(obj(obj(e).text).text);
    if (et) out.push(et);
    // rich_text sections nest their pieces one level deeper
    const inner = list(obj(e).elements, MAX_FIELDS)
      .map((x) => (typeof obj(x).text === 'string' ? (obj(x).text as string) : ''))
      .join('');
    if (inner.trim()) out.push(inner.trim());
  }
  return out;
}

/** An attachment's lines: pretext, title (and its link), text, fields; the fallback if none. */
function attachmentText(attachment: unknown): string[] {
  const a = obj(attachment);
  const out: string[] = [];
  const pretext = str(a.pretext);
  if (pretext) out.push(pretext);
  const title = str(a.title);
  const link = str(a.title_link);
  if (title) out.push(link ? `${title} (${link})` : title);
  const text = str(a.text);
  if (text) out.push(text);
  for (const f of list(a.fields, MAX_FIELDS)) {
    const ft = str(obj(f).title);
    const fv = str(obj(f).value);
    if (ft || fv) out.push(ft && fv ? `${ft}: ${fv}` : (ft ?? fv)!);
  }
  for (const b of list(a.blocks, MAX_BLOCKS)) out.push(...blockText(b));
  if (!out.length) {
    const fallback = str(a.fallback);
    if (fallback) out.push(fallback);
  }
  return out;
}

/**
 * The message of a Slack-compatible body — `text`, plus `attachments` and `blocks` turned into
 * text lines (so Grafana, Alertmanager, CI "Slack" notifiers work by changing only the URL) — or
 * the reason it has none. Long text is cut at the message limit with an ellipsis.
 */
export function slackToMessage(body: unknown): HookMessage | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the body must be a JSON object' };
  const b = body as Record<string, unknown>;
  if (b.text !== undefined && typeof b.text !== 'string') return { error: 'text must be a string' };
  if (b.attachments !== undefined && !Array.isArray(b.attachments)) return { error: 'attachments must be a list' };
  if (b.blocks !== undefined && !Array.isArray(b.blocks)) return { error: 'blocks must be a list' };
  if (b.username !== undefined && typeof b.username !== 'string') return { error: 'username must be a string' };
  const lines: string[] = [];
  const text = str(b.text);
  if (text) lines.push(text);
  // blocks carry the whole message; Slack shows `text` only as the notification then — keep both once
  for (const block of list(b.blocks, MAX_BLOCKS))
    for (const l of blockText(block)) if (!lines.includes(l)) lines.push(l);
  for (const a of list(b.attachments, MAX_ATTACHMENTS)) lines.push(...attachmentText(a));
  let message = slackLinks(lines.join('\n')).trim();
  if (!message) return { error: 'text is required (or attachments / blocks with text)' };
  if (message.length > LIMITS.messageMax) message = `${message.slice(0, LIMITS.messageMax - 1)}…`;
  const username = str(b.username);
  return { text: message, ...(username ? { username } : {}) };
}

/** `application/x-www-form-urlencoded` with `payload=<JSON>` (Slack's legacy form), already parsed. */
export function formPayload(form: unknown): unknown {
  const payload = obj(form).payload;
  if (typeof payload !== 'string') return undefined;
  return JSON.parse(payload) as unknown;
}

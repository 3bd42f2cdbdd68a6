import type { Message } from '@hihi/contracts';

/**
 * Merges messages into an ascending-by-seq list, dropping duplicates by id and by seq.
 * Returns the original array when nothing new arrived, so signals do not fire needlessly.
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing as Message[];
  const ids = new Set(existing.map((m) => m.id));
  const seqs = new Set(existing.map((m) => m.seq));
  const fresh: Message[] = [];
  for (const m of incoming) {
    if (!m || ids.has(m.id) || seqs.has(m.seq)) continue;
    ids.add(m.id);
    seqs.add(m.seq);
    fresh.push(m);
  }
  if (fresh.length === 0) return existing as Message[];
  const last = existing.length ? existing[existing.length - 1].seq : -Infinity;
  const sortedFresh = fresh.sort((a, b) => a.seq - b.seq);
  // common case: new messages simply follow the existing ones
  if (sortedFresh[0].seq > last) return [...existing, ...sortedFresh];
  return [...existing, ...sortedFresh].sort((a, b) => a.seq - b.seq);
}

/**
 * Applies changed messages (edits, deletions, reactions: `message:updated` and the join ack's
 * `updates`) by replacing the message with the same id. Never adds one: a change to a message not
 * loaded here is simply ignored (it arrives as it is now when that page is loaded).
 * Returns the original array when nothing changed.
 */
export function replaceMessages(existing: readonly Message[], updates: readonly Message[]): Message[] {
  if (updates.length === 0 || existing.length === 0) return existing as Message[];
  const byId = new Map<string, Message>();
  for (const m of updates) if (m?.id) byId.set(m.id, m);
  let changed = false;
  const next = existing.map((m) => {
    const u = byId.get(m.id);
    if (!u || u === m) return m;
    changed = true;
    // the seq never changes; keep the known one so the list stays sorted
    return { ...u, seq: m.seq, roomId: m.roomId };
  });
  return changed ? next : (existing as Message[]);
}

/** The highest seq in an ascending list, or undefined when empty. */
export function lastSeq(messages: readonly Message[]): number | undefined {
  return messages.length ? messages[messages.length - 1].seq : undefined;
}

/** A fresh client message id: a UUID when the browser offers one (secure contexts), else random hex. */
export function newClientMsgId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      /* not a secure context */
    }
  }
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

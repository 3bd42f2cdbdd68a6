import { SEARCH } from '@hihi/contracts';

/** The terms of a query: whitespace-separated, distinct (case-insensitively), at most SEARCH.termsMax. */
export function searchTerms(q: string): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  for (const t of q.trim().split(/\s+/u)) {
    const key = t.toLowerCase();
    if (!t || seen.has(key)) continue;
    seen.add(key);
    terms.push(t);
    if (terms.length >= SEARCH.termsMax) break;
  }
  return terms;
}

/** A term as a LIKE pattern matching it anywhere (its %, _ and \ taken literally). */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface Excerpt {
  excerpt: string;
  /** [start, end) ranges of the matches in `excerpt`, in UTF-16 code units (JS string indices), ascending, disjoint */
  highlights: Array<[number, number]>;
}

/**
 * A window of the text around its first match (SEARCH.excerptBefore characters before it,
 * SEARCH.excerptLength in all, "…" where cut) and the ranges of every match inside it. Matching
 * is case-insensitive, longest term first where matches overlap. Never cuts a surrogate pair.
 */
export function excerptOf(text: string, terms: string[]): Excerpt {
  const sorted = [...terms].filter(Boolean).sort((a, b) => b.length - a.length);
  const re = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'giu') : undefined;
  const first = re ? text.search(re) : -1;
  let start = Math.max(0, (first < 0 ? 0 : first) - SEARCH.excerptBefore);
  let end = Math.min(text.length, start + SEARCH.excerptLength);
  // near the end of the text: show more of what comes before
  start = Math.max(0, Math.min(start, end - SEARCH.excerptLength));
  // never split a surrogate pair
  if (start > 0 && /[\udc00-\udfff]/.test(text[start])) start--;
  if (end < text.length && /[\udc00-\udfff]/.test(text[end])) end++;
  const prefix = start > 0 ? '…' : '';
  const body = text.slice(start, end);
  const excerpt = `${prefix}${body}${end < text.length ? '…' : ''}`;
  const highlights: Array<[number, number]> = [];
  if (re) {
    for (const m of body.matchAll(re)) {
      if (!m[0].length) continue;
      const s = prefix.length + (m.index ?? 0);
      highlights.push([s, s + m[0].length]);
    }
  }
  return { excerpt, highlights };
}

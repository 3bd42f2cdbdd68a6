import { LIMITS } from './limits';

/** Letters of any script, digits, `_ . -`; at most LIMITS.usernameMax characters (code points). */
const USERNAME_CHARS = new RegExp(`^[\\p{L}\\p{N}_.\\-]{1,${LIMITS.usernameMax}}$`, 'u');
/** Wide characters (CJK ideographs, kana, Hangul, fullwidth forms) count as two toward the minimum. */
const WIDE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303F\uFF01-\uFF60\uFFE0-\uFFE6]/u;

/** Display width of a name: wide characters count 2, others 1. */
export function usernameWidth(name: string): number {
  let w = 0;
  for (const ch of name) w += WIDE.test(ch) ? 2 : 1;
  return w;
}

/**
 * docs/api.md "Rules": 3–32 characters of letters (any script), digits, `_`, `.`, `-` — "so 小明 is fine":
 * the minimum of 3 is measured in display width (a Chinese character counts as 2), the maximum
 * of 32 in characters. Shared by the server's validation and the web client's forms.
 */
export function isValidUsername(name: unknown): name is string {
  return typeof name === 'string' && USERNAME_CHARS.test(name) && usernameWidth(name) >= LIMITS.usernameMin;
}

/* ---------- Display names and room names (SPEC §6) ---------- */

/**
 * Never allowed in a display name or a room name: C0/C1 controls (Cc), format characters (Cf:
 * bidi embeddings, overrides and isolates, LRM/RLM, zero-width space/joiners, BOM, soft hyphen,
 * tags), lone surrogates (Cs), line/paragraph separators, and the other default-ignorable code
 * points (Hangul fillers …) except variation selectors, which emoji need.
 */
export const NAME_FORBIDDEN_CHARS =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|(?![\uFE00-\uFE0F\u{E0100}-\u{E01EF}])\p{Default_Ignorable_Code_Point}/u;
/** Something that shows: not a space, a mark (variation selectors are marks too) or a blank pattern. */
const VISIBLE_CHAR = /[^\p{Z}\p{M}\s\u2800]/u;

/**
 * What is wrong with a display name or room name as far as characters go (undefined: nothing).
 * Shared by the server's validation and the web client's forms. Look-alikes of the bots' names
 * are checked on the server (they need the Unicode confusables data).
 */
export function nameCharsProblem(name: string, label: string): string | undefined {
  if (NAME_FORBIDDEN_CHARS.test(name))
    return `${label} must not contain control, bidi, zero-width or other invisible formatting characters`;
  if (!VISIBLE_CHAR.test(name)) return `${label} must contain a visible character`;
  return undefined;
}

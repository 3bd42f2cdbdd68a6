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
 * SPEC §6: 3–32 characters of letters (any script), digits, `_`, `.`, `-` — "so 小明 is fine":
 * the minimum of 3 is measured in display width (a Chinese character counts as 2), the maximum
 * of 32 in characters. Shared by the server's validation and the web client's forms.
 */
export function isValidUsername(name: unknown): name is string {
  return typeof name === 'string' && USERNAME_CHARS.test(name) && usernameWidth(name) >= LIMITS.usernameMin;
}

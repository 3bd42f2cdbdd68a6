import { Lang } from './corpus';

/** NFKC, lower case, punctuation and symbols to spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const HAN_RUN = /(\p{Script=Han}+)|([^\s\p{Script=Han}]+)/gu;

/**
 * Chinese features: each Han character and each pair of neighbours (nlp.js' dictionary
 * segmenter is slow to load and splits chat language badly; character n-grams need no
 * dictionary and survive typos and word order), plus latin words whole.
 */
export function zhTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of normalize(text).matchAll(HAN_RUN)) {
    if (m[1]) {
      const chars = [...m[1]];
      out.push(...chars);
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    } else if (m[2]) {
      out.push(m[2]);
    }
  }
  return out;
}

/** English n-gram features: words and the character trigrams of each padded word. */
export function enGrams(text: string): string[] {
  const out: string[] = [];
  for (const w of normalize(text).split(' ')) {
    if (!w) continue;
    out.push(`w:${w}`);
    const p = `#${w}#`;
    for (let i = 0; i + 3 <= p.length; i++) out.push(p.slice(i, i + 3));
  }
  return out;
}

/** Chinese n-gram features: characters, bigrams and trigrams of Han runs, latin words. */
export function zhGrams(text: string): string[] {
  const out: string[] = [];
  for (const m of normalize(text).matchAll(HAN_RUN)) {
    if (m[1]) {
      const c = [...m[1]];
      for (let i = 0; i < c.length; i++) {
        out.push(c[i]);
        if (i + 1 < c.length) out.push(c[i] + c[i + 1]);
        if (i + 2 < c.length) out.push(c[i] + c[i + 1] + c[i + 2]);
      }
    } else if (m[2]) {
      out.push(`w:${m[2]}`);
    }
  }
  return out;
}

export function gramsOf(lang: Lang, text: string): string[] {
  return lang === 'zh' ? zhGrams(text) : enGrams(text);
}

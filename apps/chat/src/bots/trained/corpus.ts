import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** What one language knows of an intent: ways to ask it, and answers (one is picked). */
export interface IntentText {
  q: string[];
  /** empty for the None intent */
  a: string[];
}

export interface CorpusIntent {
  name: string;
  text: Record<Lang, IntentText>;
}

export interface Corpus {
  intents: CorpusIntent[];
  /** sha256 of the file's text: the model is retrained when it changes */
  hash: string;
}

/** The intent of chatter the duck has no answer for (nlp.js' own name for it): it echoes. */
export const NONE_INTENT = 'None';

/** A held-out paraphrase: the intent it means, or null when the duck should echo it. */
export interface HeldOutCase {
  q: string;
  intent: string | null;
}

/** The corpus file is malformed; the message says where. */
export class CorpusError extends Error {
  override name = 'CorpusError';
}

/** The corpus shipped with the chat service (copied beside the compiled code by nest build). */
export const DEFAULT_CORPUS_PATH = join(__dirname, '..', 'corpus', 'duck-corpus.yaml');
export const DEFAULT_HELDOUT_PATH = join(__dirname, '..', 'corpus', 'duck-heldout.yaml');

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new CorpusError(`${where} must be a non-empty list`);
  return v.map((s, i) => {
    if (typeof s !== 'string' && typeof s !== 'number') throw new CorpusError(`${where}[${i}] must be text`);
    const t = String(s).trim();
    if (!t) throw new CorpusError(`${where}[${i}] is empty`);
    return t;
  });
}

/** Parse and check a corpus (YAML text). */
export function parseCorpus(source: string): Corpus {
  let doc: unknown;
  try {
    doc = parseYaml(source);
  } catch (err) {
    throw new CorpusError(`the corpus is not valid YAML: ${(err as Error).message}`);
  }
  if (!isRecord(doc) || !isRecord(doc.intents)) throw new CorpusError('the corpus must have a map `intents`');
  const intents: CorpusIntent[] = [];
  for (const [name, body] of Object.entries(doc.intents)) {
    if (!/^[a-z0-9_.-]+$/i.test(name)) throw new CorpusError(`intent name ${JSON.stringify(name)} is not a-z0-9_.-`);
    if (!isRecord(body)) throw new CorpusError(`intent ${name} must map zh and en`);
    const text = {} as Record<Lang, IntentText>;
    for (const lang of LANGS) {
      const t = body[lang];
      if (!isRecord(t)) throw new CorpusError(`intent ${name} has no ${lang}`);
      const a = name === NONE_INTENT ? [] : strings(t.a, `${name}.${lang}.a`);
      text[lang] = { q: strings(t.q, `${name}.${lang}.q`), a };
    }
    intents.push({ name, text });
  }
  if (intents.length === 0) throw new CorpusError('the corpus has no intents');
  return { intents, hash: createHash('sha256').update(source).digest('hex') };
}

export function loadCorpus(path = DEFAULT_CORPUS_PATH): Corpus {
  return parseCorpus(readFileSync(path, 'utf8'));
}

export function loadHeldOut(path = DEFAULT_HELDOUT_PATH): HeldOutCase[] {
  const doc = parseYaml(readFileSync(path, 'utf8'));
  if (!isRecord(doc) || !Array.isArray(doc.cases)) throw new CorpusError('held-out file must have a list `cases`');
  return doc.cases.map((c: unknown, i: number) => {
    if (!isRecord(c) || (typeof c.q !== 'string' && typeof c.q !== 'number')) {
      throw new CorpusError(`case ${i} needs q`);
    }
    const intent = c.intent === null || c.intent === undefined ? null : String(c.intent);
    return { q: String(c.q), intent };
  });
}

/** The language to understand and answer a text in: Chinese when it has Han characters. */
export function langOf(text: string): Lang {
  return /\p{Script=Han}/u.test(text) ? 'zh' : 'en';
}

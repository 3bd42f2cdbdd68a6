import { containerBootstrap, NlpContainer } from '@nlpjs/core';
import { Nlp } from '@nlpjs/nlp';
import { LangEn } from '@nlpjs/lang-en-min';
import { Corpus, CorpusIntent, Lang, langOf, LANGS, NONE_INTENT } from './corpus';
import { normalize, zhTokens } from './features';
import { NgramIndex, NgramMatch } from './ngram-index';

/** Bumped when features or settings change, so saved models of the old kind are retrained. */
export const MODEL_FORMAT = 1;

/** What the duck makes of a text, before deciding whether it is sure. */
export interface Understanding {
  lang: Lang;
  /** nlp.js' neural classifier ('None' when nothing it knows is in the text) */
  nlp: { intent: string; score: number };
  /** nearest training question by character n-grams */
  ngram?: NgramMatch;
}

/**
 * When the duck is sure enough to answer: both models agree and either is fairly sure, or one
 * of them is very sure on its own. Tuned on duck-heldout.yaml by 2-fold cross-validation (the
 * same values came out best on either half; docs/bots.md has the figures).
 */
export const THRESHOLDS = {
  agreeNlp: 0.3,
  agreeNgram: 0.15,
  nlpAlone: 0.8,
  /** nlp.js alone also needs this much n-gram likeness to its intent (one known word is not enough) */
  nlpAloneSupport: 0.15,
  ngramAlone: 0.55,
  ngramAloneMargin: 0,
  /** share of the text's n-grams the corpus knows, below which the duck never answers */
  minKnown: 0.3,
};

export function decide(u: Understanding, t = THRESHOLDS): string | undefined {
  const nlp = u.nlp.intent !== NONE_INTENT ? u.nlp : undefined;
  const ng = u.ngram?.intent !== NONE_INTENT ? u.ngram : undefined;
  if (!u.ngram || u.ngram.known < t.minKnown) return undefined;
  if (nlp && ng && nlp.intent === ng.intent && (nlp.score >= t.agreeNlp || ng.score >= t.agreeNgram)) return nlp.intent;
  const support = nlp ? (u.ngram.scores.get(nlp.intent) ?? 0) : 0;
  if (nlp && nlp.score >= t.nlpAlone && support >= t.nlpAloneSupport && (!ng || ng.score < t.ngramAlone)) {
    return nlp.intent;
  }
  if (ng && ng.score >= t.ngramAlone && ng.margin >= t.ngramAloneMargin) return ng.intent;
  return undefined;
}

/** Chinese for nlp.js without its 9 MB dictionary: character uni- and bigrams (features.ts). */
class LangZhChars {
  register(container: NlpContainer): void {
    container.register('normalizer-zh', { normalize: (text: string) => normalize(text) }, true);
    container.register(
      'tokenizer-zh',
      { tokenize: (text: string) => zhTokens(text), innerTokenize: (text: string) => zhTokens(text) },
      true,
    );
    container.register('stemmer-zh', { stem: (tokens: string[]) => tokens }, true);
  }
}

async function newNlp(): Promise<Nlp> {
  const container = await containerBootstrap();
  container.use(LangEn);
  container.use(LangZhChars);
  const nlp = new Nlp(
    { languages: [...LANGS], autoSave: false, autoLoad: false, nlu: { log: false }, forceNER: false },
    container,
  );
  nlp.addLanguage([...LANGS]);
  return nlp;
}

function ngramIndexes(intents: CorpusIntent[]): Record<Lang, NgramIndex> {
  const build = (lang: Lang) =>
    new NgramIndex(
      lang,
      intents.flatMap((i) => i.text[lang].q.map((q) => ({ intent: i.name, q }))),
    );
  return { zh: build('zh'), en: build('en') };
}

/**
 * The trained duck's understanding: an nlp.js neural intent classifier per language, checked
 * against a character n-gram nearest-question index. Train from a corpus, or import a model
 * trained earlier from the same corpus.
 */
export class DuckBrain {
  private constructor(
    private readonly nlp: Nlp,
    private readonly ngrams: Record<Lang, NgramIndex>,
    readonly corpus: Corpus,
  ) {}

  static async train(corpus: Corpus): Promise<DuckBrain> {
    const nlp = await newNlp();
    for (const intent of corpus.intents) {
      for (const lang of LANGS) for (const q of intent.text[lang].q) nlp.addDocument(lang, q, intent.name);
    }
    await nlp.train();
    return new DuckBrain(nlp, ngramIndexes(corpus.intents), corpus);
  }

  /** A brain from `DuckBrain.export()` of a brain trained on this corpus. */
  static async import(corpus: Corpus, model: string): Promise<DuckBrain> {
    const nlp = await newNlp();
    nlp.import(model);
    return new DuckBrain(nlp, ngramIndexes(corpus.intents), corpus);
  }

  export(): string {
    return this.nlp.export(true);
  }

  async understand(text: string): Promise<Understanding> {
    const lang = langOf(text);
    const r = await this.nlp.process(lang, text);
    return { lang, nlp: { intent: r.intent || 'None', score: r.score ?? 0 }, ngram: this.ngrams[lang].match(text) };
  }

  /** The intent the duck is sure of, if any. */
  async classify(text: string): Promise<{ lang: Lang; intent?: string }> {
    const u = await this.understand(text);
    return { lang: u.lang, intent: decide(u) };
  }

  /**
   * The duck's answer in the question's language, or undefined when it is not sure. `seed`
   * picks among the intent's answers (the same seed always picks the same answer).
   */
  async answer(text: string, seed = 0): Promise<{ intent: string; text: string } | undefined> {
    if (!normalize(text)) return undefined;
    const { lang, intent } = await this.classify(text);
    const found = intent ? this.corpus.intents.find((i) => i.name === intent) : undefined;
    if (!found || found.text[lang].a.length === 0) return undefined;
    const answers = found.text[lang].a;
    return { intent: found.name, text: answers[Math.abs(seed) % answers.length] };
  }
}

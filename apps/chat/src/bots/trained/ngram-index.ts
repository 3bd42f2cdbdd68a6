import { Lang } from './corpus';
import { gramsOf } from './features';

type Vec = Map<string, number>;

export interface NgramMatch {
  intent: string;
  /** cosine similarity of the best training question, 0..1 */
  score: number;
  /** how far ahead of the best question of another intent */
  margin: number;
  /** best cosine of each intent */
  scores: Map<string, number>;
  /** share of the text's n-grams the corpus has ever seen (0..1) */
  known: number;
}

/**
 * Nearest training question by TF-IDF cosine over character n-grams: a fallback that needs no
 * training and copes with short, reworded or mistyped questions, where a word model has little
 * to hold on to. Built from the corpus in a few milliseconds.
 */
export class NgramIndex {
  private readonly idf = new Map<string, number>();
  private readonly docs: { intent: string; vec: Vec }[] = [];

  constructor(
    private readonly lang: Lang,
    questions: { intent: string; q: string }[],
  ) {
    const grams = questions.map((d) => gramsOf(lang, d.q));
    const df = new Map<string, number>();
    for (const g of grams) for (const t of new Set(g)) df.set(t, (df.get(t) ?? 0) + 1);
    const n = questions.length;
    for (const [t, f] of df) this.idf.set(t, Math.log((n + 1) / (f + 0.5)));
    questions.forEach((d, i) => this.docs.push({ intent: d.intent, vec: this.vector(grams[i]) }));
  }

  private vector(grams: string[]): Vec {
    const tf = new Map<string, number>();
    for (const g of grams) tf.set(g, (tf.get(g) ?? 0) + 1);
    const vec: Vec = new Map();
    let norm = 0;
    for (const [t, f] of tf) {
      const w = (1 + Math.log(f)) * (this.idf.get(t) ?? 0);
      if (w > 0) {
        vec.set(t, w);
        norm += w * w;
      }
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [t, w] of vec) vec.set(t, w / norm);
    return vec;
  }

  match(text: string): NgramMatch | undefined {
    const grams = gramsOf(this.lang, text);
    const q = this.vector(grams);
    if (q.size === 0) return undefined;
    const known = grams.filter((g) => this.idf.has(g)).length / grams.length;
    const best = new Map<string, number>();
    for (const d of this.docs) {
      let dot = 0;
      const [small, big] = q.size < d.vec.size ? [q, d.vec] : [d.vec, q];
      for (const [t, w] of small) dot += w * (big.get(t) ?? 0);
      if (dot > (best.get(d.intent) ?? 0)) best.set(d.intent, dot);
    }
    const ranked = [...best.entries()].sort((a, b) => b[1] - a[1]);
    if (ranked.length === 0) return undefined;
    return {
      intent: ranked[0][0],
      score: ranked[0][1],
      margin: ranked[0][1] - (ranked[1]?.[1] ?? 0),
      scores: best,
      known,
    };
  }
}

import { HeldOutCase } from './corpus';
import { DuckBrain } from './duck-brain';

export interface Evaluation {
  total: number;
  correct: number;
  /** of the cases with an intent: answered with the right one */
  answered: { total: number; correct: number };
  /** of the cases without: echoed (not answered) */
  echoed: { total: number; correct: number };
  misses: { q: string; want: string | null; got: string | null }[];
}

/** How the brain does on held-out paraphrases (what `npm run duck:train` prints). */
export async function evaluate(brain: DuckBrain, cases: HeldOutCase[]): Promise<Evaluation> {
  const e: Evaluation = {
    total: 0,
    correct: 0,
    answered: { total: 0, correct: 0 },
    echoed: { total: 0, correct: 0 },
    misses: [],
  };
  for (const c of cases) {
    const got = (await brain.classify(c.q)).intent ?? null;
    const ok = got === c.intent;
    const bucket = c.intent === null ? e.echoed : e.answered;
    e.total++;
    bucket.total++;
    if (ok) {
      e.correct++;
      bucket.correct++;
    } else {
      e.misses.push({ q: c.q, want: c.intent, got });
    }
  }
  return e;
}

export function pct(n: number, of: number): string {
  return of === 0 ? '-' : `${((100 * n) / of).toFixed(1)} %`;
}

/**
 * `npm run duck:train`: retrain the trained duck from its corpus now, save the model in the data
 * folder (HIHI_DATA_DIR/duck/duck-model.json; DUCK_CORPUS may name another corpus file) and print
 * how it does on the held-out paraphrases.
 */
import 'reflect-metadata';
import { ChatConfig, loadConfigOrExit } from '@hihi/config';
import { DEFAULT_CORPUS_PATH, loadHeldOut } from './corpus';
import { modelPath, readyBrain } from './duck-model';
import { evaluate, pct } from './evaluate';

async function main(): Promise<void> {
  const config = loadConfigOrExit(ChatConfig, 'duck:train');
  const corpusPath = process.env.DUCK_CORPUS || DEFAULT_CORPUS_PATH;
  const { brain, ms } = await readyBrain(config.HIHI_DATA_DIR, corpusPath, { force: true, background: false });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`trained ${brain.corpus.intents.length} intents from ${corpusPath} in ${ms} ms`);
  out(`model saved to ${modelPath(config.HIHI_DATA_DIR)} (corpus ${brain.corpus.hash.slice(0, 12)})`);
  if (corpusPath !== DEFAULT_CORPUS_PATH) return;
  const e = await evaluate(brain, loadHeldOut());
  out(`held-out: ${e.correct}/${e.total} right (${pct(e.correct, e.total)})`);
  out(
    `  questions answered with the right intent: ${e.answered.correct}/${e.answered.total} (${pct(e.answered.correct, e.answered.total)})`,
  );
  out(`  unknown chatter echoed: ${e.echoed.correct}/${e.echoed.total} (${pct(e.echoed.correct, e.echoed.total)})`);
  for (const m of e.misses) out(`  miss: ${JSON.stringify(m.q)} → ${m.got ?? 'echo'} (expected ${m.want ?? 'echo'})`);
}

main().catch((err: unknown) => {
  process.stderr.write(`duck:train failed: ${(err as Error).message}\n`);
  process.exit(1);
});

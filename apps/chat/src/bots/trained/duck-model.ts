import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Corpus, loadCorpus } from './corpus';
import { DuckBrain, MODEL_FORMAT } from './duck-brain';

/** The saved model: valid for the corpus (by hash) and model format it was trained with. */
export interface ModelFile {
  format: number;
  corpusHash: string;
  trainedAt: string;
  trainMs: number;
  model: string;
}

/** Where the trained model is kept: `<HIHI_DATA_DIR>/duck/duck-model.json`. */
export function modelPath(dataDir: string): string {
  return join(resolve(dataDir), 'duck', 'duck-model.json');
}

/** The saved model of this corpus, if there is one. */
export function readModel(dataDir: string, corpus: Corpus): ModelFile | undefined {
  const path = modelPath(dataDir);
  if (!existsSync(path)) return undefined;
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as Partial<ModelFile>;
    if (file.format !== MODEL_FORMAT || file.corpusHash !== corpus.hash || typeof file.model !== 'string') {
      return undefined;
    }
    return file as ModelFile;
  } catch {
    return undefined; // unreadable: train again
  }
}

/** Save atomically (write then rename), so a crash or a second process never leaves half a file. */
export function writeModel(dataDir: string, file: ModelFile): void {
  const path = modelPath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file));
  renameSync(tmp, path);
}

/** Train on the corpus file and return the exported model (runs in the calling thread). */
export async function trainModel(corpusPath: string): Promise<ModelFile> {
  const corpus = loadCorpus(corpusPath);
  const t0 = Date.now();
  const brain = await DuckBrain.train(corpus);
  return {
    format: MODEL_FORMAT,
    corpusHash: corpus.hash,
    trainedAt: new Date().toISOString(),
    trainMs: Date.now() - t0,
    model: brain.export(),
  };
}

/**
 * Train off the event loop: nlp.js trains synchronously (~1 s of CPU for the shipped corpus),
 * which must not stall the chat service's sends. The compiled service runs train.worker.js in a
 * worker thread; under ts-jest (no compiled worker) it trains in the calling thread.
 */
export function trainInBackground(corpusPath: string): Promise<ModelFile> {
  const worker = join(__dirname, 'train.worker.js');
  if (!__filename.endsWith('.js') || !existsSync(worker)) return trainModel(corpusPath);
  return new Promise<ModelFile>((resolveModel, reject) => {
    const w = new Worker(worker, { workerData: { corpusPath } });
    w.once('message', (m: { model?: ModelFile; error?: string }) => {
      if (m.model) resolveModel(m.model);
      else reject(new Error(m.error ?? 'training failed'));
      void w.terminate();
    });
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`training worker exited with ${code}`));
    });
  });
}

export interface ReadyBrain {
  brain: DuckBrain;
  /** 'loaded': the saved model fitted the corpus; 'trained': it was (re)trained now */
  how: 'loaded' | 'trained';
  ms: number;
}

/**
 * The brain for this corpus: the saved model when its corpus hash matches, else trained (in the
 * background) and saved for the next start. `force` retrains regardless (npm run duck:train).
 */
export async function readyBrain(
  dataDir: string,
  corpusPath: string,
  opts: { force?: boolean; background?: boolean } = {},
): Promise<ReadyBrain> {
  const t0 = Date.now();
  const corpus = loadCorpus(corpusPath);
  const saved = opts.force ? undefined : readModel(dataDir, corpus);
  if (saved) return { brain: await DuckBrain.import(corpus, saved.model), how: 'loaded', ms: Date.now() - t0 };
  const file = opts.background === false ? await trainModel(corpusPath) : await trainInBackground(corpusPath);
  if (file.corpusHash !== corpus.hash) throw new Error('the corpus changed while training; try again');
  writeModel(dataDir, file);
  return { brain: await DuckBrain.import(corpus, file.model), how: 'trained', ms: Date.now() - t0 };
}

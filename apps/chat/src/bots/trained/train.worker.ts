import { parentPort, workerData } from 'node:worker_threads';
import { trainModel } from './duck-model';

/** Worker thread of trainInBackground: trains on the corpus and posts the model back. */
const { corpusPath } = workerData as { corpusPath: string };
trainModel(corpusPath).then(
  (model) => parentPort?.postMessage({ model }),
  (err: unknown) => parentPort?.postMessage({ error: (err as Error).message }),
);

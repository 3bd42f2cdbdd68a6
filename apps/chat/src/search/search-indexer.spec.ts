import { Logger } from '@nestjs/common';
import { ChatConfig } from '@hihi/config';
import { IndexedBatch, SearchRepository } from '../persistence/search.repository';
import { SEARCH_INDEX_BATCH, SearchIndexer } from './search-indexer';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A repository whose indexQueued answers (or throws) what the test scripted, one call at a time. */
/** `'locked'`: another process holds the indexer's lock (indexQueued answers undefined). */
function fakeRepo(script: Array<IndexedBatch | 'locked' | Error | (() => Promise<IndexedBatch>)>) {
  const calls: number[] = [];
  const repo = {
    indexQueued: jest.fn(async (limit: number) => {
      calls.push(limit);
      const next = script.shift() ?? { taken: 0, upserted: 0, removed: 0 };
      if (next === 'locked') return undefined;
      if (next instanceof Error) throw next;
      if (typeof next === 'function') return next();
      return next;
    }),
  };
  return { repo: repo as unknown as SearchRepository, calls };
}

const config = (ms: number) => Object.assign(new ChatConfig(), { SEARCH_INDEX_MS: ms });
const batch = (taken: number): IndexedBatch => ({ taken, upserted: taken, removed: 0 });

describe('SearchIndexer', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('runs at start-up, then every SEARCH_INDEX_MS; a full batch is followed at once by the next', async () => {
    const { repo, calls } = fakeRepo([batch(SEARCH_INDEX_BATCH), batch(3)]);
    const indexer = new SearchIndexer(repo, config(100));
    indexer.onApplicationBootstrap();
    await sleep(30);
    expect(calls).toEqual([SEARCH_INDEX_BATCH, SEARCH_INDEX_BATCH]); // the backlog, in one run
    await sleep(150);
    expect(calls.length).toBe(3); // the next run
    await indexer.beforeApplicationShutdown();
  });

  it('a database error is logged and the next run tries again; the process goes on', async () => {
    const { repo, calls } = fakeRepo([new Error('connection refused'), new Error('connection refused'), batch(2)]);
    const indexer = new SearchIndexer(repo, config(50));
    indexer.onApplicationBootstrap();
    await sleep(200);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    // reported once, not at every run
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/search indexing failed .*connection refused/);
    await indexer.beforeApplicationShutdown();
  });

  it('another process holding the lock: nothing is done this run', async () => {
    const { repo, calls } = fakeRepo(['locked']);
    const indexer = new SearchIndexer(repo, config(1000));
    expect(await indexer.runOnce()).toBeUndefined();
    expect(calls.length).toBe(1);
  });

  it('shutdown waits for the transaction in flight and stops the runs', async () => {
    let finished = false;
    const { repo, calls } = fakeRepo([
      async () => {
        await sleep(150);
        finished = true;
        return batch(1);
      },
    ]);
    const indexer = new SearchIndexer(repo, config(50));
    indexer.onApplicationBootstrap();
    await sleep(20);
    expect(calls.length).toBe(1);
    await indexer.beforeApplicationShutdown();
    expect(finished).toBe(true);
    await sleep(150);
    expect(calls.length).toBe(1); // no run after shutdown
  });
});

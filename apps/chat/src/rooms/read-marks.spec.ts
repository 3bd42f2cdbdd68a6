import type { ChatConfig } from '@hihi/config';
import type { ReadMark, RoomsRepository, RoomViewRow } from '../persistence/rooms.repository';
import { ReadMarks } from './read-marks';

/** A repository that records each batch statement and answers a view row per mark. */
function fakeRooms(): { repo: RoomsRepository; batches: ReadMark[][] } {
  const batches: ReadMark[][] = [];
  const repo = {
    markReadBatch: (marks: ReadMark[]) => {
      batches.push(marks.map((m) => ({ ...m })));
      return Promise.resolve(
        marks.map(
          (m) => ({ id: m.roomId, user_id: m.userId, read_seq: m.seq, last_seq: 100 }) as unknown as RoomViewRow,
        ),
      );
    },
  } as unknown as RoomsRepository;
  return { repo, batches };
}

describe('ReadMarks', () => {
  afterEach(() => jest.useRealTimers());

  it('writes marks together: at most one statement per READ_FLUSH_MS, however many marks arrive', async () => {
    jest.useFakeTimers();
    const { repo, batches } = fakeRooms();
    const marks = new ReadMarks(repo, { READ_FLUSH_MS: 200 } as ChatConfig);
    const answers: Promise<RoomViewRow | undefined>[] = [];
    for (let t = 0; t < 1000; t += 10) {
      for (let u = 0; u < 5; u++) answers.push(marks.mark('r1', `u${u}`, t + u));
      await jest.advanceTimersByTimeAsync(10);
    }
    await jest.advanceTimersByTimeAsync(500);
    const rows = await Promise.all(answers);
    expect(rows.every((r) => r !== undefined)).toBe(true);
    // 500 marks in 1 s: the first at once, then one statement per 200 ms
    expect(batches.length).toBeLessThanOrEqual(7);
    // one mark per reader and room per statement, with the highest seq
    for (const b of batches) expect(new Set(b.map((m) => m.userId)).size).toBe(b.length);
    const last = batches[batches.length - 1].find((m) => m.userId === 'u4');
    expect(last?.seq).toBe(994);
  });

  it('answers a mark only after its statement: a failed statement fails its marks', async () => {
    const repo = { markReadBatch: () => Promise.reject(new Error('db down')) } as unknown as RoomsRepository;
    const marks = new ReadMarks(repo, { READ_FLUSH_MS: 50 } as ChatConfig);
    await expect(marks.mark('r1', 'u1', 3)).rejects.toThrow('db down');
  });
});

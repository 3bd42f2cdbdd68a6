import { DelayedError, Job, Queue } from 'bullmq';
import { ChatConfig } from '@hihi/config';
import { Message, RoomKind } from '@hihi/contracts';
import { DomainEvents } from '../events/domain-events';
import type { DigestRepository } from '../persistence/digest.repository';
import { DigestJob, DigestNotifier } from './digest-notifier';
import type { DigestRun, DigestService } from './digest.service';

/** The notifier with a recording queue instead of Redis. */
class TestNotifier extends DigestNotifier {
  readonly added: { name: string; data: DigestJob; opts: { jobId?: string; delay?: number } }[] = [];
  fail = false;
  protected override getQueue(): Queue<DigestJob> {
    const addBulk = (jobs: { name: string; data: DigestJob; opts: { jobId?: string; delay?: number } }[]) => {
      if (this.fail) return Promise.reject(new Error('redis down'));
      this.added.push(...jobs);
      return Promise.resolve([]);
    };
    return { addBulk } as unknown as Queue<DigestJob>;
  }
}

const config = { DIGEST_DELAY_SEC: 1800, NOTIFY_DELAY_SEC: 30, REDIS_PREFIX: 'hihi' } as ChatConfig;
const members = [
  { user_id: 'alice', notify_level: null },
  { user_id: 'bob', notify_level: null },
  { user_id: 'carol', notify_level: 'none' as const },
];
const repo = {
  members: jest.fn(() => Promise.resolve(members)),
  levels: jest.fn((_room: string, ids: string[]) =>
    Promise.resolve(ids.map((user_id) => ({ user_id, notify_level: null }))),
  ),
} as unknown as DigestRepository;

function message(over: Partial<Message> = {}): Message {
  return {
    id: `m-${Math.random()}`,
    roomId: 'r1',
    seq: 1,
    sender: { id: 'alice', username: 'alice', displayName: 'Alice', bot: false },
    text: 'hi',
    createdAt: '2026-12-02T12:00:00.000Z',
    ...over,
  };
}
const room = (kind: RoomKind) => ({ id: 'r1', kind, archived: false, postPolicy: 'all' as const, slowModeSec: 0 });

function notifier(run?: DigestRun): TestNotifier {
  const digests = { run: jest.fn(() => Promise.resolve(run)) } as unknown as DigestService;
  return new TestNotifier(new DomainEvents(), repo, digests, config);
}

describe('digest job scheduling', () => {
  it('queues one delayed job per person a group message reaches (not the sender, not a room at none), then holds them', async () => {
    const n = notifier();
    await n.enqueue(message(), room('group'), []);
    expect(n.added.map((j) => [j.data.userId, j.opts.jobId, j.opts.delay])).toEqual([['bob', 'dg_bob', 1800_000]]);
    expect(n.added[0].data.since).toBe('2026-12-02T11:59:59.999Z');
    await n.enqueue(message(), room('group'), []);
    expect(n.added).toHaveLength(1); // bob's job is waiting: not asked again
  });

  it('in other rooms queues only the mentioned, and nothing for a bot outside a DM', async () => {
    const n = notifier();
    await n.enqueue(message(), room('public'), []);
    expect(n.added).toHaveLength(0);
    await n.enqueue(message(), room('public'), ['dave']);
    expect(n.added.map((j) => j.data.userId)).toEqual(['dave']);
    const bot = message({ sender: { id: 'duck', username: 'duck', displayName: 'Duck', bot: true } });
    await n.enqueue(bot, room('group'), []);
    expect(n.added).toHaveLength(1);
  });

  it('never throws when Redis fails, and asks again next time', async () => {
    const n = notifier();
    n.fail = true;
    await expect(n.enqueue(message(), room('dm'), [])).resolves.toBeUndefined();
    n.fail = false;
    await n.enqueue(message(), room('dm'), []);
    expect(n.added.map((j) => j.data.userId)).toEqual(['bob']);
  });

  function job() {
    const data: DigestJob = { userId: 'bob', since: '2026-12-02T11:00:00.000Z' };
    const j = {
      data,
      moveToDelayed: jest.fn(() => Promise.resolve()),
      updateData: jest.fn((d: DigestJob) => {
        j.data = d;
        return Promise.resolve();
      }),
    };
    return j;
  }

  it('a run that may not mail yet delays the same job by the wait (BullMQ DelayedError)', async () => {
    const j = job();
    const before = Date.now();
    await expect(
      notifier({ outcome: 'wait', waitMs: 60_000 }).process(j as unknown as Job<DigestJob>, 'tok'),
    ).rejects.toBeInstanceOf(DelayedError);
    const [[at, token]] = j.moveToDelayed.mock.calls as unknown as [number, string][];
    expect(token).toBe('tok');
    expect(at).toBeGreaterThanOrEqual(before + 60_000);
    expect(at).toBeLessThan(before + 61_000);
    expect(j.updateData).not.toHaveBeenCalled();
  });

  it('a run with messages left for later runs again a window later, from where it ended; otherwise it is done', async () => {
    const until = new Date('2026-12-02T12:29:30.000Z');
    const j = job();
    const later: DigestRun = { outcome: 'sent', until, entries: 3, more: 0, later: true };
    await expect(notifier(later).process(j as unknown as Job<DigestJob>, 't')).rejects.toBeInstanceOf(DelayedError);
    expect(j.data).toEqual({ userId: 'bob', since: until.toISOString() });
    expect((j.moveToDelayed.mock.calls[0] as unknown as [number])[0]).toBeGreaterThanOrEqual(Date.now() + 1799_000);

    const done = job();
    const sent: DigestRun = { outcome: 'sent', until, entries: 3, more: 0, later: false };
    await expect(notifier(sent).process(done as unknown as Job<DigestJob>, 't')).resolves.toBeUndefined();
    expect(done.moveToDelayed).not.toHaveBeenCalled();
  });
});

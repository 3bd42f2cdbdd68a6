import { RoomKind } from '@hihi/contracts';
import { AccessInvalidation, LocalAccessInvalidation } from '../access/access-invalidation';
import { RoomFacts } from '../access/policy';
import type { PushRepository } from '../persistence/push.repository';
import { AUDIENCE_TTL_MS, PushAudience } from './push-audience';

class Switchable extends LocalAccessInvalidation {
  up = true;
  override get healthy(): boolean {
    return this.up;
  }
}

const room = (id: string, kind: RoomKind = 'public'): RoomFacts => ({
  id,
  kind,
  archived: false,
  postPolicy: 'all',
  slowModeSec: 0,
});

describe('PushAudience', () => {
  let audience: Record<string, string[]>;
  let repo: { audience: jest.Mock };
  let invalidation: Switchable;
  let cache: PushAudience;

  beforeEach(() => {
    audience = { r1: [] };
    repo = {
      audience: jest.fn((roomId: string) => Promise.resolve((audience[roomId] ?? []).map((user_id) => ({ user_id })))),
    };
    invalidation = new Switchable();
    cache = new PushAudience(repo as unknown as PushRepository, invalidation as AccessInvalidation);
  });

  it('reads a room once, then answers from memory', async () => {
    audience.r1 = ['bob'];
    expect(await cache.reachable(room('r1'), 'alice')).toBe(true);
    expect(await cache.reachable(room('r1'), 'carol')).toBe(true);
    expect(repo.audience).toHaveBeenCalledTimes(1);
  });

  it('asks for the members whose default is `all` only in rooms whose default is `all`', async () => {
    await cache.reachable(room('r1', 'public'), 'alice');
    await cache.reachable(room('g1', 'group'), 'alice');
    expect(repo.audience.mock.calls).toEqual([
      ['r1', false, 2],
      ['g1', true, 2],
    ]);
  });

  it('the sender alone is nobody to push to', async () => {
    audience.r1 = ['alice'];
    expect(await cache.reachable(room('r1'), 'alice')).toBe(false);
    audience.r2 = ['alice', 'bob'];
    expect(await cache.reachable(room('r2'), 'alice')).toBe(true);
  });

  it("a room's notice drops that room; a new device drops every room; this process's own notices too", async () => {
    expect(await cache.reachable(room('r1'), 'alice')).toBe(false);
    audience.r1 = ['bob'];
    expect(await cache.reachable(room('r1'), 'alice')).toBe(false); // cached
    await invalidation.publish('r1');
    expect(await cache.reachable(room('r1'), 'alice')).toBe(true);

    audience.r2 = [];
    expect(await cache.reachable(room('r2'), 'alice')).toBe(false);
    audience.r2 = ['bob'];
    await cache.deviceAdded();
    expect(await cache.reachable(room('r2'), 'alice')).toBe(true);
    // another process's notice, and a resubscription (notices may have been missed)
    audience.r2 = [];
    invalidation.receive({ scope: 'room', roomId: 'r2' });
    expect(await cache.reachable(room('r2'), 'alice')).toBe(false);
    audience.r2 = ['bob'];
    invalidation.receive(undefined);
    expect(await cache.reachable(room('r2'), 'alice')).toBe(true);
  });

  it('an answer read while a notice arrived is not kept', async () => {
    let release: (rows: { user_id: string }[]) => void = () => undefined;
    repo.audience.mockImplementationOnce(() => new Promise<{ user_id: string }[]>((r) => (release = r)));
    const first = cache.reachable(room('r1'), 'alice');
    await cache.deviceAdded(); // committed while the read ran: the read may predate it
    release([]);
    expect(await first).toBe(false);
    audience.r1 = ['bob'];
    expect(await cache.reachable(room('r1'), 'alice')).toBe(true);
  });

  it('is bypassed while notices may be missed, and trusted for a minute at most', async () => {
    invalidation.up = false;
    await cache.reachable(room('r1'), 'alice');
    await cache.reachable(room('r1'), 'alice');
    expect(repo.audience).toHaveBeenCalledTimes(2);
    invalidation.up = true;
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(1_000_000);
      await cache.reachable(room('r1'), 'alice');
      now.mockReturnValue(1_000_000 + AUDIENCE_TTL_MS - 1);
      await cache.reachable(room('r1'), 'alice');
      expect(repo.audience).toHaveBeenCalledTimes(3);
      now.mockReturnValue(1_000_000 + AUDIENCE_TTL_MS);
      await cache.reachable(room('r1'), 'alice');
      expect(repo.audience).toHaveBeenCalledTimes(4);
    } finally {
      now.mockRestore();
    }
  });

  it('a failed read answers "maybe" (the job decides) and is not kept', async () => {
    repo.audience.mockRejectedValueOnce(new Error('db down'));
    expect(await cache.reachable(room('r1'), 'alice')).toBe(true);
    expect(await cache.reachable(room('r1'), 'alice')).toBe(false);
    expect(repo.audience).toHaveBeenCalledTimes(2);
  });
});

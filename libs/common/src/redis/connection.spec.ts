import { ROOM_EVENT_SHARDS, eventShard, roomShardChannel, userShardChannel } from '@hihi/contracts';
import { hashTag, isClusterUrl, parseClusterUrl } from './connection';
import { channelsOfEvent } from './room-channels';

describe('REDIS_URL', () => {
  it('tells a cluster URL from one Redis', () => {
    expect(isClusterUrl('redis+cluster://a:1,b:2')).toBe(true);
    expect(isClusterUrl('rediss+cluster://a:1')).toBe(true);
    expect(isClusterUrl('redis://127.0.0.1:6379')).toBe(false);
  });

  it('reads the nodes, credentials and TLS of a cluster URL', () => {
    expect(parseClusterUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001/0')).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: undefined,
      password: undefined,
      tls: false,
    });
    expect(parseClusterUrl('rediss+cluster://app:p%40ss@[::1]:7000,r2.example:7001')).toEqual({
      nodes: [
        { host: '::1', port: 7000 },
        { host: 'r2.example', port: 7001 },
      ],
      username: 'app',
      password: 'p@ss',
      tls: true,
    });
  });

  it('refuses a node without a port, or a bad port, naming the variable', () => {
    expect(() => parseClusterUrl('redis+cluster://a:1,b')).toThrow(/REDIS_URL.*"b"/);
    expect(() => parseClusterUrl('redis+cluster://a:99999')).toThrow(/REDIS_URL/);
  });

  it('hash tags keep the keys of one script in one slot', () => {
    expect(hashTag('hihi', 'login')).toBe('{hihi:login}');
  });
});

describe('room event channels', () => {
  it('spreads ids over the shards, the same way every time', () => {
    const seen = new Set<number>();
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const s = eventShard(`room-${i}`);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(ROOM_EVENT_SHARDS);
      seen.add(s);
    }
    // n ids over S shards fill S·(1 − e^(−n/S)) of them when the hash spreads well
    const fill = ROOM_EVENT_SHARDS * (1 - Math.exp(-n / ROOM_EVENT_SHARDS));
    expect(seen.size).toBeGreaterThan(fill * 0.95);
    expect(eventShard('lobby')).toBe(eventShard('lobby'));
  });

  it("publishes a room's event on its shard, a users' event on each user's shard once", () => {
    const room = { id: 'r1' } as never;
    expect(channelsOfEvent('p', { type: 'room:updated', roomId: 'r1', room })).toEqual([
      roomShardChannel('p', eventShard('r1')),
    ]);
    expect(
      channelsOfEvent('p', { type: 'room:removed', roomId: 'r1', userId: 'a', reason: 'removed' } as never),
    ).toEqual([userShardChannel('p', eventShard('a'))]);
    expect(channelsOfEvent('p', { type: 'room:updated', roomId: 'r1', room, userIds: ['a', 'a', 'b'] })).toEqual([
      ...new Set(['a', 'b'].map((u) => userShardChannel('p', eventShard(u)))),
    ]);
  });
});

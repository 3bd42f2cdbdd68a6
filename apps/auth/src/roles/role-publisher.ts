import type { RedisClient } from '@hihi/common/redis';
import { AccountRole, isAccountRole, serverRoleChannel, serverRolesKey, serverRolesVersionKey } from '@hihi/contracts';

/**
 * KEYS[1] the roles hash, KEYS[2] its version (one hash tag: one cluster slot); ARGV[1] channel,
 * ARGV[2] userId, ARGV[3] role.
 * One atomic step: the hash holds only roles above `member`, the version moves on, and the
 * ServerRoleChangedEvent (with that version) goes out — so a gateway that reads the hash whole
 * can tell whether an event it saw is newer than what it read. The version is Redis's clock in
 * µs (or one more than the last, if larger): it never goes backwards, even if the keys are lost.
 * Written as digits (a double below 2^53), not through cjson (which would round it).
 */
const SET_ROLE_LUA = `
if ARGV[3] == 'member' then
  redis.call('HDEL', KEYS[1], ARGV[2])
else
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local v = now
if last >= now then v = last + 1 end
local digits = string.format('%d', v)
redis.call('SET', KEYS[2], digits)
redis.call('PUBLISH', ARGV[1],
  '{"userId":' .. cjson.encode(ARGV[2]) .. ',"role":' .. cjson.encode(ARGV[3]) .. ',"version":' .. digits .. '}')
return digits
`;

/**
 * Tells every gateway about server roles (SPEC §7: a change takes effect within 1 s). MongoDB
 * (the users collection) is the truth; this writes its projection into Redis — the hash of
 * elevated accounts (`serverRolesKey`) — and publishes each change on `serverRoleChannel`.
 * Used by the auth service and by the admin CLI alike; `sync` repairs any drift (changes made
 * while Redis was unreachable, or by the CLI while the server was down).
 */
export class ServerRolePublisher {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Publish one account's role (member removes it from the hash). Throws when Redis fails. */
  async publish(userId: string, role: AccountRole): Promise<number> {
    const v = await this.redis.eval(
      SET_ROLE_LUA,
      2,
      serverRolesKey(this.prefix),
      serverRolesVersionKey(this.prefix),
      serverRoleChannel(this.prefix),
      userId,
      role,
    );
    return Number(v);
  }

  /** Make the hash equal `truth` (the elevated accounts in MongoDB), publishing each difference. */
  async sync(truth: ReadonlyMap<string, AccountRole>): Promise<number> {
    const current = await this.redis.hgetall(serverRolesKey(this.prefix));
    let changed = 0;
    for (const [userId, role] of truth) {
      if (current[userId] !== role) {
        await this.publish(userId, role);
        changed++;
      }
    }
    for (const [userId, role] of Object.entries(current)) {
      if (!truth.has(userId) || !isAccountRole(role)) {
        await this.publish(userId, 'member');
        changed++;
      }
    }
    return changed;
  }
}

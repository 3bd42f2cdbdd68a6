import { PublicUser, RoomRole, ServerRole } from '@hihi/contracts';
import { Actor, actorOf, botActor } from './actor';
import { AccessRequest, decide, RoomAction, RoomFacts, Standing } from './policy';

/*
 * The moderation rows of the access policy (SPEC §8; docs/security.md "Moderation: roles ×
 * actions"): who may delete others' messages, mute, ban, moderate and report, in which rooms,
 * over whom (server roles counted on both sides); mutes end by the clock; bans keep one out.
 */

const person = (id: string, role?: ServerRole): PublicUser => ({
  id,
  username: id,
  displayName: id,
  guest: false,
  ...(role ? { role } : {}),
});
const A: Record<string, Actor> = {
  member: actorOf(person('member')),
  mod: actorOf(person('mod')),
  owner: actorOf(person('owner')),
  outsider: actorOf(person('outsider')),
  servermod: actorOf(person('servermod', 'moderator')),
  admin: actorOf(person('admin', 'admin')),
  serverowner: actorOf(person('serverowner', 'owner')),
  guest: actorOf({ id: 'guest-1', username: 'g', displayName: 'g', guest: true }),
  bot: botActor(),
};
/** Each actor's room role in the rooms below (server staff are not members). */
const ROLE: Record<string, RoomRole | null> = {
  member: 'member',
  mod: 'moderator',
  owner: 'owner',
  outsider: null,
  servermod: null,
  admin: null,
  serverowner: null,
  guest: null,
  bot: null,
};
const room = (id: string, kind: RoomFacts['kind'], extra: Partial<RoomFacts> = {}): RoomFacts => ({
  id,
  kind,
  archived: false,
  postPolicy: 'all',
  slowModeSec: 0,
  ...extra,
});
const ROOMS: Record<string, RoomFacts> = {
  pub: room('pub', 'public'),
  priv: room('priv', 'private'),
  dm: room('dm', 'dm'),
  grp: room('grp', 'group'),
  lobby: room('lobby', 'public'),
  news: room('news', 'public', { postPolicy: 'moderators' }),
};

type Outcome = 'ok' | 'forbidden' | 'not_found';
const outcome = (req: AccessRequest): Outcome => {
  const d = decide(req);
  return d.allowed ? 'ok' : (d.code as Outcome);
};

describe('the access policy: moderation (SPEC §8)', () => {
  // [actor, room, action, target (room role), target server role, expected]
  const TABLE: Array<[string, string, RoomAction, RoomRole | null, ServerRole, Outcome]> = [
    // deleting someone else's message: owners and moderators over those below them
    ['mod', 'pub', 'deleteAny', 'member', 'member', 'ok'],
    ['owner', 'pub', 'deleteAny', 'moderator', 'member', 'ok'],
    ['mod', 'pub', 'deleteAny', 'moderator', 'member', 'forbidden'],
    ['mod', 'pub', 'deleteAny', 'owner', 'member', 'forbidden'],
    ['member', 'pub', 'deleteAny', 'member', 'member', 'forbidden'],
    ['outsider', 'pub', 'deleteAny', 'member', 'member', 'forbidden'],
    ['outsider', 'priv', 'deleteAny', 'member', 'member', 'not_found'],
    ['servermod', 'pub', 'deleteAny', 'member', 'member', 'ok'],
    ['servermod', 'priv', 'deleteAny', 'member', 'member', 'ok'],
    ['servermod', 'pub', 'deleteAny', 'owner', 'member', 'forbidden'],
    ['admin', 'pub', 'deleteAny', 'owner', 'member', 'ok'],
    ['mod', 'pub', 'deleteAny', 'member', 'admin', 'forbidden'],
    ['admin', 'pub', 'deleteAny', null, 'admin', 'forbidden'],
    ['owner', 'pub', 'deleteAny', null, 'moderator', 'ok'],
    ['mod', 'pub', 'deleteAny', null, 'moderator', 'forbidden'],
    // never in DMs and groups (server staff do not see them; their people hold no roles)
    ['admin', 'dm', 'deleteAny', 'member', 'member', 'not_found'],
    ['servermod', 'grp', 'deleteAny', 'member', 'member', 'not_found'],
    ['owner', 'grp', 'deleteAny', 'member', 'member', 'forbidden'],
    ['member', 'dm', 'deleteAny', 'member', 'member', 'forbidden'],
    ['bot', 'pub', 'deleteAny', 'member', 'member', 'forbidden'],
    // mutes and bans: the same ladder; a moderator cannot ban an admin
    ['mod', 'pub', 'mute', 'member', 'member', 'ok'],
    ['mod', 'pub', 'mute', null, 'member', 'ok'],
    ['mod', 'pub', 'mute', 'moderator', 'member', 'forbidden'],
    ['member', 'pub', 'mute', 'member', 'member', 'forbidden'],
    ['servermod', 'pub', 'ban', 'member', 'member', 'ok'],
    ['servermod', 'pub', 'ban', 'member', 'admin', 'forbidden'],
    ['servermod', 'pub', 'ban', 'member', 'moderator', 'forbidden'],
    ['mod', 'priv', 'ban', 'member', 'admin', 'forbidden'],
    ['owner', 'priv', 'ban', 'member', 'admin', 'forbidden'],
    ['admin', 'priv', 'ban', 'owner', 'member', 'ok'],
    ['admin', 'priv', 'ban', 'member', 'admin', 'forbidden'],
    ['serverowner', 'priv', 'ban', 'member', 'admin', 'forbidden'],
    ['admin', 'priv', 'ban', 'member', 'moderator', 'ok'],
    ['mod', 'lobby', 'mute', 'member', 'member', 'ok'],
    ['servermod', 'lobby', 'mute', 'member', 'member', 'ok'],
    ['servermod', 'lobby', 'ban', 'member', 'member', 'forbidden'],
    ['admin', 'dm', 'mute', 'member', 'member', 'not_found'],
    ['guest', 'pub', 'mute', 'member', 'member', 'forbidden'],
    // lifting, listing bans, the queue of a room: owners and moderators
    ['mod', 'pub', 'moderate', null, 'member', 'ok'],
    ['servermod', 'priv', 'moderate', null, 'member', 'ok'],
    ['member', 'pub', 'moderate', null, 'member', 'forbidden'],
    ['outsider', 'priv', 'moderate', null, 'member', 'not_found'],
    ['admin', 'grp', 'moderate', null, 'member', 'not_found'],
    // reports: members of public and private rooms
    ['member', 'pub', 'report', null, 'member', 'ok'],
    ['member', 'priv', 'report', null, 'member', 'ok'],
    ['outsider', 'pub', 'report', null, 'member', 'forbidden'],
    ['outsider', 'priv', 'report', null, 'member', 'not_found'],
    ['member', 'dm', 'report', null, 'member', 'forbidden'],
    // announcement rooms: only moderators and owners post
    ['member', 'news', 'post', null, 'member', 'forbidden'],
    ['member', 'news', 'react', null, 'member', 'ok'],
    ['mod', 'news', 'post', null, 'member', 'ok'],
    ['owner', 'news', 'post', null, 'member', 'ok'],
    ['servermod', 'news', 'post', null, 'member', 'ok'],
  ];

  it.each(TABLE)('%s × %s × %s (target %s, server role %s) → %s', (actor, roomId, action, target, tRole, expected) => {
    const r = ROOMS[roomId];
    const membership = roomId === 'lobby' && actor !== 'guest' ? (ROLE[actor] ?? 'member') : ROLE[actor];
    // DMs and groups: the room's people are member and the target
    const inRoom =
      r.kind === 'dm' || r.kind === 'group' ? (actor === 'member' || actor === 'owner' ? 'member' : null) : membership;
    const role = r.kind === 'group' && actor === 'owner' ? 'owner' : inRoom;
    expect(outcome({ actor: A[actor], room: r, membership: role, action, target, targetServerRole: tRole })).toBe(
      expected,
    );
  });

  const NOW = Date.parse('2026-12-02T06:00:00.000Z');
  const post = (standing: Standing, now = NOW, actor: Actor = A.member, r: RoomFacts = ROOMS.pub) =>
    decide({ actor, room: r, membership: ROLE[actor.id] ?? 'member', action: 'post', standing, now });

  it('a muted member reads but cannot write until the mute ends, then can (no sweeper: the clock decides)', () => {
    const until = NOW + 2000;
    const refused = post({ mutedUntil: until });
    expect(refused).toEqual({
      allowed: false,
      code: 'forbidden',
      message: 'you are muted in this room until 2026-12-02T06:00:02.000Z',
      until: '2026-12-02T06:00:02.000Z',
    });
    expect(
      decide({
        actor: A.member,
        room: ROOMS.pub,
        membership: 'member',
        action: 'react',
        standing: { mutedUntil: until },
        now: NOW,
      }),
    ).toMatchObject({ allowed: false });
    expect(
      decide({
        actor: A.member,
        room: ROOMS.pub,
        membership: 'member',
        action: 'view',
        standing: { mutedUntil: until },
        now: NOW,
      }),
    ).toMatchObject({ allowed: true });
    expect(post({ mutedUntil: until }, until - 1)).toMatchObject({ allowed: false });
    expect(post({ mutedUntil: until }, until)).toMatchObject({ allowed: true });
  });

  it('an open-ended mute says until: null', () => {
    expect(post({ mutedUntil: Infinity }, NOW + 10 * 365 * 86_400_000)).toMatchObject({
      allowed: false,
      code: 'forbidden',
      until: null,
    });
  });

  it('a banned person is kept out: 403 of a public room (join too), 404 of a private one; server moderators too', () => {
    const banned = { banned: true };
    for (const action of ['view', 'post', 'join'] as const)
      expect(outcome({ actor: A.outsider, room: ROOMS.pub, membership: null, action, standing: banned })).toBe(
        'forbidden',
      );
    expect(outcome({ actor: A.outsider, room: ROOMS.priv, membership: null, action: 'view', standing: banned })).toBe(
      'not_found',
    );
    expect(outcome({ actor: A.servermod, room: ROOMS.pub, membership: null, action: 'view', standing: banned })).toBe(
      'forbidden',
    );
  });

  it('a banned person cannot be invited back until the ban is lifted', () => {
    const invite = (targetStanding: Standing) =>
      outcome({ actor: A.owner, room: ROOMS.priv, membership: 'owner', action: 'invite', targetStanding });
    expect(invite({ banned: true })).toBe('forbidden');
    expect(invite({})).toBe('ok');
  });
});

import type { Room } from '@hihi/contracts';
import { abilities, canModerate, assignableRoles, canRemove, effectiveRole } from './permissions';

const room = (over: Partial<Room> = {}): Room => ({
  id: 'r1',
  name: 'tea',
  kind: 'private',
  unread: 0,
  lastSeq: 0,
  memberCount: 3,
  role: 'member',
  ...over,
});
const user = { role: 'member' as const, guest: false };

describe('room permissions', () => {
  it('counts server owners and admins as owners of public and private rooms, never of DMs', () => {
    expect(effectiveRole(room(), { role: 'admin' })).toBe('owner');
    expect(effectiveRole(room({ kind: 'group', role: 'member' }), { role: 'admin' })).toBe('member');
    expect(effectiveRole(room({ kind: 'dm', role: undefined }), { role: 'owner' })).toBeNull();
    expect(effectiveRole(room({ role: 'moderator' }), { role: 'moderator' })).toBe('moderator');
  });

  it('lets any member invite to a public room, only moderators up to a private one', () => {
    expect(abilities(room({ kind: 'public' }), user).invite).toBe(true);
    expect(abilities(room(), user).invite).toBe(false);
    expect(abilities(room({ role: 'moderator' }), user).invite).toBe(true);
    expect(abilities(room({ id: 'lobby', kind: 'public' }), user).invite).toBe(false);
    expect(abilities(room({ role: 'owner', archived: true }), user).invite).toBe(false);
  });

  it('keeps settings to moderators (archive: owners), leave to members, nothing to guests', () => {
    expect(abilities(room(), user)).toMatchObject({ edit: false, archive: false, leave: true, members: true });
    expect(abilities(room({ role: 'moderator' }), user)).toMatchObject({ edit: true, archive: false });
    expect(abilities(room({ role: 'owner' }), user)).toMatchObject({ edit: true, archive: true });
    expect(abilities(room({ kind: 'dm', role: undefined }), user)).toMatchObject({ members: false, leave: false });
    expect(abilities(room({ kind: 'group' }), user)).toMatchObject({ members: true, leave: false, invite: false });
    expect(abilities(room({ id: 'lobby', kind: 'public' }), user).leave).toBe(false);
    expect(abilities(room({ archived: true }), user).post).toBe(false);
    expect(abilities(room({ role: 'owner' }), { role: 'guest', guest: true })).toMatchObject({
      edit: false,
      invite: false,
    });
  });

  it('removes only those below; gives roles up to one’s own, never to someone above', () => {
    expect(canRemove('owner', 'moderator', false)).toBe(true);
    expect(canRemove('moderator', 'moderator', false)).toBe(false);
    expect(canRemove('moderator', 'member', false)).toBe(true);
    expect(canRemove('member', 'member', false)).toBe(false);
    expect(canRemove('owner', 'member', true)).toBe(false);
    expect(assignableRoles('owner', 'member', false)).toEqual(['owner', 'moderator', 'member']);
    expect(assignableRoles('moderator', 'member', false)).toEqual(['moderator', 'member']);
    expect(assignableRoles('moderator', 'owner', false)).toEqual([]);
    expect(assignableRoles('member', 'member', false)).toEqual([]);
    expect(assignableRoles('owner', 'owner', true)).toEqual([]);
  });

  it('moderation (SPEC §8): room moderators and server moderators+ moderate public and private rooms; members report', () => {
    expect(abilities(room(), user)).toMatchObject({ moderate: false, report: true });
    expect(abilities(room({ role: 'moderator' }), user)).toMatchObject({ moderate: true, slowed: false });
    expect(abilities(room({ role: 'member' }), { role: 'moderator', guest: false })).toMatchObject({
      role: 'moderator',
      moderate: true,
    });
    expect(abilities(room({ kind: 'dm' }), { role: 'admin', guest: false })).toMatchObject({
      moderate: false,
      report: false,
    });
    expect(abilities(room({ slowModeSec: 30 }), user).slowed).toBe(true);
    expect(abilities(room({ slowModeSec: 30, role: 'owner' }), user).slowed).toBe(false);
    // announcement rooms: only moderators post
    expect(abilities(room({ postPolicy: 'moderators' }), user).post).toBe(false);
    expect(abilities(room({ postPolicy: 'moderators', role: 'moderator' }), user).post).toBe(true);
    expect(canModerate('moderator', 'member', false)).toBe(true);
    expect(canModerate('moderator', 'moderator', false)).toBe(false);
    expect(canModerate('owner', 'owner', true)).toBe(false);
  });
});

import { CreateRoomDto, OpenDmDto } from './chat.dto';
import { DirectoryQueryDto, MemberRoleBodyDto, MemberRefDto, UpdateRoomBodyDto } from './rooms.dto';
import { validatePayload } from './validation';

describe('communities DTOs (SPEC §7)', () => {
  it.each([
    ['a DM', { username: 'alice' }, true],
    ['a group of 3', { usernames: ['alice', 'bob'] }, true],
    ['a group of 9', { usernames: ['a01', 'a02', 'a03', 'a04', 'a05', 'a06', 'a07', 'a08'] }, true],
    ['a group of 10', { usernames: ['a01', 'a02', 'a03', 'a04', 'a05', 'a06', 'a07', 'a08', 'a09'] }, false],
    ['a group of 2', { usernames: ['alice'] }, false],
    ['both', { username: 'carol', usernames: ['alice', 'bob'] }, false],
    ['neither', {}, false],
    ['a bad name in the group', { usernames: ['alice', 'no spaces'] }, false],
  ])('POST /api/dms: %s', (_, body, ok) => {
    expect(validatePayload(OpenDmDto, body).ok).toBe(ok);
  });

  it('creates public or private rooms with an optional topic; no other kinds', () => {
    expect(validatePayload(CreateRoomDto, { name: 'team', kind: 'private', topic: ' plans ' })).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'private', topic: 'plans' }),
    });
    expect(validatePayload(CreateRoomDto, { name: 'team', kind: 'dm' }).ok).toBe(false);
    expect(validatePayload(CreateRoomDto, { name: 'team', topic: 'x\u202e' }).ok).toBe(false);
  });

  it.each([
    [{ topic: '' }, true],
    [{ archived: true, postPolicy: 'moderators', slowModeSec: 30 }, true],
    [{ slowModeSec: 3601 }, false],
    [{ postPolicy: 'admins' }, false],
    [{ name: '' }, false],
    [{ owner: 'me' }, false],
  ])('PATCH /api/rooms/:id %j → %s', (body, ok) => {
    expect(validatePayload(UpdateRoomBodyDto, body).ok).toBe(ok);
  });

  it('roles, member refs and directory queries', () => {
    expect(validatePayload(MemberRoleBodyDto, { role: 'moderator' }).ok).toBe(true);
    expect(validatePayload(MemberRoleBodyDto, { role: 'admin' }).ok).toBe(false);
    expect(validatePayload(MemberRefDto, { roomId: 'r', userId: '../x' }).ok).toBe(false);
    expect(validatePayload(DirectoryQueryDto, { q: 'x'.repeat(65) }).ok).toBe(false);
    expect(validatePayload(DirectoryQueryDto, { limit: 51 }).ok).toBe(false);
    expect(validatePayload(DirectoryQueryDto, { q: 'de', limit: 5 }).ok).toBe(true);
  });
});

import { BusError } from '@hihi/common';
import type { UsersRepository, UserRecord } from '../users/users.repository';
import type { SessionsRepository } from '../sessions/sessions.repository';
import type { RevocationPublisher } from '../sessions/revocation.publisher';
import type { PasswordService } from '../passwords/password.service';
import type { AccountMailService } from '../mail/account-mail.service';
import { AccountService, WRONG_PASSWORD } from './account.service';

const alice: UserRecord = {
  id: 'a'.repeat(24),
  username: 'alice',
  usernameKey: 'alice',
  displayName: 'Alice',
  passwordHash: 'hash:right password',
  role: 'member',
  status: 'active',
};

function setup(user: UserRecord = alice, owners = 1) {
  const users = {
    findById: jest.fn(async () => user),
    setPasswordHash: jest.fn(async () => undefined),
    markDeleted: jest.fn(async () => true),
    countOwners: jest.fn(async () => owners),
    updateProfile: jest.fn(async (_id: string, change: { email?: string | null; digest?: boolean }) => ({
      ...user,
      ...(change.email !== undefined ? { email: change.email ?? undefined, emailVerified: false } : {}),
      ...(change.digest !== undefined ? { digest: change.digest } : {}),
    })),
  };
  const mail = { sendVerificationLater: jest.fn() };
  const sessions = {
    liveIds: jest.fn(async () => ['s-current-000000000', 's-phone-0000000000', 's-laptop-000000000']),
    revoke: jest.fn(async () => undefined),
  };
  const revocation = { revoke: jest.fn(async () => undefined) };
  const passwords = {
    admit: <T>(fn: () => Promise<T>) => fn(),
    verify: jest.fn(async (hash: string, pw: string) => hash === `hash:${pw}`),
    hash: jest.fn(async (pw: string) => `hash:${pw}`),
    policy: { problem: (pw: string) => (pw === 'password' ? 'too common' : undefined) },
  };
  const service = new AccountService(
    users as unknown as UsersRepository,
    sessions as unknown as SessionsRepository,
    revocation as unknown as RevocationPublisher,
    passwords as unknown as PasswordService,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    mail as unknown as AccountMailService,
  );
  return { service, users, sessions, revocation, mail };
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof BusError ? e.code : String(e)),
  );

describe('AccountService', () => {
  it('a password change revokes every session but the current one, deny entries first', async () => {
    const { service, users, revocation, sessions } = setup();
    await service.changePassword(alice.id, 's-current-000000000', {
      currentPassword: 'right password',
      newPassword: 'a new long secret',
    });
    expect(users.setPasswordHash).toHaveBeenCalledWith(alice.id, 'hash:a new long secret');
    expect(revocation.revoke).toHaveBeenCalledWith(['s-phone-0000000000', 's-laptop-000000000'], 'password-change');
    expect(sessions.revoke.mock.calls.map((c) => (c as unknown[])[0])).toEqual([
      's-phone-0000000000',
      's-laptop-000000000',
    ]);
  });

  it('a wrong current password is unauthorized and changes nothing; a refused new one is validation', async () => {
    const { service, users, revocation } = setup();
    const wrong = service.changePassword(alice.id, undefined, {
      currentPassword: 'guess',
      newPassword: 'a new long secret',
    });
    await expect(wrong).rejects.toThrow(WRONG_PASSWORD);
    expect(
      await code(
        service.changePassword(alice.id, undefined, { currentPassword: 'right password', newPassword: 'password' }),
      ),
    ).toBe('validation');
    expect(users.setPasswordHash).not.toHaveBeenCalled();
    expect(revocation.revoke).not.toHaveBeenCalled();
  });

  it('deleting needs the password, refuses the last owner, and revokes every session', async () => {
    const wrong = setup();
    expect(await code(wrong.service.deleteAccount(alice.id, 'guess'))).toBe('unauthorized');
    expect(wrong.users.markDeleted).not.toHaveBeenCalled();

    const owner = setup({ ...alice, role: 'owner' }, 1);
    expect(await code(owner.service.deleteAccount(alice.id, 'right password'))).toBe('conflict');

    const { service, users, revocation } = setup();
    await service.deleteAccount(alice.id, 'right password');
    expect(users.markDeleted).toHaveBeenCalledWith(
      alice.id,
      expect.stringMatching(/^hash:/),
      'deleted user',
      expect.any(Date),
    );
    expect(revocation.revoke).toHaveBeenCalledWith(
      ['s-current-000000000', 's-phone-0000000000', 's-laptop-000000000'],
      'account-deleted',
    );
    // and then the account is gone for every account operation
    const gone = setup({ ...alice, status: 'deactivated', deletedAt: new Date() });
    expect(await code(gone.service.listSessions(alice.id))).toBe('unauthorized');
  });

  it('a new address is mailed its verification link; the same address again, or other changes, mail nothing', async () => {
    const verified = { ...alice, email: 'a@example.com', emailVerified: true };
    const { service, users, mail } = setup(verified);
    await service.updateProfile(alice.id, { email: 'a@example.com', digest: true, language: 'zh' });
    expect(users.updateProfile).toHaveBeenLastCalledWith(alice.id, {
      displayName: undefined,
      email: undefined,
      digest: true,
      language: 'zh',
    });
    expect(mail.sendVerificationLater).not.toHaveBeenCalled();
    const updated = await service.updateProfile(alice.id, { email: 'new@example.com' });
    expect(updated).toMatchObject({ email: 'new@example.com', emailVerified: false });
    expect(mail.sendVerificationLater).toHaveBeenCalledTimes(1);
    await service.updateProfile(alice.id, { email: '' });
    expect(users.updateProfile).toHaveBeenLastCalledWith(alice.id, expect.objectContaining({ email: null }));
    expect(mail.sendVerificationLater).toHaveBeenCalledTimes(1);
  });
});

import { AccountRole, ServerRole } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { authorizeAdmin } from './admin-policy';

const verdict = (fn: () => void): string => {
  try {
    fn();
    return 'allowed';
  } catch (err) {
    return err instanceof BusError ? err.code : 'crash';
  }
};

describe('AdminPolicy: the one check of administration', () => {
  it.each<[ServerRole, string]>([
    ['owner', 'allowed'],
    ['admin', 'allowed'],
    ['moderator', 'forbidden'],
    ['member', 'forbidden'],
    ['guest', 'forbidden'],
  ])('%s reading the user list: %s', (role, expected) => {
    expect(verdict(() => authorizeAdmin({ id: 'a', role }, 'users.list'))).toBe(expected);
  });

  // actor × target role × granted role → verdict
  it.each<[ServerRole, AccountRole, AccountRole, string]>([
    ['owner', 'member', 'owner', 'allowed'],
    ['owner', 'owner', 'admin', 'allowed'],
    ['admin', 'member', 'admin', 'allowed'],
    ['admin', 'admin', 'member', 'allowed'],
    ['admin', 'member', 'owner', 'forbidden'],
    ['admin', 'owner', 'member', 'forbidden'],
    ['moderator', 'member', 'moderator', 'forbidden'],
  ])('%s changing a %s to %s: %s', (actor, target, grant, expected) => {
    expect(
      verdict(() => authorizeAdmin({ id: 'a', role: actor }, 'users.role', { id: 't', role: target }, grant)),
    ).toBe(expected);
  });

  it('nobody deactivates themselves, nor someone above them', () => {
    expect(
      verdict(() => authorizeAdmin({ id: 'a', role: 'owner' }, 'users.deactivate', { id: 'a', role: 'owner' })),
    ).toBe('forbidden');
    expect(
      verdict(() => authorizeAdmin({ id: 'a', role: 'admin' }, 'users.deactivate', { id: 'o', role: 'owner' })),
    ).toBe('forbidden');
    expect(
      verdict(() => authorizeAdmin({ id: 'a', role: 'admin' }, 'users.deactivate', { id: 'b', role: 'admin' })),
    ).toBe('allowed');
  });
});

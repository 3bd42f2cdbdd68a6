import { AuthConfig } from '@hihi/config';
import { BusError, verifyAccessToken } from '@hihi/common';
import { AuthService, BAD_CREDENTIALS, BAD_REFRESH, Clock } from './auth.service';
import { DuplicateUsernameError, UserRecord, UsersRepository } from './users/users.repository';
import { SessionRecord, SessionsRepository } from './sessions/sessions.repository';
import { PasswordService } from './passwords/password.service';
import { hashRefreshToken } from './tokens/refresh-token';

const SECRET = 'x'.repeat(40);

function config(): AuthConfig {
  return Object.assign(new AuthConfig(), { JWT_SECRET: SECRET });
}

/** In-memory repositories with the same contracts as the mongoose ones. */
class FakeUsers {
  readonly rows = new Map<string, UserRecord>();
  private next = 1;
  create = jest.fn(async (u: Omit<UserRecord, 'id'>) => {
    if ([...this.rows.values()].some((r) => r.usernameKey === u.usernameKey)) throw new DuplicateUsernameError();
    const rec = { ...u, id: (this.next++).toString(16).padStart(24, '0') };
    this.rows.set(rec.id, rec);
    return rec;
  });
  findByKey = jest.fn(async (key: string) => [...this.rows.values()].find((r) => r.usernameKey === key));
  findById = jest.fn(async (id: string) => this.rows.get(id));
  updatePasswordHash = jest.fn(async (id: string, hash: string) => {
    this.rows.get(id)!.passwordHash = hash;
  });
}

class FakeSessions {
  readonly rows = new Map<string, SessionRecord & { revokedReason?: string }>();
  readonly claimed = new Set<string>();
  create = jest.fn(
    async (s: { id: string; userId: string; hash: string; rememberMe: boolean; expiresAt: Date; createdAt: Date }) => {
      this.rows.set(s.id, { ...s, prevHashes: [], revokedAt: null });
    },
  );
  findById = jest.fn(async (id: string) => {
    const s = this.rows.get(id);
    return s ? { ...s, prevHashes: [...s.prevHashes] } : undefined;
  });
  claim = jest.fn(async (hash: string) => {
    if (this.claimed.has(hash)) return false;
    this.claimed.add(hash);
    return true;
  });
  rotate = jest.fn(async (id: string, oldHash: string, newHash: string, expiresAt: Date) => {
    const s = this.rows.get(id);
    if (!s || s.hash !== oldHash || s.revokedAt) return false;
    s.prevHashes.push(oldHash);
    s.hash = newHash;
    s.expiresAt = expiresAt;
    return true;
  });
  revoke = jest.fn(async (id: string, reason: string, now = new Date()) => {
    const s = this.rows.get(id);
    if (s && !s.revokedAt) Object.assign(s, { revokedAt: now, revokedReason: reason });
  });
  revokeAllForUser = jest.fn(async () => 0);
}

describe('AuthService (mocked repositories)', () => {
  let users: FakeUsers;
  let sessions: FakeSessions;
  let passwords: PasswordService;
  let now: Date;
  let auth: AuthService;
  const clock: Clock = { now: () => now };

  beforeAll(() => {
    passwords = new PasswordService(config());
    passwords.onModuleInit();
  });

  beforeEach(() => {
    users = new FakeUsers();
    sessions = new FakeSessions();
    now = new Date('2030-01-01T00:00:00Z');
    auth = new AuthService(
      config(),
      users as unknown as UsersRepository,
      sessions as unknown as SessionsRepository,
      passwords,
      clock,
    );
  });

  async function expectBusError(p: Promise<unknown>, code: string, message?: RegExp | string): Promise<void> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BusError);
    expect((err as BusError).code).toBe(code);
    if (message) expect((err as BusError).message).toMatch(message);
  }

  describe('register', () => {
    it('stores an argon2id hash under the normalised key and signs a user access token', async () => {
      const t = await auth.register({ username: 'Ａｌｉｃｅ', password: 'a fine long passphrase' });
      expect(t.user).toEqual({ id: expect.any(String), username: 'Alice', displayName: 'Alice', guest: false });
      const row = users.rows.get(t.user.id)!;
      expect(row.usernameKey).toBe('alice');
      expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$/);
      expect(verifyAccessToken(SECRET, t.accessToken)).toMatchObject({ sub: t.user.id, use: 'access' });
      expect(verifyAccessToken(SECRET, t.accessToken, ['guest'])).toBeUndefined();
      expect(t.rememberMe).toBe(false);
      expect(t.refreshExpiresIn).toBe(12 * 3600);
    });

    it('duplicate (any case) → conflict; reserved bot names → conflict', async () => {
      await auth.register({ username: 'alice', password: 'a fine long passphrase' });
      await expectBusError(
        auth.register({ username: 'ALICE', password: 'a fine long passphrase' }),
        'conflict',
        /taken/,
      );
      for (const username of ['duck', 'Duck', 'ｄｕｃｋ', '小黄鸭', 'guest-ab12']) {
        await expectBusError(auth.register({ username, password: 'a fine long passphrase' }), 'conflict', /reserved/);
      }
    });

    it('common passwords and the username as password → validation', async () => {
      await expectBusError(auth.register({ username: 'bobby', password: 'Password123' }), 'validation', /common/);
      await expectBusError(auth.register({ username: 'bobby', password: 'QWERTYUIOP' }), 'validation', /common/);
      await expectBusError(
        auth.register({ username: 'bobby_the_user', password: 'BOBBY_THE_USER' }),
        'validation',
        /username/,
      );
      expect(users.create).not.toHaveBeenCalled();
    });
  });

  describe('login', () => {
    beforeEach(async () => {
      await auth.register({ username: 'carol', password: 'carol has a long pass' });
    });

    it('unknown user and wrong password: the same error; an unknown user still costs a verification', async () => {
      const dummy = jest.spyOn(passwords, 'verifyDummy');
      await expectBusError(
        auth.login({ username: 'nobody', password: 'whatever it is' }),
        'unauthorized',
        BAD_CREDENTIALS,
      );
      expect(dummy).toHaveBeenCalledTimes(1);
      await expectBusError(
        auth.login({ username: 'carol', password: 'wrong password!' }),
        'unauthorized',
        BAD_CREDENTIALS,
      );
      await expectBusError(auth.login({ username: 'no such user!', password: 'x' }), 'unauthorized', BAD_CREDENTIALS);
      expect(dummy).toHaveBeenCalledTimes(2);
    });

    it('finds the user without regard to case; rememberMe gives 30 days', async () => {
      const t = await auth.login({ username: 'CAROL', password: 'carol has a long pass', rememberMe: true });
      expect(t.rememberMe).toBe(true);
      expect(t.refreshExpiresIn).toBe(30 * 86400);
    });

    it('rehashes when the parameters changed', async () => {
      const id = [...users.rows.keys()][0];
      const weak = await passwords.hash('carol has a long pass');
      const stronger = new PasswordService(Object.assign(config(), { ARGON2_TIME_COST: 3 }));
      const svc = new AuthService(
        config(),
        users as unknown as UsersRepository,
        sessions as unknown as SessionsRepository,
        stronger,
        clock,
      );
      users.rows.get(id)!.passwordHash = weak;
      await svc.login({ username: 'carol', password: 'carol has a long pass' });
      expect(users.updatePasswordHash).toHaveBeenCalledTimes(1);
      expect(users.rows.get(id)!.passwordHash).toMatch(/t=3/);
      await svc.login({ username: 'carol', password: 'carol has a long pass' });
      expect(users.updatePasswordHash).toHaveBeenCalledTimes(1);
    });
  });

  describe('refresh rotation and reuse detection', () => {
    let first: Awaited<ReturnType<AuthService['register']>>;
    beforeEach(async () => {
      first = await auth.register({ username: 'dave', password: 'dave has a long pass' });
    });
    const sid = () => first.refreshToken.split('.')[0];

    it('rotates: a new token, the old hash kept, only hashes stored', async () => {
      const second = await auth.refresh({ refreshToken: first.refreshToken });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      const s = sessions.rows.get(sid())!;
      expect(s.hash).toBe(hashRefreshToken(second.refreshToken));
      expect(s.prevHashes).toEqual([hashRefreshToken(first.refreshToken)]);
      expect(JSON.stringify(s)).not.toContain(first.refreshToken.split('.')[1]);
    });

    it('an already-rotated token revokes the session: the newest token stops working', async () => {
      const second = await auth.refresh({ refreshToken: first.refreshToken });
      await expectBusError(auth.refresh({ refreshToken: first.refreshToken }), 'unauthorized', BAD_REFRESH);
      expect(sessions.rows.get(sid())!.revokedReason).toBe('reuse');
      await expectBusError(auth.refresh({ refreshToken: second.refreshToken }), 'unauthorized');
    });

    it('a token claimed by a concurrent refresh counts as reuse', async () => {
      sessions.claimed.add(hashRefreshToken(first.refreshToken));
      await expectBusError(auth.refresh({ refreshToken: first.refreshToken }), 'unauthorized');
      expect(sessions.rows.get(sid())!.revokedReason).toBe('reuse');
    });

    it('concurrent refreshes with one token: at most one wins', async () => {
      const results = await Promise.allSettled([1, 2, 3].map(() => auth.refresh({ refreshToken: first.refreshToken })));
      expect(results.filter((r) => r.status === 'fulfilled').length).toBeLessThanOrEqual(1);
    });

    it('expired, revoked, malformed or forged tokens → unauthorized', async () => {
      await expectBusError(auth.refresh({ refreshToken: 'garbage' }), 'unauthorized');
      await expectBusError(auth.refresh({ refreshToken: `${sid()}.${'A'.repeat(43)}` }), 'unauthorized');
      expect(sessions.rows.get(sid())!.revokedAt).toBeNull();
      now = new Date(now.getTime() + 12 * 3600 * 1000 + 1);
      await expectBusError(auth.refresh({ refreshToken: first.refreshToken }), 'unauthorized');
    });

    it('a non-remembered session keeps its 12 h end; a remembered one slides to 30 days', async () => {
      now = new Date(now.getTime() + 3600 * 1000);
      const r = await auth.refresh({ refreshToken: first.refreshToken });
      expect(r.refreshExpiresIn).toBe(11 * 3600);
      const remembered = await auth.login({ username: 'dave', password: 'dave has a long pass', rememberMe: true });
      now = new Date(now.getTime() + 86400 * 1000);
      const r2 = await auth.refresh({ refreshToken: remembered.refreshToken });
      expect(r2.refreshExpiresIn).toBe(30 * 86400);
    });

    it('logout revokes; logout of junk is a no-op', async () => {
      await auth.logout({ refreshToken: 'junk' });
      await auth.logout({ refreshToken: first.refreshToken });
      expect(sessions.rows.get(sid())!.revokedReason).toBe('logout');
      await expectBusError(auth.refresh({ refreshToken: first.refreshToken }), 'unauthorized');
    });
  });

  it('guest tokens have use=guest, a guest id and no refresh token', () => {
    const g = auth.guest({ nickname: '路人' });
    expect(g.user).toEqual({
      id: expect.stringMatching(/^guest:/),
      username: expect.stringMatching(/^guest-/),
      displayName: '路人',
      guest: true,
    });
    expect(verifyAccessToken(SECRET, g.accessToken)).toBeUndefined();
    expect(verifyAccessToken(SECRET, g.accessToken, ['guest'])).toMatchObject({ use: 'guest' });
    expect((g as unknown as { refreshToken?: string }).refreshToken).toBeUndefined();
    expect(auth.guest({}).user.displayName).toMatch(/^游客/);
  });
});

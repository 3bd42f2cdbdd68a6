import { AuthConfig } from '@hihi/config';
import type { AuthTokens } from '@hihi/contracts';
import { BusError, verifyAccessToken } from '@hihi/common';
import { AuthService, BAD_CREDENTIALS, BAD_REFRESH, Clock } from './auth.service';
import { DuplicateUsernameError, NewUser, UserRecord, UsersRepository } from './users/users.repository';
import { ClaimGrace, ClaimRecord, SessionRecord, SessionsRepository } from './sessions/sessions.repository';
import { PasswordService } from './passwords/password.service';
import { RevocationPublisher } from './sessions/revocation.publisher';
import { hashRefreshToken } from './tokens/refresh-token';

const SECRET = 'x'.repeat(40);

function config(): AuthConfig {
  return Object.assign(new AuthConfig(), { JWT_SECRET: SECRET });
}

/** In-memory repositories with the same contracts as the mongoose ones. */
class FakeUsers {
  readonly rows = new Map<string, UserRecord & Pick<NewUser, 'usernameSkeleton'>>();
  private next = 1;
  create = jest.fn(async (u: NewUser) => {
    if (
      [...this.rows.values()].some((r) => r.usernameKey === u.usernameKey || r.usernameSkeleton === u.usernameSkeleton)
    )
      throw new DuplicateUsernameError();
    const rec = {
      ...u,
      id: (this.next++).toString(16).padStart(24, '0'),
      role: 'member' as const,
      status: 'active' as const,
    };
    this.rows.set(rec.id, rec);
    return rec;
  });
  findByKey = jest.fn(async (key: string) => [...this.rows.values()].find((r) => r.usernameKey === key));
  findById = jest.fn(async (id: string) => this.rows.get(id));
  touch = jest.fn(async () => undefined);
  /** no deleted accounts here: nothing to free */
  releaseHeldUsernames = jest.fn(async () => 0);
  updatePasswordHash = jest.fn(async (id: string, hash: string) => {
    this.rows.get(id)!.passwordHash = hash;
  });
}

class FakeSessions {
  readonly rows = new Map<string, SessionRecord & { revokedReason?: string }>();
  readonly claimed = new Map<string, ClaimRecord>();
  create = jest.fn(
    async (s: { id: string; userId: string; hash: string; rememberMe: boolean; expiresAt: Date; createdAt: Date }) => {
      this.rows.set(s.id, { ...s, prevHashes: [], revokedAt: null });
    },
  );
  findById = jest.fn(async (id: string) => {
    const s = this.rows.get(id);
    return s ? { ...s, prevHashes: [...s.prevHashes] } : undefined;
  });
  claim = jest.fn(async (hash: string, sessionId: string, _expiresAt: Date, grace?: ClaimGrace) => {
    if (this.claimed.has(hash)) return false;
    this.claimed.set(hash, { sessionId, ...grace });
    return true;
  });
  findClaim = jest.fn(async (hash: string) => this.claimed.get(hash));
  liveIds = jest.fn(async (userId: string) =>
    [...this.rows.values()].filter((s) => s.userId === userId && !s.revokedAt).map((s) => s.id),
  );
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
  revokeAllForUser = jest.fn(async (userId: string, reason: string, now = new Date()) => {
    const live = [...this.rows.values()].filter((s) => s.userId === userId && !s.revokedAt);
    for (const s of live) Object.assign(s, { revokedAt: now, revokedReason: reason });
    return live.length;
  });
}

/** Records what would be denied in Redis and published. */
class FakeRevocation {
  readonly denied: { sids: string[]; reason: string }[] = [];
  revoke = jest.fn(async (sids: readonly string[], reason: string) => {
    this.denied.push({ sids: [...sids], reason });
  });
}

describe('AuthService (mocked repositories)', () => {
  let users: FakeUsers;
  let sessions: FakeSessions;
  let revocation: FakeRevocation;
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
    revocation = new FakeRevocation();
    now = new Date('2030-01-01T00:00:00Z');
    auth = new AuthService(
      config(),
      users as unknown as UsersRepository,
      sessions as unknown as SessionsRepository,
      passwords,
      revocation as unknown as RevocationPublisher,
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
      expect(t.user).toEqual({
        id: expect.any(String),
        username: 'Alice',
        displayName: 'Alice',
        guest: false,
        role: 'member',
      });
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
      for (const username of ['duck', 'Duck', 'ｄｕｃｋ', '小黄鸭', 'guest-ab12', 'dսck', 'bоt']) {
        await expectBusError(auth.register({ username, password: 'a fine long passphrase' }), 'conflict', /reserved/);
      }
    });

    it('a username that looks like a taken one (same confusable skeleton) → conflict', async () => {
      await auth.register({ username: 'admin', password: 'a fine long passphrase' });
      await expectBusError(
        auth.register({ username: '\u0430dmin', password: 'a fine long passphrase' }),
        'conflict',
        /taken/,
      );
      await auth.register({ username: 'paypal', password: 'a fine long passphrase' });
      await expectBusError(auth.register({ username: 'paypaI', password: 'a fine long passphrase' }), 'conflict');
      expect(users.rows.size).toBe(2);
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
      const t = (await auth.login({
        username: 'CAROL',
        password: 'carol has a long pass',
        rememberMe: true,
      })) as AuthTokens;
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
        revocation as unknown as RevocationPublisher,
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

    it('the same token again within the grace window: the same new pair, nothing revoked', async () => {
      const second = await auth.refresh({ refreshToken: first.refreshToken });
      now = new Date(now.getTime() + 9000);
      const again = await auth.refresh({ refreshToken: first.refreshToken });
      expect(again.refreshToken).toBe(second.refreshToken);
      expect(again.accessToken).toBe(second.accessToken);
      expect(again.expiresIn).toBe(second.expiresIn - 9);
      expect(sessions.rows.get(sid())!.revokedAt).toBeNull();
      expect(revocation.revoke).not.toHaveBeenCalled();
      // and the pair works
      await auth.refresh({ refreshToken: again.refreshToken });
    });

    it('an already-rotated token past the grace window revokes the session, denying its access tokens', async () => {
      const second = await auth.refresh({ refreshToken: first.refreshToken });
      now = new Date(now.getTime() + 10_001);
      await expectBusError(auth.refresh({ refreshToken: first.refreshToken }), 'unauthorized', BAD_REFRESH);
      expect(sessions.rows.get(sid())!.revokedReason).toBe('reuse');
      expect(revocation.denied).toEqual([{ sids: [sid()], reason: 'reuse' }]);
      await expectBusError(auth.refresh({ refreshToken: second.refreshToken }), 'unauthorized');
    });

    it('within the grace window, but its successor already rotated on: reuse', async () => {
      const second = await auth.refresh({ refreshToken: first.refreshToken });
      await auth.refresh({ refreshToken: second.refreshToken });
      await expectBusError(auth.refresh({ refreshToken: first.refreshToken }), 'unauthorized', BAD_REFRESH);
      expect(sessions.rows.get(sid())!.revokedReason).toBe('reuse');
    });

    it('a token claimed before without a pair to hand out (not by this rotation) counts as reuse', async () => {
      sessions.claimed.set(hashRefreshToken(first.refreshToken), { sessionId: sid() });
      await expectBusError(auth.refresh({ refreshToken: first.refreshToken }), 'unauthorized');
      expect(sessions.rows.get(sid())!.revokedReason).toBe('reuse');
    });

    it('concurrent refreshes with one token: one rotation, every caller gets the same pair', async () => {
      const results = await Promise.all([1, 2, 3].map(() => auth.refresh({ refreshToken: first.refreshToken })));
      expect(new Set(results.map((r) => r.refreshToken)).size).toBe(1);
      expect(sessions.rotate).toHaveBeenCalledTimes(1);
      expect(sessions.rows.get(sid())!.revokedAt).toBeNull();
    });

    it('the grace pair is stored sealed, never in clear', async () => {
      const second = await auth.refresh({ refreshToken: first.refreshToken });
      const claim = sessions.claimed.get(hashRefreshToken(first.refreshToken))!;
      expect(claim.nextHash).toBe(hashRefreshToken(second.refreshToken));
      expect(claim.sealed).toBeDefined();
      expect(claim.sealed).not.toContain(second.refreshToken.split('.')[1]);
      expect(claim.sealed).not.toContain(second.accessToken.split('.')[1]);
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
      const remembered = (await auth.login({
        username: 'dave',
        password: 'dave has a long pass',
        rememberMe: true,
      })) as AuthTokens;
      now = new Date(now.getTime() + 86400 * 1000);
      const r2 = await auth.refresh({ refreshToken: remembered.refreshToken });
      expect(r2.refreshExpiresIn).toBe(30 * 86400);
    });

    it('logout revokes and denies the session; logout of junk is a no-op', async () => {
      await auth.logout({ refreshToken: 'junk' });
      expect(revocation.revoke).not.toHaveBeenCalled();
      await auth.logout({ refreshToken: first.refreshToken });
      expect(sessions.rows.get(sid())!.revokedReason).toBe('logout');
      expect(revocation.denied).toEqual([{ sids: [sid()], reason: 'logout' }]);
      await expectBusError(auth.refresh({ refreshToken: first.refreshToken }), 'unauthorized');
    });

    it('a failed deny entry fails the logout (503) before the session is revoked, so it can be retried', async () => {
      revocation.revoke.mockRejectedValueOnce(new BusError('unavailable', 'redis down'));
      await expectBusError(auth.logout({ refreshToken: first.refreshToken }), 'unavailable');
      expect(sessions.rows.get(sid())!.revokedAt).toBeNull();
      await auth.logout({ refreshToken: first.refreshToken });
      expect(sessions.rows.get(sid())!.revokedReason).toBe('logout');
    });

    it('logout-all denies every live session of the user', async () => {
      const other = (await auth.login({ username: 'dave', password: 'dave has a long pass' })) as AuthTokens;
      await auth.logoutAll({ userId: first.user.id });
      expect(revocation.denied).toHaveLength(1);
      expect(revocation.denied[0].reason).toBe('logout-all');
      expect(revocation.denied[0].sids.sort()).toEqual([sid(), other.refreshToken.split('.')[0]].sort());
      await expectBusError(auth.refresh({ refreshToken: other.refreshToken }), 'unauthorized');
    });
  });

  it('guest tokens have use=guest, a guest id and no refresh token', () => {
    const g = auth.guest({ nickname: '路人' });
    expect(g.user).toEqual({
      id: expect.stringMatching(/^guest:/),
      username: expect.stringMatching(/^guest-/),
      displayName: '路人',
      guest: true,
      role: 'guest',
    });
    expect(verifyAccessToken(SECRET, g.accessToken)).toBeUndefined();
    expect(verifyAccessToken(SECRET, g.accessToken, ['guest'])).toMatchObject({ use: 'guest' });
    expect((g as unknown as { refreshToken?: string }).refreshToken).toBeUndefined();
    expect(auth.guest({}).user.displayName).toMatch(/^游客/);
  });
});

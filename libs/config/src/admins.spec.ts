import 'reflect-metadata';
import { AuthConfig } from './schemas';
import { ConfigError, loadConfig } from './env';

const base = { JWT_SECRET: 'x'.repeat(40) };

describe('HIHI_ADMINS', () => {
  it('is a comma-separated list of usernames, kept as normalised keys', () => {
    const c = loadConfig(AuthConfig, { ...base, HIHI_ADMINS: ' Alice, ＢＯＢ ,小明 ' });
    expect([...c.adminUsernameKeys].sort()).toEqual(['alice', 'bob', '小明'].sort());
  });

  it('is optional (nobody is made admin)', () => {
    expect(loadConfig(AuthConfig, base).adminUsernameKeys.size).toBe(0);
  });

  it.each(['alice,,<script>', 'a', 'alice;bob', ' , ', 'x'.repeat(40)])('refuses %p naming the variable', (value) => {
    expect(() => loadConfig(AuthConfig, { ...base, HIHI_ADMINS: value })).toThrow(ConfigError);
    try {
      loadConfig(AuthConfig, { ...base, HIHI_ADMINS: value });
    } catch (err) {
      expect((err as ConfigError).problems.join('\n')).toMatch(/^HIHI_ADMINS must be a comma-separated list/m);
    }
  });
});

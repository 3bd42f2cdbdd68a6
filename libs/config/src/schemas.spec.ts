import 'reflect-metadata';
import { loadConfig } from './env';
import { AuthConfig, BaseConfig, ChatConfig } from './schemas';

describe('REDIS_URL and DATABASE_REPLICA_URL (SPEC §11)', () => {
  it.each([
    'redis://127.0.0.1:6379',
    'rediss://user:pass@redis.example:6380/0',
    'redis+cluster://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:7002',
    'rediss+cluster://app:secret@[::1]:7000,r2.example:7001',
  ])('accepts %s', (url) => {
    expect(loadConfig(BaseConfig, { REDIS_URL: url }).REDIS_URL).toBe(url);
  });

  it.each(['redis+cluster://h1', 'redis+cluster://h1:7000,', 'redis+cluster://h1:7000 h2:7001', 'http://h1:6379'])(
    'refuses %s, naming the variable',
    (url) => {
      expect(() => loadConfig(BaseConfig, { REDIS_URL: url })).toThrow(/REDIS_URL/);
    },
  );

  it('DATABASE_REPLICA_URL is optional and must be a PostgreSQL URL when set', () => {
    expect(loadConfig(ChatConfig, {}).DATABASE_REPLICA_URL).toBeUndefined();
    expect(loadConfig(ChatConfig, { DATABASE_REPLICA_URL: 'postgres://h/hihi' }).DATABASE_REPLICA_URL).toBe(
      'postgres://h/hihi',
    );
    expect(() => loadConfig(ChatConfig, { DATABASE_REPLICA_URL: 'mysql://h/hihi' })).toThrow(/DATABASE_REPLICA_URL/);
  });

  it('SEARCH_INDEX_MS: 500 by default, 50–60000 ms', () => {
    expect(loadConfig(ChatConfig, {}).SEARCH_INDEX_MS).toBe(500);
    expect(loadConfig(ChatConfig, { SEARCH_INDEX_MS: '60000' }).SEARCH_INDEX_MS).toBe(60000);
    for (const bad of ['0', '49', '60001', 'soon', '1.5'])
      expect(() => loadConfig(ChatConfig, { SEARCH_INDEX_MS: bad })).toThrow(/SEARCH_INDEX_MS must be/);
  });
});

describe('EGRESS_ALLOW (SPEC §9)', () => {
  it('accepts host:port lists and is unset by default', () => {
    expect(loadConfig(BaseConfig, {}).EGRESS_ALLOW).toBeUndefined();
    expect(
      loadConfig(BaseConfig, { EGRESS_ALLOW: '127.0.0.1:9000, [::1]:80,ci.local:8080' }).EGRESS_ALLOW,
    ).toBeDefined();
  });

  it.each(['127.0.0.1', 'http://a:80', 'a:99999'])('refuses %s, naming the variable', (v) => {
    expect(() => loadConfig(BaseConfig, { EGRESS_ALLOW: v })).toThrow(/EGRESS_ALLOW/);
  });
});

describe('SMTP_URL, MAIL_FROM and PUBLIC_ORIGIN of auth (SPEC §10)', () => {
  const secret = { JWT_SECRET: 'x'.repeat(32) };

  it('mail is off by default', () => {
    const c = loadConfig(AuthConfig, secret);
    expect(c.SMTP_URL).toBeUndefined();
    expect(c.mailConfigured).toBe(false);
  });

  it('accepts smtp:// and smtps:// with MAIL_FROM and PUBLIC_ORIGIN', () => {
    for (const url of [
      'smtp://user:pass@mail.example.com:587',
      'smtps://mail.example.com:465',
      'smtp://127.0.0.1:2525',
    ])
      expect(
        loadConfig(AuthConfig, {
          ...secret,
          SMTP_URL: url,
          MAIL_FROM: 'Hihi Chat <chat@example.com>',
          PUBLIC_ORIGIN: 'https://chat.example.com',
        }).mailConfigured,
      ).toBe(true);
  });

  it('refuses other schemes, a From with a line break, and SMTP_URL without MAIL_FROM or PUBLIC_ORIGIN', () => {
    expect(() => loadConfig(AuthConfig, { ...secret, SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig(AuthConfig, { ...secret, MAIL_FROM: 'a@b.c\r\nBcc: x@y.z' })).toThrow(/MAIL_FROM/);
    expect(() =>
      loadConfig(AuthConfig, { ...secret, SMTP_URL: 'smtp://h:25', PUBLIC_ORIGIN: 'https://chat.example.com' }),
    ).toThrow(/MAIL_FROM is required/);
    expect(() => loadConfig(AuthConfig, { ...secret, SMTP_URL: 'smtp://h:25', MAIL_FROM: 'a@b.c' })).toThrow(
      /PUBLIC_ORIGIN is required/,
    );
  });
});

describe('DIGEST_DELAY_SEC (SPEC §10)', () => {
  it('is 30 minutes by default, whole seconds from 1 s to a week', () => {
    expect(loadConfig(ChatConfig, {}).DIGEST_DELAY_SEC).toBe(1800);
    expect(loadConfig(ChatConfig, { DIGEST_DELAY_SEC: '60' }).DIGEST_DELAY_SEC).toBe(60);
    for (const bad of ['0', '-5', '1.5', 'soon', '604801']) {
      expect(() => loadConfig(ChatConfig, { DIGEST_DELAY_SEC: bad })).toThrow(/DIGEST_DELAY_SEC/);
    }
  });
});

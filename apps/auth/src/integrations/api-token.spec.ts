import { API_TOKEN_RE, isApiToken } from '@hihi/contracts';
import { hashApiToken, newApiToken, parseApiToken, sameTokenHash } from './api-token';

describe('API token format (SPEC §9)', () => {
  it('starts with hihi_pat_ / hihi_bot_ and carries 32 random bytes', () => {
    const pat = newApiToken('pat');
    const bot = newApiToken('bot');
    expect(pat).toMatch(/^hihi_pat_[A-Za-z0-9_-]{43}$/);
    expect(bot).toMatch(/^hihi_bot_[A-Za-z0-9_-]{43}$/);
    expect(newApiToken('pat')).not.toBe(pat);
    expect(parseApiToken(pat)).toBe('pat');
    expect(parseApiToken(bot)).toBe('bot');
  });

  it.each([
    'hihi_pat_short',
    'hihi_xyz_' + 'a'.repeat(43),
    'Bearer hihi_pat_' + 'a'.repeat(43),
    'hihi_pat_' + 'a'.repeat(44),
    'eyJhbGciOiJIUzI1NiJ9.x.y',
    '',
  ])('refuses %p', (t) => {
    expect(parseApiToken(t)).toBeUndefined();
    expect(isApiToken(t)).toBe(false);
    expect(API_TOKEN_RE.test(t)).toBe(false);
  });

  it('stores only a SHA-256 and compares in constant time', () => {
    const t = newApiToken('pat');
    const h = hashApiToken(t);
    expect(h).toMatch(/^[a-f0-9]{64}$/);
    expect(h).not.toContain(t.slice(9));
    expect(sameTokenHash(h, hashApiToken(t))).toBe(true);
    expect(sameTokenHash(h, hashApiToken(newApiToken('pat')))).toBe(false);
    expect(sameTokenHash(h, '')).toBe(false);
  });
});

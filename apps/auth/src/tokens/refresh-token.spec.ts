import {
  hashRefreshToken,
  newRefreshToken,
  newSessionId,
  parseRefreshToken,
  sameHash,
  sealForToken,
  unsealWithToken,
} from './refresh-token';

describe('refresh tokens', () => {
  it('are <sessionId>.<secret> with 256 random bits of secret, and parse back', () => {
    const sid = newSessionId();
    const t = newRefreshToken(sid);
    expect(t).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t.split('.')[1], 'base64url')).toHaveLength(32);
    expect(parseRefreshToken(t)).toEqual({ sessionId: sid });
    expect(newRefreshToken(sid)).not.toBe(t);
  });

  it('refuses anything else', () => {
    for (const v of [
      undefined,
      null,
      1,
      {},
      { $ne: null },
      'a.b',
      `${'a'.repeat(22)}.${'b'.repeat(44)}`,
      'x'.repeat(66),
    ]) {
      expect(parseRefreshToken(v)).toBeUndefined();
    }
  });

  it('are stored as SHA-256 hex and compared in constant time', () => {
    const h = hashRefreshToken('abc');
    expect(h).toMatch(/^[a-f0-9]{64}$/);
    expect(sameHash(h, hashRefreshToken('abc'))).toBe(true);
    expect(sameHash(h, hashRefreshToken('abd'))).toBe(false);
    expect(sameHash(h, '')).toBe(false);
  });

  it('a sealed pair opens only with the token it was sealed for, and not after tampering', () => {
    const token = newRefreshToken(newSessionId());
    const sealed = sealForToken(token, '{"next":"pair"}');
    expect(sealed).not.toContain('pair');
    expect(unsealWithToken(token, sealed)).toBe('{"next":"pair"}');
    expect(unsealWithToken(newRefreshToken(newSessionId()), sealed)).toBeUndefined();
    const [iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(unsealWithToken(token, [iv, tag, flipped.toString('base64url')].join('.'))).toBeUndefined();
    expect(unsealWithToken(token, 'junk')).toBeUndefined();
    expect(unsealWithToken(hashRefreshToken(token), sealed)).toBeUndefined();
  });
});

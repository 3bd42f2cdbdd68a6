import { UNSUBSCRIBE_TOKEN_PATTERN } from '@hihi/contracts';
import { UnsubscribeTokens } from './unsubscribe-token';

describe('UnsubscribeTokens (signed unsubscribe links)', () => {
  const alice = 'a'.repeat(24);
  const bob = 'b'.repeat(24);
  const tokens = new UnsubscribeTokens('x'.repeat(32));

  it('signs an account id so that only that account verifies, with the shape the DTO checks', () => {
    const t = tokens.sign(alice);
    expect(t).toMatch(UNSUBSCRIBE_TOKEN_PATTERN);
    expect(t.startsWith(`${alice}.`)).toBe(true);
    expect(tokens.verify(t)).toBe(alice);
    expect(tokens.sign(alice)).toBe(t);
  });

  it('refuses another account id under the same signature, a changed signature, another key', () => {
    const t = tokens.sign(alice);
    expect(tokens.verify(t.replace(alice, bob))).toBeUndefined();
    const sig = t.split('.')[1];
    const flipped = `${alice}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect(tokens.verify(flipped)).toBeUndefined();
    expect(new UnsubscribeTokens('y'.repeat(32)).verify(t)).toBeUndefined();
  });

  it('refuses malformed tokens without throwing', () => {
    for (const bad of [
      '',
      'nope',
      `${alice}.`,
      `${alice}.${'A'.repeat(42)}`,
      `${alice.toUpperCase()}.${'A'.repeat(43)}`,
    ])
      expect(tokens.verify(bad)).toBeUndefined();
    expect(tokens.verify(42 as unknown as string)).toBeUndefined();
  });
});

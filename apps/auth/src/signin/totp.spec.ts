import { Secret } from 'otpauth';
import { otpauthUrl, totpCode, totpStep, verifyTotp } from './totp';

/** RFC 6238 Appendix B, SHA-1 column: seed "12345678901234567890", 8 digits. */
const SEED = new Secret({ buffer: new Uint8Array(Buffer.from('12345678901234567890', 'ascii')).buffer }).base32;
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238, SHA-1, 30 s)', () => {
  it.each(VECTORS)('at T=%i s the 8-digit code is %s, the 6-digit code its last six digits', (t, code) => {
    expect(totpCode(SEED, t * 1000, 8)).toBe(code);
    expect(totpCode(SEED, t * 1000)).toBe(code.slice(2));
  });

  it('accepts the code of the step before and after (drift), not two steps away; answers the step matched', () => {
    const t = 1111111111 * 1000;
    const step = totpStep(t);
    expect(verifyTotp(SEED, totpCode(SEED, t), t)).toBe(step);
    expect(verifyTotp(SEED, totpCode(SEED, t - 30_000), t)).toBe(step - 1);
    expect(verifyTotp(SEED, totpCode(SEED, t + 30_000), t)).toBe(step + 1);
    expect(verifyTotp(SEED, totpCode(SEED, t - 60_000), t)).toBeUndefined();
    expect(verifyTotp(SEED, totpCode(SEED, t + 60_000), t)).toBeUndefined();
  });

  it('refuses anything that is not six digits', () => {
    const t = 59_000;
    expect(verifyTotp(SEED, '94287082', t)).toBeUndefined();
    expect(verifyTotp(SEED, '28708 ', t)).toBeUndefined();
    expect(verifyTotp(SEED, '', t)).toBeUndefined();
  });

  it('makes an otpauth:// URL with the parameters of SPEC §12', () => {
    const url = new URL(otpauthUrl(SEED, '小明'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Hihi Chat:小明');
    expect(url.searchParams.get('secret')).toBe(SEED);
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
  });
});

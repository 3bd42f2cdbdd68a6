import { createHmac } from 'node:crypto';
import { signDelivery, triggers, verifyDelivery } from './signature';

describe('outgoing webhook signature (SPEC §9)', () => {
  const secret = 'k'.repeat(43);
  const body = JSON.stringify({ event: 'message.new', message: { text: 'hi' } });

  it('is sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signDelivery(secret, 1700000000, body)).toBe(`sha256=${expected}`);
  });

  it('verifies within the tolerance and refuses replays, other bodies, other secrets', () => {
    const now = 1700000000;
    const sig = signDelivery(secret, now, body);
    expect(verifyDelivery(secret, String(now), body, sig, now + 299)).toBe(true);
    expect(verifyDelivery(secret, String(now), body, sig, now + 301)).toBe(false);
    expect(verifyDelivery(secret, String(now), body + ' ', sig, now)).toBe(false);
    expect(verifyDelivery('other', String(now), body, sig, now)).toBe(false);
    expect(verifyDelivery(secret, String(now + 1), body, sig, now)).toBe(false);
    expect(verifyDelivery(secret, 'soon', body, sig, now)).toBe(false);
    expect(verifyDelivery(secret, String(now), body, undefined, now)).toBe(false);
  });
});

describe('outgoing webhook triggers', () => {
  it('all, mention and words', () => {
    expect(triggers('all', { text: 'anything' })).toBe(true);
    expect(triggers('mention', { text: 'no one' })).toBe(false);
    expect(triggers('mention', { text: 'hey @ci look' })).toBe(true);
    expect(triggers('mention', { text: 'mail a@b' })).toBe(false);
    expect(triggers('mention', { text: 'x', mentions: ['u1'] })).toBe(true);
    expect(triggers({ words: ['deploy'] }, { text: 'please Deploy now' })).toBe(true);
    expect(triggers({ words: ['deploy'] }, { text: 'deployment later' })).toBe(false);
    expect(triggers({ words: ['deploy', 'build'] }, { text: 'build!' })).toBe(true);
  });
});

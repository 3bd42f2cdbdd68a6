import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { encryptPayload, generateVapidKeys, MAX_PAYLOAD_BYTES, pushRequest, vapidAuthorization } from './web-push';

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** What a browser does with a push message (RFC 8291 §3, the user agent's side). */
function decryptAsBrowser(body: Buffer, uaPrivate: Buffer, uaPublic: Buffer, auth: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  expect(record.length).toBeLessThanOrEqual(rs);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(uaPrivate);
  const shared = ecdh.computeSecret(asPublic);
  const ikm = hmac(
    hmac(auth, shared),
    Buffer.concat([Buffer.from('WebPush: info\0', 'latin1'), uaPublic, asPublic, Buffer.from([1])]),
  );
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'latin1')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'latin1')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  const end = padded.lastIndexOf(2);
  expect(padded.subarray(end + 1).every((b) => b === 0)).toBe(true);
  return padded.subarray(0, end);
}

function browserSubscription() {
  const ua = createECDH('prime256v1');
  ua.generateKeys();
  const auth = randomBytes(16);
  return {
    ua,
    auth,
    sub: {
      endpoint: 'https://push.example.net/send/abc123',
      keys: { p256dh: ua.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    },
  };
}

describe('Web Push encryption (RFC 8291) and VAPID (RFC 8292)', () => {
  it('matches the example of RFC 8291 Appendix A', () => {
    const b = (s: string) => Buffer.from(s, 'base64url');
    const body = encryptPayload(
      {
        endpoint: 'https://push.example.net/x',
        keys: {
          p256dh: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
          auth: 'BTBZMqHH6r4Tts7J_aSIgg',
        },
      },
      Buffer.from('When I grow up, I want to be a watermelon'),
      {
        salt: b('DGv6ra1nlYgDCS1FRnbzlw'),
        serverKeys: {
          privateKey: b('yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw'),
          publicKey: b('BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8'),
        },
      },
    );
    expect(body.toString('base64url')).toBe(
      'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
    );
  });

  it('a browser decrypts what is sent; each message has its own keys and salt', () => {
    const { ua, auth, sub } = browserSubscription();
    const text = Buffer.from(JSON.stringify({ title: '小明', body: '你好 @alice', url: '/chat?room=lobby#seq=7' }));
    const one = encryptPayload(sub, text);
    const two = encryptPayload(sub, text);
    expect(one.equals(two)).toBe(false);
    for (const body of [one, two])
      expect(decryptAsBrowser(body, ua.getPrivateKey(), ua.getPublicKey(), auth)).toEqual(text);
    // another subscription's keys cannot open it
    const other = browserSubscription();
    expect(() => decryptAsBrowser(one, other.ua.getPrivateKey(), other.ua.getPublicKey(), other.auth)).toThrow();
  });

  it('refuses malformed subscription keys and payloads that do not fit one record', () => {
    const { sub } = browserSubscription();
    expect(() => encryptPayload({ ...sub, keys: { ...sub.keys, p256dh: 'AAAA' } }, Buffer.from('x'))).toThrow(/p256dh/);
    expect(() => encryptPayload({ ...sub, keys: { ...sub.keys, auth: 'AAAA' } }, Buffer.from('x'))).toThrow(/auth/);
    expect(() => encryptPayload(sub, Buffer.alloc(MAX_PAYLOAD_BYTES + 1))).toThrow(/over/);
    expect(encryptPayload(sub, Buffer.alloc(MAX_PAYLOAD_BYTES)).length).toBeLessThanOrEqual(4096);
  });

  it('signs a VAPID JWT for the endpoint origin that verifies with the public key', () => {
    const keys = generateVapidKeys();
    const now = 1_800_000_000;
    const header = vapidAuthorization(
      'https://push.example.net:8443/send/abc?x=1',
      keys,
      'mailto:ops@example.org',
      now,
    );
    const m = /^vapid t=([^.]+)\.([^.]+)\.([^,]+), k=(.+)$/.exec(header)!;
    expect(m).not.toBeNull();
    expect(m[4]).toBe(keys.publicKey);
    expect(JSON.parse(Buffer.from(m[1], 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'ES256' });
    expect(JSON.parse(Buffer.from(m[2], 'base64url').toString())).toEqual({
      aud: 'https://push.example.net:8443',
      exp: now + 12 * 3600,
      sub: 'mailto:ops@example.org',
    });
    const pub = Buffer.from(keys.publicKey, 'base64url');
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: pub.subarray(1, 33).toString('base64url'),
        y: pub.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    const ok = verify(
      'sha256',
      Buffer.from(`${m[1]}.${m[2]}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(m[3], 'base64url'),
    );
    expect(ok).toBe(true);
  });

  it('a push request carries aes128gcm, TTL, Urgency and the VAPID authorization', () => {
    const { ua, auth, sub } = browserSubscription();
    const req = pushRequest(
      sub,
      { title: 't' },
      { vapid: generateVapidKeys(), subject: 'mailto:a@example.org', ttlSec: 3600 },
    );
    expect(req.url).toBe(sub.endpoint);
    expect(req.headers).toMatchObject({ 'Content-Encoding': 'aes128gcm', TTL: '3600', Urgency: 'normal' });
    expect(req.headers.Authorization).toMatch(/^vapid t=.+, k=/);
    expect(JSON.parse(decryptAsBrowser(req.body, ua.getPrivateKey(), ua.getPublicKey(), auth).toString())).toEqual({
      title: 't',
    });
  });
});

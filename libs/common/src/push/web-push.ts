/**
 * Web Push messages (RFC 8030) as a push service expects them: the payload encrypted for the
 * subscription (RFC 8291, `aes128gcm` of RFC 8188) and the application server identified by VAPID
 * (RFC 8292: an ES256 JWT and the server's public key). Pure functions over node:crypto; sending
 * the request (through the egress guard: push endpoints are chosen by browsers) is the caller's.
 */
import { createECDH, createHmac, createCipheriv, createPrivateKey, randomBytes, sign } from 'node:crypto';

/** What the browser's PushSubscription.toJSON() gives. */
export interface PushSubscriptionKeys {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** The application server's key pair, base64url: `publicKey` 65 bytes uncompressed P-256, `privateKey` 32 bytes. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** One record holds the whole message (push services accept at most 4096 bytes of body). */
export const RECORD_SIZE = 4096;
/** Largest plaintext that fits one record: 4096 − header (86) − tag (16) − delimiter (1). */
export const MAX_PAYLOAD_BYTES = RECORD_SIZE - 86 - 16 - 1;

const b64u = (b: Buffer): string => b.toString('base64url');
const hmac = (key: Buffer, data: Buffer): Buffer => createHmac('sha256', key).update(data).digest();

export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: b64u(ecdh.getPublicKey()), privateKey: b64u(ecdh.getPrivateKey()) };
}

/**
 * The body of a push message for one subscription (RFC 8291 §3–4): a fresh ECDH key pair and salt
 * per message, the keys derived with HKDF-SHA-256 from the shared secret and the subscription's
 * auth secret, one AES-128-GCM record with the last-record delimiter.
 */
export function encryptPayload(
  sub: PushSubscriptionKeys,
  plaintext: Buffer,
  seed: { salt?: Buffer; serverKeys?: { publicKey: Buffer; privateKey: Buffer } } = {},
): Buffer {
  if (plaintext.length > MAX_PAYLOAD_BYTES) throw new Error(`push payload over ${MAX_PAYLOAD_BYTES} bytes`);
  const uaPublic = Buffer.from(sub.keys.p256dh, 'base64url');
  const authSecret = Buffer.from(sub.keys.auth, 'base64url');
  if (uaPublic.length !== 65 || uaPublic[0] !== 0x04) throw new Error('p256dh must be an uncompressed P-256 key');
  if (authSecret.length !== 16) throw new Error('auth must be 16 bytes');
  const ecdh = createECDH('prime256v1');
  if (seed.serverKeys) ecdh.setPrivateKey(seed.serverKeys.privateKey);
  else ecdh.generateKeys();
  const asPublic = ecdh.getPublicKey();
  const shared = ecdh.computeSecret(uaPublic);
  // RFC 8291 §3.4: IKM from the ECDH secret, keyed by the auth secret, bound to both public keys
  const prkKey = hmac(authSecret, shared);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0', 'latin1'), uaPublic, asPublic, Buffer.from([1])]);
  const ikm = hmac(prkKey, keyInfo);
  const salt = seed.salt ?? randomBytes(16);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'latin1')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'latin1')).subarray(0, 12);
  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  const sealed = Buffer.concat([cipher.update(Buffer.concat([plaintext, Buffer.from([2])])), cipher.final()]);
  const header = Buffer.alloc(21);
  salt.copy(header, 0);
  header.writeUInt32BE(RECORD_SIZE, 16);
  header[20] = asPublic.length;
  return Buffer.concat([header, asPublic, sealed, cipher.getAuthTag()]);
}

/** The VAPID private key as a KeyObject (JWK built from the raw key pair). */
function vapidKey(keys: VapidKeys) {
  const pub = Buffer.from(keys.publicKey, 'base64url');
  return createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: keys.privateKey, x: b64u(pub.subarray(1, 33)), y: b64u(pub.subarray(33, 65)) },
    format: 'jwk',
  });
}

/**
 * `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292 §2–3): an ES256 JWT whose `aud` is
 * the push endpoint's origin, `exp` at most 24 h ahead (12 h here), `sub` a contact URL.
 */
export function vapidAuthorization(
  endpoint: string,
  keys: VapidKeys,
  subject: string,
  nowSec = Date.now() / 1000,
): string {
  const aud = new URL(endpoint).origin;
  const header = b64u(Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'ES256' })));
  const claims = b64u(Buffer.from(JSON.stringify({ aud, exp: Math.floor(nowSec) + 12 * 3600, sub: subject })));
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), {
    key: vapidKey(keys),
    dsaEncoding: 'ieee-p1363',
  });
  return `vapid t=${header}.${claims}.${b64u(signature)}, k=${keys.publicKey}`;
}

/** The headers and body of one push request (RFC 8030 §5: TTL in seconds, Urgency, Topic optional). */
export function pushRequest(
  sub: PushSubscriptionKeys,
  payload: unknown,
  opts: {
    vapid: VapidKeys;
    subject: string;
    ttlSec: number;
    urgency?: 'very-low' | 'low' | 'normal' | 'high';
    nowSec?: number;
  },
): { url: string; headers: Record<string, string>; body: Buffer } {
  const body = encryptPayload(sub, Buffer.from(JSON.stringify(payload), 'utf8'));
  return {
    url: sub.endpoint,
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Encoding': 'aes128gcm',
      'Content-Length': String(body.length),
      TTL: String(Math.max(0, Math.floor(opts.ttlSec))),
      Urgency: opts.urgency ?? 'normal',
      Authorization: vapidAuthorization(sub.endpoint, opts.vapid, opts.subject, opts.nowSec),
    },
    body,
  };
}

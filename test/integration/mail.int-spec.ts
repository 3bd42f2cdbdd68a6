/**
 * The account's mails (SPEC §10) with real processes and a real SMTP server on 127.0.0.1
 * (smtp-server, started by the test; auth is given SMTP_URL): setting an address mails its
 * verification link, which works once and signed out; forgot password answers 202 for any name
 * and mails a reset link only to a verified address — the link resets once and signs every
 * session out; the digest bus command mails text and HTML in the person's language with
 * List-Unsubscribe (RFC 8058), is skipped when not opted in or not verified, and its unsubscribe
 * link (GET, and POST one-click) works signed out and turns the digest off. End to end: a DM
 * left unread reaches chat's digest job (DIGEST_DELAY_SEC), which hands it to auth, which mails
 * it — once.
 */
import { randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { ACCOUNT_PATTERNS, CLIENT_EVENTS, DIGEST, DigestEntry, Message, messageLink } from '@hihi/contracts';
import { BusClient, RedisRpcClient } from '@hihi/common/bus';
import { SmtpInbox, startSmtpInbox } from '../support/smtp-inbox';
import { Stack } from '../support/stack';
import { ack, api, connect, until } from './chat-helpers';

const ORIGIN = 'https://chat.example.test';
const PASSWORD = 'mail me a link 42';
let inbox: ParsedMail[] = [];
let smtp: SmtpInbox;
let stack: Stack;
let authBus: BusClient;

interface Account {
  id: string;
  username: string;
  token: string;
  refreshToken: string;
}

async function register(username: string): Promise<Account> {
  const r = await api(stack, undefined, 'POST', '/api/auth/register', { username, password: PASSWORD });
  expect(r.status).toBe(201);
  return { id: r.body.user.id, username, token: r.body.accessToken, refreshToken: r.body.refreshToken };
}

const to = (m: ParsedMail): string => (Array.isArray(m.to) ? m.to[0] : m.to)?.text ?? '';

/** The n-th mail (1-based) to `address` whose subject contains `subject`, once it has arrived. */
async function mailTo(address: string, subject: string, n = 1): Promise<ParsedMail> {
  const find = () => inbox.filter((m) => to(m) === address && (m.subject ?? '').includes(subject))[n - 1];
  expect(await until(() => find() !== undefined, 10000)).toBe(true);
  return find()!;
}

function tokenIn(mail: ParsedMail, path: string): string {
  const m = new RegExp(`${ORIGIN}${path}#token=([A-Za-z0-9_-]{43})`).exec(mail.text ?? '');
  expect(m).not.toBeNull();
  return m![1];
}

function entry(over: Partial<DigestEntry> = {}): DigestEntry {
  return {
    roomId: 'lobby',
    roomName: 'lobby <b>',
    messageId: randomUUID(),
    seq: 7,
    reason: 'mention',
    sender: 'Carol',
    excerpt: 'ping @alice <script>',
    at: new Date().toISOString(),
    ...over,
  };
}

beforeAll(async () => {
  smtp = await startSmtpInbox();
  inbox = smtp.mails;
  stack = new Stack({
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Hihi Chat <chat@example.test>',
      PUBLIC_ORIGIN: ORIGIN,
      // the end-to-end digest below: unread for 2 s is mailed (only DMs, groups and mentions count)
      DIGEST_DELAY_SEC: '2',
      NOTIFY_DELAY_SEC: '1',
    },
  });
  await stack.start();
  const t = new RedisRpcClient({ url: stack.redisUrl, prefix: 'hihi', service: 'auth' });
  await t.connect();
  authBus = new BusClient(t, 'auth', 5000);
}, 90000);

afterAll(async () => {
  await authBus?.close();
  await stack?.stop();
  await smtp?.close();
}, 30000);

let alice: Account;
let bob: Account;

describe('email verification', () => {
  it('a new address is unverified and gets a link (in the chosen language) that works once, signed out', async () => {
    alice = await register('alice_mail');
    const set = await api(stack, alice.token, 'PATCH', '/api/me', { email: 'alice@example.test', language: 'zh' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ email: 'alice@example.test', emailVerified: false, language: 'zh' });
    // the digest is off unless turned on (then `digest: true`)
    expect(set.body.digest).toBeUndefined();
    const mail = await mailTo('alice@example.test', '请确认你的邮箱地址');
    expect(mail.html).toContain('lang="zh-CN"');
    const token = tokenIn(mail, '/verify-email');
    // no bearer: the link works in any browser
    const verified = await api(stack, undefined, 'POST', '/api/me/email/verify', { token });
    expect(verified).toEqual({ status: 200, body: { email: 'alice@example.test' } });
    const again = await api(stack, undefined, 'POST', '/api/me/email/verify', { token });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/not valid/);
    const me = await api(stack, alice.token, 'GET', '/api/me');
    expect(me.body).toMatchObject({ email: 'alice@example.test', emailVerified: true });
    // the same address again keeps it verified; sending again is refused for a verified one
    expect(
      (await api(stack, alice.token, 'PATCH', '/api/me', { email: 'alice@example.test' })).body.emailVerified,
    ).toBe(true);
    expect((await api(stack, alice.token, 'POST', '/api/me/email/resend')).status).toBe(409);
  });

  it('sending again replaces the link; a malformed token is 400; no address: nothing to resend', async () => {
    bob = await register('bob_mail');
    expect((await api(stack, bob.token, 'POST', '/api/me/email/resend')).status).toBe(400);
    expect((await api(stack, bob.token, 'PATCH', '/api/me', { email: 'bob@example.test' })).status).toBe(200);
    const first = tokenIn(await mailTo('bob@example.test', 'Confirm your email address'), '/verify-email');
    expect((await api(stack, bob.token, 'POST', '/api/me/email/resend')).status).toBe(204);
    const second = tokenIn(await mailTo('bob@example.test', 'Confirm your email address', 2), '/verify-email');
    expect(second).not.toBe(first);
    expect((await api(stack, undefined, 'POST', '/api/me/email/verify', { token: first })).status).toBe(400);
    expect((await api(stack, undefined, 'POST', '/api/me/email/verify', { token: 'short' })).status).toBe(400);
    // bob stays unverified (used below)
    expect((await api(stack, bob.token, 'GET', '/api/me')).body.emailVerified).toBe(false);
  });

  it('a link mailed to an address since changed verifies nothing', async () => {
    const carol = await register('carol_mail');
    await api(stack, carol.token, 'PATCH', '/api/me', { email: 'carol-old@example.test' });
    const old = tokenIn(await mailTo('carol-old@example.test', 'Confirm'), '/verify-email');
    await api(stack, carol.token, 'PATCH', '/api/me', { email: 'carol-new@example.test' });
    await mailTo('carol-new@example.test', 'Confirm');
    expect((await api(stack, undefined, 'POST', '/api/me/email/verify', { token: old })).status).toBe(400);
    expect((await api(stack, carol.token, 'GET', '/api/me')).body).toMatchObject({
      email: 'carol-new@example.test',
      emailVerified: false,
    });
  });
});

describe('forgot password', () => {
  it('answers 202 for any name; only a verified address gets the link, which resets once and signs out everywhere', async () => {
    const before = inbox.length;
    for (const username of ['nobody_here_42', bob.username, 'x'])
      expect(await api(stack, undefined, 'POST', '/api/auth/forgot', { username })).toEqual({ status: 202, body: '' });
    expect((await api(stack, undefined, 'POST', '/api/auth/forgot', {})).status).toBe(400);

    const other = await api(stack, undefined, 'POST', '/api/auth/login', {
      username: alice.username,
      password: PASSWORD,
    });
    expect(other.status).toBe(200);
    expect((await api(stack, undefined, 'POST', '/api/auth/forgot', { username: 'ALICE_MAIL' })).status).toBe(202);
    const mail = await mailTo('alice@example.test', '重置你的密码');
    expect(mail.text).toContain('30 分钟');
    // nothing went to bob (unverified) or to unknown names
    await new Promise((r) => setTimeout(r, 500));
    expect(inbox.slice(before).map(to)).toEqual(['alice@example.test']);

    const token = tokenIn(mail, '/reset');
    const newPassword = 'a brand new secret 43';
    expect((await api(stack, undefined, 'POST', '/api/auth/reset', { token, password: newPassword })).status).toBe(204);
    expect(
      (await api(stack, undefined, 'POST', '/api/auth/reset', { token, password: 'yet another one 44' })).status,
    ).toBe(401);
    for (const refreshToken of [alice.refreshToken, other.body.refreshToken])
      expect((await api(stack, undefined, 'POST', '/api/auth/refresh', { refreshToken })).status).toBe(401);
    const old = await api(stack, undefined, 'POST', '/api/auth/login', {
      username: alice.username,
      password: PASSWORD,
    });
    expect(old.status).toBe(401);
    const signedIn = await api(stack, undefined, 'POST', '/api/auth/login', {
      username: alice.username,
      password: newPassword,
    });
    expect(signedIn.status).toBe(200);
    alice.token = signedIn.body.accessToken;
  });

  it('is limited per name (whoever asks)', async () => {
    let last = 0;
    for (let i = 0; i < 6; i++)
      last = (await api(stack, undefined, 'POST', '/api/auth/forgot', { username: 'limited_name' })).status;
    expect(last).toBe(429);
  });
});

describe('digest', () => {
  const digest = (userId: string, entries: DigestEntry[], more = 0) =>
    authBus.callRaw(ACCOUNT_PATTERNS.mailDigest, { userId, entries, more }, { correlationId: 'mail-int' });

  it('is skipped when not opted in, or when the address is not verified', async () => {
    expect(await digest(alice.id, [entry()])).toEqual({ ok: true, data: { sent: false, skipped: 'not-opted-in' } });
    expect((await api(stack, bob.token, 'PATCH', '/api/me', { digest: true })).body.digest).toBe(true);
    expect(await digest(bob.id, [entry()])).toEqual({ ok: true, data: { sent: false, skipped: 'no-verified-email' } });
    expect(await digest('0123456789abcdef01234567', [entry()])).toEqual({
      ok: true,
      data: { sent: false, skipped: 'inactive' },
    });
  });

  it('refuses entries past the DIGEST limits', async () => {
    const many = Array.from({ length: DIGEST.entriesMax + 1 }, () => entry());
    expect(await digest(alice.id, many)).toMatchObject({ ok: false, error: { code: 'validation' } });
    const long = entry({ excerpt: 'x'.repeat(DIGEST.excerptMax + 1) });
    expect(await digest(alice.id, [long])).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('mails text and HTML in the person language with List-Unsubscribe; the link turns it off signed out', async () => {
    expect((await api(stack, alice.token, 'PATCH', '/api/me', { digest: true })).body.digest).toBe(true);
    const e = entry();
    expect(await digest(alice.id, [e], 3)).toEqual({ ok: true, data: { sent: true } });
    const mail = await mailTo('alice@example.test', '4 条未读消息');
    expect(mail.text).toContain(`${ORIGIN}${messageLink(e.roomId, e.messageId, e.seq)}`);
    expect(mail.text).toContain('ping @alice <script>');
    expect(mail.html).toContain('&#60;script&#62;');
    expect(mail.html).not.toContain('<script>');
    // (a long header is folded over lines: unfolded here)
    const header = (key: string) =>
      (mail.headerLines.find((h) => h.key === key)?.line ?? '').replace(/\r?\n[ \t]+/g, ' ').replace(/<\s+/g, '<');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const url = /^List-Unsubscribe: <([^>]+)>$/.exec(header('list-unsubscribe'))?.[1] ?? '';
    expect(url.startsWith(`${ORIGIN}/api/mail/unsubscribe?token=`)).toBe(true);
    expect(mail.text).toContain(url);

    // the link, opened signed out on this server
    const path = url.slice(ORIGIN.length);
    const page = await fetch(`${stack.url}${path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('no longer get email digests');
    expect((await api(stack, alice.token, 'GET', '/api/me')).body.digest).toBeUndefined();
    expect(await digest(alice.id, [entry()])).toEqual({ ok: true, data: { sent: false, skipped: 'not-opted-in' } });

    // one-click (RFC 8058): a form POST to the header's URL
    await api(stack, alice.token, 'PATCH', '/api/me', { digest: true });
    const oneClick = await fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(204);
    expect((await api(stack, alice.token, 'GET', '/api/me')).body.digest).toBeUndefined();

    // a forged token (another account's id with alice's signature) is refused
    const forged = path.replace(alice.id, bob.id);
    expect((await fetch(`${stack.url}${forged}`)).status).toBe(400);
    expect((await fetch(`${stack.url}${forged}`, { method: 'POST' })).status).toBe(400);
    expect((await api(stack, bob.token, 'GET', '/api/me')).body.digest).toBe(true);
    expect((await fetch(`${stack.url}/api/mail/unsubscribe?token=nope`)).status).toBe(400);
  });
});

describe('digest, end to end', () => {
  it("a DM left unread is mailed by chat's digest job through auth, once; one read in time is not", async () => {
    const dana = await register('dana_mail');
    const erin = await register('erin_mail');
    await api(stack, dana.token, 'PATCH', '/api/me', { email: 'dana@example.test', language: 'en' });
    const token = tokenIn(await mailTo('dana@example.test', 'Confirm your email address'), '/verify-email');
    expect((await api(stack, undefined, 'POST', '/api/me/email/verify', { token })).status).toBe(200);
    expect((await api(stack, dana.token, 'PATCH', '/api/me', { digest: true })).body.digest).toBe(true);

    const dm = await api(stack, erin.token, 'POST', '/api/dms', { username: dana.username });
    expect(dm.status).toBeLessThan(300);
    const roomId = dm.body.id as string;
    const erinSocket = await connect(stack.url, erin.token);
    try {
      expect((await ack(erinSocket, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
      const sent = await ack(erinSocket, CLIENT_EVENTS.messageSend, {
        roomId,
        text: 'lunch at noon? 🦆',
        clientMsgId: randomUUID(),
      });
      expect(sent.ok).toBe(true);
      const message = sent.message as Message;

      // dana is away (no socket): after DIGEST_DELAY_SEC the job mails her
      const subject = 'unread';
      const find = () => inbox.filter((m) => to(m) === 'dana@example.test' && /unread/i.test(m.subject ?? ''));
      expect(await until(() => find().length > 0, 20000, 100)).toBe(true);
      const mail = find()[0];
      expect(mail.subject).toContain(subject);
      expect(mail.text).toContain('lunch at noon?');
      expect(mail.text).toContain(`${ORIGIN}${messageLink(roomId, message.id, message.seq)}`);
      expect(mail.html).toContain('lunch at noon?');
      expect(mail.headerLines.some((h) => h.key === 'list-unsubscribe')).toBe(true);

      // never twice: the next runs find nothing new
      await new Promise((r) => setTimeout(r, 4500));
      expect(find()).toHaveLength(1);

      // a message dana reads within the delay is not mailed
      const danaSocket = await connect(stack.url, dana.token);
      try {
        const second = await ack(erinSocket, CLIENT_EVENTS.messageSend, {
          roomId,
          text: 'never mind, read it',
          clientMsgId: randomUUID(),
        });
        expect(second.ok).toBe(true);
        const seq = (second.message as Message).seq;
        expect((await ack(danaSocket, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
        expect((await ack(danaSocket, CLIENT_EVENTS.roomRead, { roomId, seq })).ok).toBe(true);
        await new Promise((r) => setTimeout(r, 5000));
        expect(find()).toHaveLength(1);
      } finally {
        danaSocket.socket.close();
      }
    } finally {
      erinSocket.socket.close();
    }
  }, 60000);
});

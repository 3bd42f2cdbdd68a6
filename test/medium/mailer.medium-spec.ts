/**
 * MailerService against a real SMTP server on 127.0.0.1 (smtp-server), started by the test:
 * a mail arrives with its text and HTML parts and, for a digest, List-Unsubscribe (RFC 8058).
 */
import 'reflect-metadata';
import { AuthConfig, loadConfig } from '@hihi/config';
import { MailerService } from '../../apps/auth/src/mail/mailer.service';
import { digestMail, verificationMail } from '../../apps/auth/src/mail/mail-templates';
import { SmtpInbox, startSmtpInbox } from '../support/smtp-inbox';

let smtp: SmtpInbox;
let inbox: SmtpInbox['mails'] = [];

beforeAll(async () => {
  smtp = await startSmtpInbox();
  inbox = smtp.mails;
});

afterAll(() => smtp.close());

function mailer(env: Record<string, string>): MailerService {
  return new MailerService(loadConfig(AuthConfig, { JWT_SECRET: 'x'.repeat(32), ...env }));
}

it('without SMTP_URL nothing is sent and the mailer says it is not configured', async () => {
  const m = mailer({});
  expect(m.configured).toBe(false);
  expect(await m.send('a@example.com', verificationMail('en', 'a', 'https://x/verify', 24))).toBe(false);
});

it('sends text and HTML parts from MAIL_FROM; a digest carries List-Unsubscribe', async () => {
  const m = mailer({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Hihi Chat <chat@example.com>',
    PUBLIC_ORIGIN: 'https://chat.example.com',
  });
  expect(m.configured).toBe(true);
  expect(m.link('/verify-email#token=t')).toBe('https://chat.example.com/verify-email#token=t');
  expect(
    await m.send('bob@example.com', verificationMail('zh', '<b>bob</b>', m.link('/verify-email#token=t'), 24)),
  ).toBe(true);
  const unsubscribe = m.link('/unsubscribe#token=u');
  const digest = digestMail(
    'en',
    'bob',
    [{ roomName: 'r', reason: 'dm', sender: 'alice', excerpt: 'hi', url: m.link('/chat?room=r') }],
    { open: m.link('/chat'), unsubscribe },
  );
  expect(await m.send('bob@example.com', digest, { unsubscribeUrl: unsubscribe })).toBe(true);
  expect(inbox).toHaveLength(2);
  const [verify, sent] = inbox;
  expect(verify.from?.text).toBe('"Hihi Chat" <chat@example.com>');
  expect(verify.text).toContain('https://chat.example.com/verify-email#token=t');
  expect(verify.html).toContain('&#60;b&#62;bob');
  expect(verify.subject).toContain('请确认你的邮箱地址');
  const header = (key: string) => sent.headerLines.find((h) => h.key === key)?.line ?? '';
  expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${unsubscribe}>`);
  expect(sent.text).toContain(unsubscribe);
});

it('a server that is down is a false answer, not a crash', async () => {
  const m = mailer({
    SMTP_URL: 'smtp://127.0.0.1:1',
    MAIL_FROM: 'chat@example.com',
    PUBLIC_ORIGIN: 'http://localhost:3000',
  });
  expect(await m.send('bob@example.com', verificationMail('en', 'b', 'http://localhost:3000/v', 24))).toBe(false);
});

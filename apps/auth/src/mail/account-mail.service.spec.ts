import { AuthConfig, loadConfig } from '@hihi/config';
import { BusError } from '@hihi/common';
import { DigestEntry, messageLink } from '@hihi/contracts';
import type { Model } from 'mongoose';
import type { UserRecord, UsersRepository } from '../users/users.repository';
import type { AdmissionService } from '../admin/admission.service';
import type { MailerService } from './mailer.service';
import type { EmailVerificationRecord } from './email-verification.schema';
import { AccountMailService } from './account-mail.service';
import type { RenderedMail } from './mail-templates';

const ORIGIN = 'https://chat.example.com';
const alice: UserRecord = {
  id: 'a'.repeat(24),
  username: 'alice',
  usernameKey: 'alice',
  displayName: 'Alice',
  passwordHash: 'x',
  role: 'member',
  status: 'active',
  email: 'alice@example.com',
  emailVerified: true,
  digest: true,
  language: 'zh',
};
const entry: DigestEntry = {
  roomId: 'r1',
  roomName: 'team',
  messageId: '00000000-0000-4000-8000-000000000001',
  seq: 3,
  reason: 'mention',
  sender: 'Bob',
  excerpt: 'hi @alice',
  at: '2026-12-02T10:00:00.000Z',
};

/** `null`: no such account. */
function setup(user: UserRecord | null = alice, configured = true) {
  const config = loadConfig(AuthConfig, { JWT_SECRET: 'j'.repeat(32) });
  const users = {
    findById: jest.fn(async () => user ?? undefined),
    findByKey: jest.fn(async () => user ?? undefined),
    setDigest: jest.fn(async () => true),
  };
  const admission = { issueReset: jest.fn(async () => ({ token: 'T'.repeat(43), expiresAt: new Date() })) };
  const sent: { to: string; mail: RenderedMail; headers?: { unsubscribeUrl?: string } }[] = [];
  const mailer = {
    configured,
    link: (p: string) => `${ORIGIN}${p}`,
    send: jest.fn(async (to: string, mail: RenderedMail, headers?: { unsubscribeUrl?: string }) => {
      sent.push({ to, mail, headers });
      return true;
    }),
  };
  const model = { deleteMany: jest.fn(() => ({ exec: async () => undefined })), create: jest.fn(async () => ({})) };
  const service = new AccountMailService(
    config,
    users as unknown as UsersRepository,
    admission as unknown as AdmissionService,
    mailer as unknown as MailerService,
    model as unknown as Model<EmailVerificationRecord>,
  );
  return { service, users, admission, mailer, sent, model };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('AccountMailService', () => {
  it('forgot: answers before looking anything up; a verified address gets the reset link in its language', async () => {
    const { service, users, sent } = setup();
    expect(service.forgot('Alice')).toBeUndefined();
    expect(users.findByKey).not.toHaveBeenCalled();
    await tick();
    expect(users.findByKey).toHaveBeenCalledWith('alice');
    expect(sent).toHaveLength(1);
    expect(sent[0].to).toBe('alice@example.com');
    expect(sent[0].mail.text).toContain(`${ORIGIN}/reset#token=${'T'.repeat(43)}`);
    expect(sent[0].mail.text).toContain('30 分钟');
  });

  it('forgot: nothing for an unverified address, a deactivated account, a bot, an unknown name, or no mail', async () => {
    for (const user of [
      { ...alice, emailVerified: false },
      { ...alice, status: 'deactivated' as const },
      { ...alice, bot: true },
      null,
    ]) {
      const { service, admission, sent } = setup(user);
      service.forgot('alice');
      await tick();
      expect(admission.issueReset).not.toHaveBeenCalled();
      expect(sent).toHaveLength(0);
    }
    const off = setup(alice, false);
    off.service.forgot('alice');
    await tick();
    expect(off.users.findByKey).not.toHaveBeenCalled();
  });

  it('digest: the reasons it is skipped', async () => {
    expect(await setup(alice, false).service.digest({ userId: alice.id, entries: [entry], more: 0 })).toEqual({
      sent: false,
      skipped: 'mail-off',
    });
    const cases: [UserRecord | null, string][] = [
      [null, 'inactive'],
      [{ ...alice, deletedAt: new Date() }, 'inactive'],
      [{ ...alice, digest: false }, 'not-opted-in'],
      [{ ...alice, emailVerified: false }, 'no-verified-email'],
    ];
    for (const [user, skipped] of cases) {
      const { service, sent } = setup(user);
      expect(await service.digest({ userId: alice.id, entries: [entry], more: 0 })).toEqual({ sent: false, skipped });
      expect(sent).toHaveLength(0);
    }
  });

  it('digest: links on PUBLIC_ORIGIN to each message, List-Unsubscribe with a link that turns it off', async () => {
    const { service, sent, users } = setup();
    expect(await service.digest({ userId: alice.id, entries: [entry], more: 2 })).toEqual({ sent: true });
    const [{ mail, headers }] = sent;
    expect(mail.subject).toContain('3 条未读消息');
    expect(mail.text).toContain(`${ORIGIN}${messageLink(entry.roomId, entry.messageId, entry.seq)}`);
    expect(headers?.unsubscribeUrl).toMatch(new RegExp(`^${ORIGIN}/api/mail/unsubscribe\\?token=${alice.id}\\.`));
    expect(mail.text).toContain(headers!.unsubscribeUrl!);
    const token = new URL(headers!.unsubscribeUrl!).searchParams.get('token')!;
    await service.unsubscribe(token);
    expect(users.setDigest).toHaveBeenCalledWith(alice.id, false);
    await expect(service.unsubscribe(token.replace(alice.id, 'b'.repeat(24)))).rejects.toBeInstanceOf(BusError);
  });

  it('a failed send is {sent: false} without a skip reason', async () => {
    const { service, mailer } = setup();
    mailer.send.mockResolvedValueOnce(false);
    expect(await service.digest({ userId: alice.id, entries: [entry], more: 0 })).toEqual({ sent: false });
  });

  it('resend: refused without an address, when verified, or when the server sends no mail', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: BusError) => e.code,
      );
    expect(await code(setup({ ...alice, email: undefined, emailVerified: undefined }).service.resend(alice.id))).toBe(
      'validation',
    );
    expect(await code(setup(alice).service.resend(alice.id))).toBe('conflict');
    expect(await code(setup({ ...alice, emailVerified: false }, false).service.resend(alice.id))).toBe('conflict');
    const ok = setup({ ...alice, emailVerified: false, language: undefined });
    expect(await code(ok.service.resend(alice.id))).toBe('ok');
    // earlier links of the account stop; the new one is stored as a hash for the address mailed
    expect(ok.model.deleteMany).toHaveBeenCalledWith({ userId: alice.id, usedAt: null });
    const stored = (ok.model.create.mock.calls[0] as unknown[])[0] as { hash: string; email: string };
    expect(stored.email).toBe('alice@example.com');
    expect(stored.hash).toMatch(/^[a-f0-9]{64}$/);
    expect(ok.sent[0].mail.text).not.toContain(stored.hash);
    expect(ok.sent[0].mail.subject).toContain('Confirm your email address');
  });
});

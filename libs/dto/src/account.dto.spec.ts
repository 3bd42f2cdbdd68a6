import 'reflect-metadata';
import { DIGEST } from '@hihi/contracts';
import { validatePayload } from './validation';
import { MailDigestDto, MailUnsubscribeDto, EmailVerifyDto, ProfileUpdateDto } from './account.dto';
import { PasswordForgotDto } from './admin.dto';

const entry = {
  roomId: 'lobby',
  roomName: 'lobby',
  messageId: '00000000-0000-4000-8000-000000000001',
  seq: 1,
  reason: 'dm',
  sender: 'Bob',
  excerpt: 'hi',
  at: '2026-12-02T10:00:00.000Z',
};
const digest = (over: object = {}) => ({ userId: 'a'.repeat(24), entries: [entry], more: 0, ...over });
const message = (r: { ok: boolean; message?: string }) => (r.ok ? 'ok' : r.message);

describe('mail DTOs (SPEC §10)', () => {
  it('MailDigestDto: a person, 1..DIGEST.entriesMax entries, each one checked', () => {
    expect(validatePayload(MailDigestDto, digest()).ok).toBe(true);
    expect(message(validatePayload(MailDigestDto, digest({ entries: [] })))).toMatch(/at least one/);
    const many = Array.from({ length: DIGEST.entriesMax + 1 }, () => entry);
    expect(message(validatePayload(MailDigestDto, digest({ entries: many })))).toMatch(/at most 20/);
    const long = { ...entry, excerpt: 'x'.repeat(DIGEST.excerptMax + 1) };
    expect(message(validatePayload(MailDigestDto, digest({ entries: [long] })))).toMatch(/excerpt/);
    for (const bad of [{ reason: 'all' }, { seq: 0 }, { messageId: 'm1' }, { at: 'yesterday' }, { roomId: 'a b' }])
      expect(validatePayload(MailDigestDto, digest({ entries: [{ ...entry, ...bad }] })).ok).toBe(false);
    expect(validatePayload(MailDigestDto, digest({ more: -1 })).ok).toBe(false);
    expect(validatePayload(MailDigestDto, digest({ userId: 'alice' })).ok).toBe(false);
    expect(validatePayload(MailDigestDto, { ...digest(), extra: 1 }).ok).toBe(false);
  });

  it('ProfileUpdateDto: digest is a boolean, language en or zh', () => {
    expect(validatePayload(ProfileUpdateDto, { digest: true, language: 'zh' }).ok).toBe(true);
    expect(message(validatePayload(ProfileUpdateDto, { digest: 'yes' }))).toMatch(/digest must be a boolean/);
    expect(message(validatePayload(ProfileUpdateDto, { language: 'fr' }))).toMatch(/language must be one of en, zh/);
  });

  it('link tokens have their shapes; the forgot name is a bounded non-empty string', () => {
    expect(validatePayload(EmailVerifyDto, { token: 'A'.repeat(43) }).ok).toBe(true);
    expect(validatePayload(EmailVerifyDto, { token: 'A'.repeat(42) }).ok).toBe(false);
    expect(validatePayload(MailUnsubscribeDto, { token: `${'a'.repeat(24)}.${'B'.repeat(43)}` }).ok).toBe(true);
    expect(validatePayload(MailUnsubscribeDto, { token: 'B'.repeat(43) }).ok).toBe(false);
    expect(validatePayload(PasswordForgotDto, { username: '小明' }).ok).toBe(true);
    expect(validatePayload(PasswordForgotDto, { username: '' }).ok).toBe(false);
    expect(validatePayload(PasswordForgotDto, { username: 'x'.repeat(500) }).ok).toBe(false);
    expect(validatePayload(PasswordForgotDto, {}).ok).toBe(false);
  });
});

import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { AuthConfig } from '@hihi/config';
import {
  ADMIN,
  EMAIL_VERIFICATION_TTL_HOURS,
  EmailVerified,
  MailDigestBody,
  MailDigestReply,
  messageLink,
  RESET_PASSWORD_PATH,
  UNSUBSCRIBE_PATH,
  VERIFY_EMAIL_PATH,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { isValidUsername, normalizeUsername } from '@hihi/dto';
import { UserRecord, UsersRepository } from '../users/users.repository';
import { AdmissionService, newOneTimeToken, tokenHash } from '../admin/admission.service';
import { MailerService } from './mailer.service';
import { digestMail, resetMail, verificationMail } from './mail-templates';
import { EmailVerificationRecord } from './email-verification.schema';
import { UnsubscribeTokens } from './unsubscribe-token';

export const INVALID_VERIFICATION_LINK =
  'this verification link is not valid (unknown, expired, used or for another address)';
export const INVALID_UNSUBSCRIBE_LINK = 'this unsubscribe link is not valid';

/** A live person's account (not deactivated, deleted or a bot). */
function isLivePerson(u: UserRecord | undefined): u is UserRecord {
  return !!u && u.status !== 'deactivated' && !u.deletedAt && !u.bot;
}

/**
 * The mails of one's account (SPEC §10): verification of an address, the reset link of a
 * forgotten password, the digest and its unsubscribe link. Nothing is ever sent to an address
 * that is not verified, except its verification link. Tokens of links are stored as hashes
 * (verification, reset) or signed (unsubscribe); none is logged.
 */
@Injectable()
export class AccountMailService {
  private readonly logger = new Logger('Mail');
  private readonly unsubscribeTokens: UnsubscribeTokens;

  constructor(
    config: AuthConfig,
    private readonly users: UsersRepository,
    private readonly admission: AdmissionService,
    private readonly mailer: MailerService,
    @InjectModel(EmailVerificationRecord.name) private readonly verifications: Model<EmailVerificationRecord>,
  ) {
    this.unsubscribeTokens = new UnsubscribeTokens(config.JWT_SECRET ?? '');
  }

  /* ---------- forgotten password ---------- */

  /**
   * POST /api/auth/forgot: returns at once, the same way for every name (the look-up, the token
   * and the mail happen afterwards, so neither the answer nor its timing tells whether the name
   * exists or has a verified address).
   */
  forgot(username: string): void {
    setImmediate(() => {
      this.sendReset(username).catch((err: Error) => this.logger.warn(`reset mail not sent: ${err.message}`));
    });
  }

  private async sendReset(username: string): Promise<void> {
    if (!this.mailer.configured) return;
    const key = normalizeUsername(username);
    const user = isValidUsername(key) ? await this.users.findByKey(key) : undefined;
    if (!isLivePerson(user) || !user.email || !user.emailVerified) return;
    const { token } = await this.admission.issueReset(user.id);
    const url = this.mailer.link(`${RESET_PASSWORD_PATH}#token=${token}`);
    const sent = await this.mailer.send(
      user.email,
      resetMail(user.language ?? 'en', user.displayName, url, ADMIN.resetTtlSec / 60),
    );
    this.logger.log({ userId: user.id, sent }, 'password reset link mailed on request');
  }

  /* ---------- email verification ---------- */

  /**
   * A new verification link for the account's (unverified) address, mailed. Earlier unused links
   * of the account stop working. Answers whether the mail was handed to the SMTP server.
   */
  async sendVerification(user: UserRecord): Promise<boolean> {
    if (!this.mailer.configured || !user.email || user.emailVerified) return false;
    const token = newOneTimeToken();
    await this.verifications.deleteMany({ userId: user.id, usedAt: null }).exec();
    await this.verifications.create({
      hash: tokenHash(token),
      userId: user.id,
      email: user.email,
      expiresAt: new Date(Date.now() + EMAIL_VERIFICATION_TTL_HOURS * 3600_000),
    });
    const url = this.mailer.link(`${VERIFY_EMAIL_PATH}#token=${token}`);
    const sent = await this.mailer.send(
      user.email,
      verificationMail(user.language ?? 'en', user.displayName, url, EMAIL_VERIFICATION_TTL_HOURS),
    );
    this.logger.log({ userId: user.id, sent }, 'verification link mailed');
    return sent;
  }

  /** sendVerification without waiting (PATCH /api/me answers at once); a failure is logged. */
  sendVerificationLater(user: UserRecord): void {
    void this.sendVerification(user).catch((err: Error) =>
      this.logger.warn(`verification mail not sent: ${err.message}`),
    );
  }

  /** POST /api/me/email/resend (signed in): the link again, for the account's unverified address. */
  async resend(userId: string): Promise<void> {
    const user = await this.users.findById(userId);
    if (!isLivePerson(user)) throw new BusError('unauthorized', 'this account no longer exists');
    if (!user.email) throw new BusError('validation', 'there is no email address to verify; set one first');
    if (user.emailVerified) throw new BusError('conflict', 'this address is already verified');
    if (!this.mailer.configured) throw new BusError('conflict', 'this server does not send mail (no SMTP_URL)');
    if (!(await this.sendVerification(user)))
      throw new BusError('unavailable', 'the mail could not be sent just now; try again later');
  }

  /** POST /api/me/email/verify (signed in or not): the link is used up and its address verified. */
  async verify(token: string): Promise<EmailVerified> {
    const now = new Date();
    const link = await this.verifications
      .findOneAndUpdate(
        { hash: tokenHash(token), usedAt: null, expiresAt: mongoose.trusted({ $gt: now }) },
        { $set: { usedAt: now } },
      )
      .lean()
      .exec();
    const user = link ? await this.users.setEmailVerified(link.userId, link.email) : undefined;
    if (!link || !user?.email) throw new BusError('validation', INVALID_VERIFICATION_LINK);
    this.logger.log({ userId: user.id }, 'email address verified');
    return { email: user.email };
  }

  /* ---------- digest ---------- */

  /** The signed link that turns the digest off (in the mail and its List-Unsubscribe header). */
  unsubscribeUrl(userId: string): string {
    return this.mailer.link(`${UNSUBSCRIBE_PATH}?token=${this.unsubscribeTokens.sign(userId)}`);
  }

  /** chat → auth: mail the digest if the person is active, opted in and verified, and mail is on. */
  async digest(body: MailDigestBody): Promise<MailDigestReply> {
    if (!this.mailer.configured) return { sent: false, skipped: 'mail-off' };
    const user = await this.users.findById(body.userId);
    if (!isLivePerson(user)) return { sent: false, skipped: 'inactive' };
    if (!user.digest) return { sent: false, skipped: 'not-opted-in' };
    if (!user.email || !user.emailVerified) return { sent: false, skipped: 'no-verified-email' };
    const items = body.entries.map((e) => ({
      roomName: e.roomName,
      reason: e.reason,
      sender: e.sender,
      excerpt: e.excerpt,
      url: this.mailer.link(messageLink(e.roomId, e.messageId, e.seq)),
    }));
    const unsubscribe = this.unsubscribeUrl(user.id);
    const mail = digestMail(
      user.language ?? 'en',
      user.displayName,
      items,
      { open: this.mailer.link('/chat'), unsubscribe },
      body.more,
    );
    const sent = await this.mailer.send(user.email, mail, { unsubscribeUrl: unsubscribe });
    this.logger.log({ userId: user.id, entries: items.length, more: body.more, sent }, 'digest mailed');
    return { sent };
  }

  /** GET/POST /api/mail/unsubscribe (signed out): the digest of the link's account turns off. */
  async unsubscribe(token: string): Promise<void> {
    const userId = this.unsubscribeTokens.verify(token);
    if (!userId) throw new BusError('validation', INVALID_UNSUBSCRIBE_LINK);
    await this.users.setDigest(userId, false);
    this.logger.log({ userId }, 'digest turned off by an unsubscribe link');
  }
}

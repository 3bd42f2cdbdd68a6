import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { AuthConfig } from '@hihi/config';
import type { RenderedMail } from './mail-templates';

/** Extra headers of one mail (e.g. List-Unsubscribe of a digest, RFC 8058). */
export interface MailHeaders {
  /** the https link that turns the mail off with one click (also sent as List-Unsubscribe-Post) */
  unsubscribeUrl?: string;
}

/**
 * Sends mail through SMTP_URL with nodemailer (SPEC §10). SMTP_URL is the operator's and trusted
 * (SPEC §9): it is not egress-guarded. Without SMTP_URL (MAIL_FROM, PUBLIC_ORIGIN) nothing is
 * sent and `configured` is false, so the features that need mail say so. Never throws: a mail
 * that could not be handed to the server is logged and answered false.
 */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transport?: Transporter;

  constructor(private readonly config: AuthConfig) {
    if (config.mailConfigured && config.SMTP_URL) {
      this.transport = createTransport(config.SMTP_URL, { from: config.MAIL_FROM });
    }
  }

  get configured(): boolean {
    return this.transport !== undefined;
  }

  /** Absolute link on PUBLIC_ORIGIN (never a request's Host). */
  link(pathAndFragment: string): string {
    return `${(this.config.PUBLIC_ORIGIN ?? '').replace(/\/+$/, '')}${pathAndFragment}`;
  }

  async send(to: string, mail: RenderedMail, headers: MailHeaders = {}): Promise<boolean> {
    if (!this.transport) return false;
    try {
      await this.transport.sendMail({
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        ...(headers.unsubscribeUrl
          ? {
              list: { unsubscribe: { url: headers.unsubscribeUrl } },
              headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
            }
          : {}),
      });
      return true;
    } catch (err) {
      this.logger.warn(`mail not sent: ${(err as Error).message}`);
      return false;
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}

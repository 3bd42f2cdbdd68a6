import { Injectable, Logger } from '@nestjs/common';
import { ChatConfig } from '@hihi/config';
import { DIGEST } from '@hihi/contracts';
import { DigestRepository } from '../persistence/digest.repository';
import { digestEntry, digestWaitMs, digestWindow } from './digest-decision';
import { DigestMailer } from './digest-mailer';

/** What one digest run did. */
export type DigestRun =
  | { outcome: 'wait'; waitMs: number }
  | {
      outcome: 'empty' | 'sent' | 'skipped';
      /** messages up to here were considered */
      until: Date;
      entries: number;
      more: number;
      /** something may still go in a later digest (created after `until`): queue a follow-up */
      later: boolean;
    };

/**
 * One person's email digest (SPEC §10): what is still unread since their last digest — DMs and
 * groups by their level, mentions elsewhere, no bot's message outside a DM with it, nothing read
 * or deleted — at most DIGEST.entriesMax entries (`more` counts the rest), handed to auth over the
 * bus. At most one mail per DIGEST_DELAY_SEC; messages younger than NOTIFY_DELAY_SEC wait for the
 * next run (they may still be seen). The window's end is recorded whether auth mailed or skipped
 * (not opted in, no verified address, no SMTP): the same message is never offered twice. A bus
 * failure throws (the job is retried) and records nothing.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger('Digest');

  constructor(
    private readonly repo: DigestRepository,
    private readonly mailer: DigestMailer,
    private readonly config: ChatConfig,
  ) {}

  /**
   * `since`: just before the message that queued the job (used when the person never had a
   * digest). `now` is PostgreSQL's clock unless given (tests move it): the window is compared with
   * messages' created_at and sent_at, both written by the database, never with this host's clock.
   */
  async run(userId: string, since: Date, correlationId: string, at?: Date): Promise<DigestRun> {
    const now = at ?? (await this.repo.now());
    const state = await this.repo.state(userId);
    const waitMs = digestWaitMs(state?.sent_at?.getTime(), now.getTime(), this.config.DIGEST_DELAY_SEC * 1000);
    if (waitMs > 0) return { outcome: 'wait', waitMs };
    const window = digestWindow(
      (state?.digested_until ?? since).getTime(),
      now.getTime(),
      this.config.NOTIFY_DELAY_SEC * 1000,
    );
    const until = new Date(window.until);
    const { rows, total } = await this.repo.collect(userId, new Date(window.since), until, DIGEST.entriesMax);
    let outcome: 'empty' | 'sent' | 'skipped' = 'empty';
    if (rows.length) {
      const entries = rows.map(digestEntry);
      const reply = await this.mailer.mail({ userId, entries, more: total - rows.length }, correlationId);
      outcome = reply.sent ? 'sent' : 'skipped';
      this.logger.log(
        { userId, entries: entries.length, more: total - rows.length, sent: reply.sent, skipped: reply.skipped },
        reply.sent ? 'digest mailed' : 'digest not mailed',
      );
    }
    await this.repo.record(userId, until, outcome === 'sent' ? now : undefined);
    const later = (await this.repo.collect(userId, until, new Date(8.64e15), 1)).total > 0;
    return { outcome, until, entries: rows.length, more: total - rows.length, later };
  }
}

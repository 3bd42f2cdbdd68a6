import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ChatConfig } from '@hihi/config';
import { ACCOUNT_PATTERNS, MailDigestBody, MailDigestReply } from '@hihi/contracts';
import { BusClient, RedisRpcClient } from '@hihi/common/bus';

/** Auth did not answer, or answered an error: the digest job fails and BullMQ tries it again. */
export class DigestMailError extends Error {}

/**
 * Hands a digest to auth (`auth.mail.digest`, SPEC §10), which decides whether it may mail
 * (opted in, verified address, SMTP configured) and answers whether it did.
 */
export abstract class DigestMailer {
  /** Throws DigestMailError when auth could not be asked or failed. */
  abstract mail(body: MailDigestBody, correlationId: string): Promise<MailDigestReply>;
}

/** Records what it is handed and answers `reply` (unit and medium tests). */
export class MemoryDigestMailer extends DigestMailer {
  readonly calls: MailDigestBody[] = [];
  reply: MailDigestReply | Error = { sent: true };
  mail(body: MailDigestBody): Promise<MailDigestReply> {
    this.calls.push(body);
    return this.reply instanceof Error ? Promise.reject(this.reply) : Promise.resolve(this.reply);
  }
}

const SKIPS: ReadonlySet<string> = new Set<NonNullable<MailDigestReply['skipped']>>([
  'mail-off',
  'not-opted-in',
  'no-verified-email',
  'inactive',
]);

/** Auth's answer, checked: `{sent: boolean, skipped?: one of the reasons}`; anything else is a failure. */
export function mailDigestReply(data: unknown): MailDigestReply {
  if (!data || typeof data !== 'object') throw new DigestMailError('auth gave a malformed digest answer');
  const { sent, skipped } = data as { sent?: unknown; skipped?: unknown };
  if (typeof sent !== 'boolean') throw new DigestMailError('auth gave a malformed digest answer');
  if (skipped === undefined) return { sent };
  if (typeof skipped !== 'string' || !SKIPS.has(skipped))
    throw new DigestMailError('auth gave a malformed digest answer');
  return { sent, skipped: skipped as MailDigestReply['skipped'] };
}

@Injectable()
export class BusDigestMailer extends DigestMailer implements OnApplicationShutdown {
  private readonly bus: BusClient;

  constructor(config: ChatConfig) {
    super();
    const proxy = new RedisRpcClient({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, service: 'auth' });
    void proxy.connect().catch(() => undefined);
    this.bus = new BusClient(proxy, 'auth', config.BUS_TIMEOUT_MS);
  }

  async mail(body: MailDigestBody, correlationId: string): Promise<MailDigestReply> {
    // callRaw: the command has no row in the protocol table (it never comes from a client)
    const res = await this.bus.callRaw(ACCOUNT_PATTERNS.mailDigest, body, { correlationId });
    if (!res.ok) throw new DigestMailError(`auth: ${res.error.code}: ${res.error.message}`);
    return mailDigestReply(res.data);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

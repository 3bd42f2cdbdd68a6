import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BusResult, EmailVerified, MailDigestReply, NoData } from '@hihi/contracts';
import { Handles, ok, openRequest } from '@hihi/common/bus';
import { AccountMailService } from './account-mail.service';

/** Bus handlers of the account's mails (SPEC §10): thin, each one call. */
@Controller()
export class MailController {
  constructor(private readonly mail: AccountMailService) {}

  /** Always the same answer, at once (the work happens after it). */
  @Handles('passwordForgot')
  forgot(@Payload() env: unknown): BusResult<NoData> {
    const { data } = openRequest('passwordForgot', env, { actor: 'optional' });
    this.mail.forgot(data.username);
    return ok({});
  }

  @Handles('accountEmailVerify')
  async verify(@Payload() env: unknown): Promise<BusResult<EmailVerified>> {
    const { data } = openRequest('accountEmailVerify', env, { actor: 'optional' });
    return ok(await this.mail.verify(data.token));
  }

  @Handles('accountEmailResend')
  async resend(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { data } = openRequest('accountEmailResend', env);
    await this.mail.resend(data.userId);
    return ok({});
  }

  @Handles('mailUnsubscribe')
  async unsubscribe(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { data } = openRequest('mailUnsubscribe', env, { actor: 'optional' });
    await this.mail.unsubscribe(data.token);
    return ok({});
  }

  /** chat's digest job (bus only: the gateway has no route to it). */
  @Handles('mailDigest')
  async digest(@Payload() env: unknown): Promise<BusResult<MailDigestReply>> {
    const { data } = openRequest('mailDigest', env, { actor: 'optional' });
    return ok(await this.mail.digest(data));
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BusResult, NoData, VapidKey } from '@hihi/contracts';
import { Handles, ok } from '@hihi/common/bus';
import { PushService } from '../push/push.service';
import { openCommand } from './open';

/** Web Push subscriptions (SPEC §10): the VAPID key, subscribe, unsubscribe. */
@Controller()
export class PushHandlers {
  constructor(private readonly push: PushService) {}

  @Handles('pushVapidKey')
  vapidKey(@Payload() env: unknown): BusResult<VapidKey> {
    openCommand('pushVapidKey', env);
    return ok(this.push.vapidKey());
  }

  @Handles('pushSubscribe')
  async subscribe(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openCommand('pushSubscribe', env);
    await this.push.subscribe(actor, data);
    return ok({});
  }

  @Handles('pushUnsubscribe')
  async unsubscribe(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openCommand('pushUnsubscribe', env);
    await this.push.unsubscribe(actor, data.endpoint);
    return ok({});
  }
}

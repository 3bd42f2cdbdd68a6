import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  BusResult,
  DeliveriesPage,
  IncomingWebhook,
  IncomingWebhookCreated,
  NoData,
  OutgoingWebhook,
  OutgoingWebhookCreated,
  WebhookPostReply,
} from '@hihi/contracts';
import { Handles, ok, openRequest } from '@hihi/common/bus';
import { openCommand } from '../handlers/open';
import { WebhooksService } from './webhooks.service';

/** Chat's bus handlers of webhooks (SPEC §9): thin, the service asks the access policy. */
@Controller()
export class WebhooksHandlers {
  constructor(private readonly hooks: WebhooksService) {}

  @Handles('incomingCreate')
  async createIncoming(@Payload() env: unknown): Promise<BusResult<IncomingWebhookCreated>> {
    const { actor, data } = openCommand('incomingCreate', env);
    return ok(await this.hooks.createIncoming(actor, data.roomId, data.name));
  }

  @Handles('incomingList')
  async listIncoming(@Payload() env: unknown): Promise<BusResult<IncomingWebhook[]>> {
    const { actor, data } = openCommand('incomingList', env);
    return ok(await this.hooks.listIncoming(actor, data.roomId));
  }

  @Handles('incomingDelete')
  async deleteIncoming(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openCommand('incomingDelete', env);
    await this.hooks.deleteIncoming(actor, data.roomId, data.hookId);
    return ok({});
  }

  @Handles('incomingRotate')
  async rotateIncoming(@Payload() env: unknown): Promise<BusResult<IncomingWebhookCreated>> {
    const { actor, data } = openCommand('incomingRotate', env);
    return ok(await this.hooks.rotateIncoming(actor, data.roomId, data.hookId));
  }

  /** A post to a hook's secret URL: no caller (the secret is the credential). */
  @Handles('incomingPost')
  async post(@Payload() env: unknown): Promise<BusResult<WebhookPostReply>> {
    const { data } = openRequest('incomingPost', env, { actor: 'optional' });
    return ok(await this.hooks.post(data.hookId, data.secret, data.text, data.username));
  }

  @Handles('outgoingCreate')
  async createOutgoing(@Payload() env: unknown): Promise<BusResult<OutgoingWebhookCreated>> {
    const { actor, data } = openCommand('outgoingCreate', env);
    return ok(await this.hooks.createOutgoing(actor, data.roomId, data.url, data.trigger));
  }

  @Handles('outgoingList')
  async listOutgoing(@Payload() env: unknown): Promise<BusResult<OutgoingWebhook[]>> {
    const { actor, data } = openCommand('outgoingList', env);
    return ok(await this.hooks.listOutgoing(actor, data.roomId));
  }

  @Handles('outgoingDelete')
  async deleteOutgoing(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openCommand('outgoingDelete', env);
    await this.hooks.deleteOutgoing(actor, data.roomId, data.hookId);
    return ok({});
  }

  @Handles('outgoingDeliveries')
  async deliveries(@Payload() env: unknown): Promise<BusResult<DeliveriesPage>> {
    const { actor, data } = openCommand('outgoingDeliveries', env);
    return ok(await this.hooks.deliveries(actor, data.roomId, data.hookId));
  }
}

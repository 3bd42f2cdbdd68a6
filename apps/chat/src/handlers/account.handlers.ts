import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BusResult, ChatExport, NoData, Room } from '@hihi/contracts';
import { Handles, ok, openActorRequest } from '@hihi/common/bus';
import { ChatAccountService } from '../account/account.service';
import { openCommand } from './open';

/** Chat's bus handlers of one's own account (SPEC §10): profile projection, deletion, export, notification levels. */
@Controller()
export class AccountHandlers {
  constructor(private readonly account: ChatAccountService) {}

  /** The actor is the updated account (the gateway sends auth's answer). */
  @Handles('chatUserUpdated')
  async updated(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor } = openActorRequest('chatUserUpdated', env);
    await this.account.userUpdated(actor);
    return ok({});
  }

  @Handles('chatUserDeleted')
  async deleted(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor } = openActorRequest('chatUserDeleted', env);
    if (actor.guest) return ok({});
    await this.account.userDeleted(actor.id);
    return ok({});
  }

  @Handles('chatExport')
  async export(@Payload() env: unknown): Promise<BusResult<ChatExport>> {
    const { actor } = openCommand('chatExport', env);
    return ok(await this.account.export(actor));
  }

  @Handles('roomNotifications')
  async notifications(@Payload() env: unknown): Promise<BusResult<Room>> {
    const { actor, data } = openCommand('roomNotifications', env);
    return ok(await this.account.setNotifications(actor, data.roomId, data.level));
  }
}

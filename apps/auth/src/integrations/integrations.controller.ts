import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BotCreated, BotInfo, BusResult, NoData, TokenCreated, TokenIdentity, TokenInfo } from '@hihi/contracts';
import { Handles, ok, openActorRequest, openRequest } from '@hihi/common/bus';
import { IntegrationsService } from './integrations.service';

/** Auth's bus handlers of bots and tokens (SPEC §9): thin; the caller is the envelope's actor. */
@Controller()
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Handles('botsCreate')
  async createBot(@Payload() env: unknown): Promise<BusResult<BotCreated>> {
    const { actor, data } = openActorRequest('botsCreate', env);
    return ok(await this.integrations.createBot(actor, data));
  }

  @Handles('botsList')
  async listBots(@Payload() env: unknown): Promise<BusResult<BotInfo[]>> {
    const { actor } = openActorRequest('botsList', env);
    return ok(await this.integrations.listBots(actor));
  }

  @Handles('botsDelete')
  async deleteBot(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openActorRequest('botsDelete', env);
    await this.integrations.deleteBot(actor, data.botId);
    return ok({});
  }

  @Handles('botsToken')
  async rotateBot(@Payload() env: unknown): Promise<BusResult<TokenCreated>> {
    const { actor, data } = openActorRequest('botsToken', env);
    return ok(await this.integrations.rotateBotToken(actor, data.botId));
  }

  @Handles('tokensCreate')
  async createToken(@Payload() env: unknown): Promise<BusResult<TokenCreated>> {
    const { actor, data } = openActorRequest('tokensCreate', env);
    return ok(await this.integrations.createToken(actor, data));
  }

  @Handles('tokensList')
  async listTokens(@Payload() env: unknown): Promise<BusResult<TokenInfo[]>> {
    const { actor } = openActorRequest('tokensList', env);
    return ok(await this.integrations.listTokens(actor));
  }

  @Handles('tokensRevoke')
  async revokeToken(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openActorRequest('tokensRevoke', env);
    await this.integrations.revokeToken(actor, data.tokenId);
    return ok({});
  }

  @Handles('tokensVerify')
  async verify(@Payload() env: unknown): Promise<BusResult<TokenIdentity>> {
    const { data } = openRequest('tokensVerify', env, { actor: 'optional' });
    return ok(await this.integrations.verify(data.token));
  }
}

import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { BotCreated, BotInfo, INTEGRATION_PATTERNS, TokenCreated, TokenInfo } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { BotCreateDto, ErrorBodyDto, TokenCreateDto } from '@hihi/dto';
import { AUTH_BUS } from '../bus/bus.module';
import { unwrap } from '../common/bus-http';
import { CorrelationId } from '../common/correlation-id.decorator';
import { ChatProvisioner } from '../chat/chat-provisioner';
import { AuthUser, CurrentUser, PersonOnly, publicUser } from '../auth';

/**
 * Bot accounts and personal access tokens (SPEC §9), kept by auth. Only a person signed in with
 * a session manages them (PersonOnly): a token never mints tokens.
 */
@ApiTags('integrations')
@ApiBearerAuth()
@Controller('api')
export class BotsController {
  constructor(
    @Inject(AUTH_BUS) private readonly auth: BusClient,
    private readonly chat: ChatProvisioner,
  ) {}

  @Post('bots')
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(PersonOnly)
  @ApiOperation({ summary: 'Create a bot account (admins; members up to 3 of their own); its token is shown once' })
  @ApiCreatedResponse({ description: '{bot, token}' })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  async create(
    @Body() body: BotCreateDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<BotCreated> {
    const created = unwrap(
      await this.auth.call(INTEGRATION_PATTERNS.botsCreate, body, { correlationId, actor: publicUser(user) }),
    );
    const { bot } = created;
    // chat learns the account (mentions, DMs, members) like a person who signed up
    await this.chat.provision(
      { user: { id: bot.id, username: bot.username, displayName: bot.displayName, guest: false, bot: true } },
      correlationId,
    );
    return created;
  }

  @Get('bots')
  @UseGuards(PersonOnly)
  @ApiOperation({ summary: 'Bots the caller owns (admins: all bots)' })
  @ApiOkResponse({ description: 'BotInfo[]' })
  async list(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<BotInfo[]> {
    return unwrap(await this.auth.call(INTEGRATION_PATTERNS.botsList, {}, { correlationId, actor: publicUser(user) }));
  }

  @Delete('bots/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(PersonOnly)
  @ApiOperation({ summary: 'Delete a bot: its tokens stop at once; its messages stay' })
  @ApiNoContentResponse()
  async remove(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    unwrap(
      await this.auth.call(INTEGRATION_PATTERNS.botsDelete, { botId: id }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Post('bots/:id/token')
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(PersonOnly)
  @ApiOperation({ summary: "Rotate a bot's token: a new one (shown once); the old one stops within 1 s" })
  @ApiCreatedResponse({ description: '{id, token}' })
  async rotate(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<TokenCreated> {
    return unwrap(
      await this.auth.call(INTEGRATION_PATTERNS.botsToken, { botId: id }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Post('me/tokens')
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(PersonOnly)
  @ApiOperation({ summary: 'Create a personal access token with scopes (shown once; stored as a hash)' })
  @ApiCreatedResponse({ description: '{id, token}' })
  async createToken(
    @Body() body: TokenCreateDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<TokenCreated> {
    return unwrap(
      await this.auth.call(INTEGRATION_PATTERNS.tokensCreate, body, { correlationId, actor: publicUser(user) }),
    );
  }

  @Get('me/tokens')
  @UseGuards(PersonOnly)
  @ApiOperation({ summary: "The caller's live personal access tokens (never the tokens themselves)" })
  @ApiOkResponse({ description: 'TokenInfo[]' })
  async tokens(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<TokenInfo[]> {
    return unwrap(
      await this.auth.call(INTEGRATION_PATTERNS.tokensList, {}, { correlationId, actor: publicUser(user) }),
    );
  }

  @Delete('me/tokens/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(PersonOnly)
  @ApiOperation({ summary: 'Revoke a token: refused on every gateway within 1 s, its sockets closed' })
  @ApiNoContentResponse()
  async revoke(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    unwrap(
      await this.auth.call(
        INTEGRATION_PATTERNS.tokensRevoke,
        { tokenId: id },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }
}

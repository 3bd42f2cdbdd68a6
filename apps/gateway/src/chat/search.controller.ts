import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CHAT_PATTERNS, SearchReply } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { ErrorBodyDto, SearchQueryDto } from '@hihi/dto';
import { CHAT_BUS } from '../bus/bus.module';
import { CorrelationId } from '../common/correlation-id.decorator';
import { AllowGuests, AuthUser, CurrentUser, publicUser, TokenScopes } from '../auth';
import { unwrap } from '../common/bus-http';

/** GET /api/search: validate, forward to chat (which decides what the caller can see), map errors. */
@ApiTags('search')
@ApiBearerAuth()
@Controller('api')
export class SearchController {
  constructor(@Inject(CHAT_BUS) private readonly chat: BusClient) {}

  @Get('search')
  @UseGuards(AllowGuests)
  @TokenScopes('messages:read')
  @ApiOperation({
    summary: 'Search messages in the rooms the caller can see (guests: their duck room), newest first',
  })
  @ApiOkResponse({
    description:
      '{results: [{message, roomId, roomName, excerpt, highlights: [[start, end)]]}], nextCursor?} — see docs/api.md',
  })
  @ApiBadRequestResponse({ description: 'empty or too long q, bad limit or cursor', type: ErrorBodyDto })
  @ApiUnauthorizedResponse({ description: 'no valid access token', type: ErrorBodyDto })
  @ApiForbiddenResponse({ description: 'roomId names a room the caller cannot see', type: ErrorBodyDto })
  @ApiServiceUnavailableResponse({ description: 'the chat service is unavailable', type: ErrorBodyDto })
  async search(
    @Query() query: SearchQueryDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<SearchReply> {
    return unwrap(await this.chat.call(CHAT_PATTERNS.search, { ...query }, { correlationId, actor: publicUser(user) }));
  }
}

import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { BansPage, CHAT_PATTERNS, Report, ReportReceipt, ReportsPage, RoomBan, RoomMute } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import {
  BanBodyDto,
  BansQueryDto,
  ErrorBodyDto,
  MuteBodyDto,
  ReportBodyDto,
  ReportsQueryDto,
  ResolveReportBodyDto,
  ROOM_ID_PATTERN,
  USER_ID_PATTERN,
} from '@hihi/dto';
import { CHAT_BUS } from '../bus/bus.module';
import { CorrelationId } from '../common/correlation-id.decorator';
import { unwrap } from '../common/bus-http';
import { AuthUser, CurrentUser, publicUser, RateLimitService, UserOnly } from '../auth';

/** Reports one person may file per window (a report is cheap to send, costly to read). */
const REPORT_LIMIT = 30;
const REPORT_WINDOW_SEC = 600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function roomIdOr404(roomId: string): void {
  if (!ROOM_ID_PATTERN.test(roomId)) throw new NotFoundException('no such room');
}

function memberOr404(roomId: string, userId: string): void {
  roomIdOr404(roomId);
  if (!USER_ID_PATTERN.test(userId)) throw new NotFoundException('no such user');
}

/**
 * Room moderation and reports (SPEC §8; docs/api.md "Moderation"). Thin: validate, forward to
 * chat with the caller as actor; chat's access policy decides who may (room owners and
 * moderators, server moderators and above in public and private rooms, each only over people
 * below them) and audits every action.
 */
@ApiTags('moderation')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'no valid access token', type: ErrorBodyDto })
@ApiBadRequestResponse({ description: 'invalid body or query', type: ErrorBodyDto })
@ApiForbiddenResponse({
  description: 'not allowed (below moderator, or the target is not below you)',
  type: ErrorBodyDto,
})
@ApiNotFoundResponse({
  description: 'no such room, user, message or report (or one you cannot see)',
  type: ErrorBodyDto,
})
@UseGuards(UserOnly)
@Controller('api')
export class ModerationController {
  constructor(
    @Inject(CHAT_BUS) private readonly chat: BusClient,
    private readonly limits: RateLimitService,
  ) {}

  private ctx(user: AuthUser, correlationId: string) {
    return { correlationId, actor: publicUser(user) };
  }

  @Post('rooms/:roomId/mutes')
  @HttpCode(201)
  @ApiOperation({ summary: 'Mute a member (for durationSec, or until lifted): they read but cannot send' })
  async mute(
    @Param('roomId') roomId: string,
    @Body() body: MuteBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<RoomMute> {
    roomIdOr404(roomId);
    return unwrap(await this.chat.call(CHAT_PATTERNS.muteAdd, { ...body, roomId }, this.ctx(user, id)));
  }

  @Delete('rooms/:roomId/mutes/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift a mute' })
  async unmute(
    @Param('roomId') roomId: string,
    @Param('userId') userId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<void> {
    memberOr404(roomId, userId);
    unwrap(await this.chat.call(CHAT_PATTERNS.muteRemove, { roomId, userId }, this.ctx(user, id)));
  }

  @Post('rooms/:roomId/bans')
  @HttpCode(201)
  @ApiOperation({ summary: 'Ban someone: removed at once (room:removed "banned"), cannot join or be invited again' })
  async ban(
    @Param('roomId') roomId: string,
    @Body() body: BanBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<RoomBan> {
    roomIdOr404(roomId);
    return unwrap(await this.chat.call(CHAT_PATTERNS.banAdd, { ...body, roomId }, this.ctx(user, id)));
  }

  @Delete('rooms/:roomId/bans/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift a ban' })
  async unban(
    @Param('roomId') roomId: string,
    @Param('userId') userId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<void> {
    memberOr404(roomId, userId);
    unwrap(await this.chat.call(CHAT_PATTERNS.banRemove, { roomId, userId }, this.ctx(user, id)));
  }

  @Get('rooms/:roomId/bans')
  @ApiOperation({ summary: "A room's bans, newest first (room owners and moderators)" })
  async bans(
    @Param('roomId') roomId: string,
    @Query() query: BansQueryDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<BansPage> {
    roomIdOr404(roomId);
    return unwrap(await this.chat.call(CHAT_PATTERNS.bansList, { ...query, roomId }, this.ctx(user, id)));
  }

  @Post('messages/:messageId/report')
  @HttpCode(201)
  @ApiOperation({ summary: 'Report a message (once per person and message)' })
  @ApiConflictResponse({ description: 'reported by you already', type: ErrorBodyDto })
  async report(
    @Param('messageId') messageId: string,
    @Body() body: ReportBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<ReportReceipt> {
    if (!UUID.test(messageId)) throw new NotFoundException('no such message');
    await this.limits.consume(
      'report-create',
      user.id,
      REPORT_LIMIT,
      REPORT_WINDOW_SEC,
      'too many reports; try again later',
    );
    return unwrap(
      await this.chat.call(CHAT_PATTERNS.reportCreate, { messageId, reason: body.reason }, this.ctx(user, id)),
    );
  }

  @Get('moderation/reports')
  @ApiOperation({ summary: 'The reports you may act on, with the message and the reporter; openCount is the badge' })
  async reports(
    @Query() query: ReportsQueryDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<ReportsPage> {
    return unwrap(await this.chat.call(CHAT_PATTERNS.reportsList, { ...query }, this.ctx(user, id)));
  }

  @Post('moderation/reports/:reportId/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve a report with one action: dismiss, delete, mute (durationSec?) or ban' })
  @ApiConflictResponse({ description: 'resolved already', type: ErrorBodyDto })
  async resolve(
    @Param('reportId') reportId: string,
    @Body() body: ResolveReportBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() id: string,
  ): Promise<Report> {
    if (!UUID.test(reportId)) throw new NotFoundException('no such report');
    return unwrap(await this.chat.call(CHAT_PATTERNS.reportResolve, { ...body, reportId }, this.ctx(user, id)));
  }
}

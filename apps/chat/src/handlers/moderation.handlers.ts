import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  BansPage,
  BusResult,
  ChatStats,
  NoData,
  Report,
  ReportReceipt,
  ReportsPage,
  RoomBan,
  RoomMute,
} from '@hihi/contracts';
import { Handles, ok } from '@hihi/common/bus';
import { openCommand } from './open';
import { ModerationService } from '../moderation/moderation.service';
import { ReportsService } from '../moderation/reports.service';

/** Chat's bus handlers of moderation (SPEC §8): mutes, bans, reports, and chat's server figures. */
@Controller()
export class ModerationHandlers {
  constructor(
    private readonly moderation: ModerationService,
    private readonly reports: ReportsService,
  ) {}

  @Handles('muteAdd')
  async mute(@Payload() env: unknown): Promise<BusResult<RoomMute>> {
    const { actor, data, correlationId } = openCommand('muteAdd', env);
    return ok(
      await this.moderation.mute(actor, data.roomId, data.userId, data.durationSec, data.reason, { correlationId }),
    );
  }

  @Handles('muteRemove')
  async unmute(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data, correlationId } = openCommand('muteRemove', env);
    await this.moderation.unmute(actor, data.roomId, data.userId, correlationId);
    return ok({});
  }

  @Handles('banAdd')
  async ban(@Payload() env: unknown): Promise<BusResult<RoomBan>> {
    const { actor, data, correlationId } = openCommand('banAdd', env);
    return ok(await this.moderation.ban(actor, data.roomId, data.userId, data.reason, { correlationId }));
  }

  @Handles('banRemove')
  async unban(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data, correlationId } = openCommand('banRemove', env);
    await this.moderation.unban(actor, data.roomId, data.userId, correlationId);
    return ok({});
  }

  @Handles('bansList')
  async bans(@Payload() env: unknown): Promise<BusResult<BansPage>> {
    const { actor, data } = openCommand('bansList', env);
    const { roomId, ...q } = data;
    return ok(await this.moderation.bans(actor, roomId, q));
  }

  @Handles('reportCreate')
  async report(@Payload() env: unknown): Promise<BusResult<ReportReceipt>> {
    const { actor, data } = openCommand('reportCreate', env);
    return ok(await this.reports.create(actor, data.messageId, data.reason));
  }

  @Handles('reportsList')
  async list(@Payload() env: unknown): Promise<BusResult<ReportsPage>> {
    const { actor, data } = openCommand('reportsList', env);
    return ok(await this.reports.list(actor, data));
  }

  @Handles('reportResolve')
  async resolve(@Payload() env: unknown): Promise<BusResult<Report>> {
    const { actor, data, correlationId } = openCommand('reportResolve', env);
    const { reportId, ...body } = data;
    return ok(await this.reports.resolve(actor, reportId, body, correlationId));
  }

  @Handles('chatStats')
  async stats(@Payload() env: unknown): Promise<BusResult<ChatStats>> {
    const { actor } = openCommand('chatStats', env);
    return ok(await this.moderation.stats(actor));
  }
}

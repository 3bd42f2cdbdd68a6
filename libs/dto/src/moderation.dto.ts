import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import {
  BanBody,
  BanRequest,
  BansQuery,
  BansRequest,
  MODERATION,
  MuteBody,
  MuteRequest,
  REPORT_ACTIONS,
  REPORT_STATUSES,
  ReportAction,
  ReportBody,
  ReportRequest,
  ReportsQuery,
  ReportStatus,
  ResolveReportBody,
  ResolveReportRequest,
} from '@hihi/contracts';
import { IsPageLimit, ROOM_ID_PATTERN } from './chat.dto';
import { IsSafeText } from './names';
import { PAGE_CURSOR_PATTERN, USER_ID_PATTERN } from './rooms.dto';

/*
 * Moderation (SPEC §8): mutes, bans, reports. HTTP bodies (the route's ids come from the path)
 * and bus requests (path and body together) are separate classes; the bus ones extend the bodies.
 * `durationSec` is an integer 1 … 31,536,000 (no string, no fraction, no exponent trick); a
 * reason or note 1–1000 characters with the display-name character rules.
 */

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

function IsDurationSec(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsInt({ message: 'durationSec must be an integer number of seconds' }),
    Min(MODERATION.durationMinSec, { message: `durationSec must be at least ${MODERATION.durationMinSec}` }),
    Max(MODERATION.durationMaxSec, { message: `durationSec must be at most ${MODERATION.durationMaxSec} (a year)` }),
  );
}

/** A reason or note: 1–1000 characters (after trimming), display-name character rules. */
function IsModerationText(label: 'reason' | 'note', optional: boolean): PropertyDecorator {
  const rules = [
    Transform(trim),
    IsString({ message: `${label} must be a string` }),
    Length(1, MODERATION.reasonMax, { message: `${label} must be 1-${MODERATION.reasonMax} characters` }),
    IsSafeText(),
  ];
  return applyDecorators(...(optional ? [IsOptional(), ...rules] : rules));
}

class UserIdField {
  @ApiProperty({ description: 'the member concerned' })
  @IsString({ message: 'userId must be a string' })
  @Matches(USER_ID_PATTERN, { message: 'userId must be a user id' })
  userId!: string;
}

/** POST /api/rooms/:id/mutes */
export class MuteBodyDto extends UserIdField implements MuteBody {
  @ApiPropertyOptional({
    minimum: MODERATION.durationMinSec,
    maximum: MODERATION.durationMaxSec,
    description: 'seconds; absent: until lifted',
  })
  @IsDurationSec()
  durationSec?: number;

  @ApiPropertyOptional({ description: `1-${MODERATION.reasonMax} characters (kept in the audit log)` })
  @IsModerationText('reason', true)
  reason?: string;
}

export class MuteRequestDto extends MuteBodyDto implements MuteRequest {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

/** POST /api/rooms/:id/bans */
export class BanBodyDto extends UserIdField implements BanBody {
  @ApiPropertyOptional({ description: `1-${MODERATION.reasonMax} characters (kept in the audit log)` })
  @IsModerationText('reason', true)
  reason?: string;
}

export class BanRequestDto extends BanBodyDto implements BanRequest {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

/** GET /api/rooms/:id/bans */
export class BansQueryDto implements BansQuery {
  @ApiPropertyOptional({ description: "the previous page's nextCursor" })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @Matches(PAGE_CURSOR_PATTERN, { message: 'cursor must be a nextCursor answered by a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MODERATION.bansPageMax, default: MODERATION.bansPageDefault })
  @IsPageLimit(MODERATION.bansPageMax)
  limit?: number;
}

export class BansRequestDto extends BansQueryDto implements BansRequest {
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId!: string;
}

/** POST /api/messages/:id/report */
export class ReportBodyDto implements ReportBody {
  @ApiProperty({ description: `1-${MODERATION.reasonMax} characters` })
  @IsModerationText('reason', false)
  reason!: string;
}

export class ReportRequestDto extends ReportBodyDto implements ReportRequest {
  @IsString({ message: 'messageId must be a string' })
  @IsUUID('all', { message: 'messageId must be a message id' })
  messageId!: string;
}

/** GET /api/moderation/reports */
export class ReportsQueryDto implements ReportsQuery {
  @ApiPropertyOptional({ enum: REPORT_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn([...REPORT_STATUSES], { message: 'status must be open or resolved' })
  status?: ReportStatus;

  @ApiPropertyOptional({ description: 'reports of this room only' })
  @IsOptional()
  @IsString({ message: 'roomId must be a string' })
  @Matches(ROOM_ID_PATTERN, { message: 'roomId must be 1-128 letters, digits, _ . : -' })
  roomId?: string;

  @ApiPropertyOptional({ description: "the previous page's nextCursor" })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @Matches(PAGE_CURSOR_PATTERN, { message: 'cursor must be a nextCursor answered by a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MODERATION.reportsPageMax, default: MODERATION.reportsPageDefault })
  @IsPageLimit(MODERATION.reportsPageMax)
  limit?: number;
}

/** POST /api/moderation/reports/:id/resolve */
export class ResolveReportBodyDto implements ResolveReportBody {
  @ApiProperty({ enum: REPORT_ACTIONS })
  @IsIn([...REPORT_ACTIONS], { message: 'action must be dismiss, delete, mute or ban' })
  action!: ReportAction;

  @ApiPropertyOptional({
    minimum: MODERATION.durationMinSec,
    maximum: MODERATION.durationMaxSec,
    description: 'action mute: seconds; absent: until lifted',
  })
  @IsDurationSec()
  durationSec?: number;

  @ApiPropertyOptional({ description: `1-${MODERATION.reasonMax} characters (kept in the audit log)` })
  @IsModerationText('note', true)
  note?: string;
}

export class ResolveReportRequestDto extends ResolveReportBodyDto implements ResolveReportRequest {
  @IsString({ message: 'reportId must be a string' })
  @IsUUID('all', { message: 'reportId must be a report id' })
  reportId!: string;
}

import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { CHAT_PATTERNS, HistoryPage, Room } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { GatewayConfig } from '@hihi/config';
import { CreateRoomDto, HistoryQueryDto, OpenDmDto, ROOM_ID_PATTERN } from '@hihi/dto';
import { CHAT_BUS } from '../bus/bus.module';
import { CorrelationId } from '../common/correlation-id.decorator';
import { AllowGuests, AuthUser, CurrentUser, publicUser, RateLimitService, UserOnly } from '../auth';
import { unwrap } from '../common/bus-http';

/** Per-user creation limits (Redis counters shared by every gateway). */
const CREATE_LIMITS = { room: 'room-create', dm: 'dm-create' } as const;

/** Rooms, DMs and history over REST: validate, forward to chat over the bus, map errors. */
/**
 * Authentication is the accounts module's (passport-jwt): `AllowGuests` where a guest may come
 * (their own duck room), `UserOnly` (403 for guests) elsewhere.
 */
@Controller('api')
export class RoomsController {
  constructor(
    @Inject(CHAT_BUS) private readonly chat: BusClient,
    private readonly limits: RateLimitService,
    private readonly config: GatewayConfig,
  ) {}

  @Get('rooms')
  @UseGuards(AllowGuests)
  async list(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<Room[]> {
    return unwrap(await this.chat.call(CHAT_PATTERNS.listRooms, {}, { correlationId, actor: publicUser(user) }));
  }

  @Post('rooms')
  @UseGuards(UserOnly)
  @HttpCode(201)
  async create(
    @Body() body: CreateRoomDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<Room> {
    // ROOM_CREATE_LIMIT per CREATE_RATE_WINDOW_SEC and user → 429 with Retry-After
    await this.limits.consume(
      CREATE_LIMITS.room,
      user.id,
      this.config.ROOM_CREATE_LIMIT,
      this.config.CREATE_RATE_WINDOW_SEC,
      'too many rooms created; try again later',
    );
    const result = await this.chat.call(
      CHAT_PATTERNS.createRoom,
      { name: body.name },
      { correlationId, actor: publicUser(user) },
    );
    // a refused creation (name taken, chat unavailable) is not counted
    if (!result.ok) await this.limits.refund(CREATE_LIMITS.room, user.id);
    return unwrap(result);
  }

  @Post('dms')
  @UseGuards(UserOnly)
  async openDm(
    @Body() body: OpenDmDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Room> {
    // DM_CREATE_LIMIT new DMs per CREATE_RATE_WINDOW_SEC and user; re-opening one is refunded
    await this.limits.consume(
      CREATE_LIMITS.dm,
      user.id,
      this.config.DM_CREATE_LIMIT,
      this.config.CREATE_RATE_WINDOW_SEC,
      'too many direct messages opened; try again later',
    );
    const result = await this.chat.call(
      CHAT_PATTERNS.openDm,
      { username: body.username },
      { correlationId, actor: publicUser(user) },
    );
    if (!result.ok || !result.data.created) await this.limits.refund(CREATE_LIMITS.dm, user.id);
    const reply = unwrap(result);
    res.status(reply.created ? 201 : 200);
    return reply.room;
  }

  @Get('rooms/:roomId/messages')
  @UseGuards(AllowGuests)
  async history(
    @Param('roomId') roomId: string,
    @Query() query: HistoryQueryDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<HistoryPage> {
    if (!ROOM_ID_PATTERN.test(roomId)) throw new NotFoundException('no such room');
    return unwrap(
      await this.chat.call(CHAT_PATTERNS.history, { roomId, ...query }, { correlationId, actor: publicUser(user) }),
    );
  }
}

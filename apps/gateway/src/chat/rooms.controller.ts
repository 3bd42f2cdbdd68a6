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
import { CHAT_PATTERNS, HistoryPage, OpenDmReply, Room } from '@hihi/contracts';
import { BusClient } from '@hihi/common';
import { CreateRoomDto, HistoryQueryDto, OpenDmDto, ROOM_ID_PATTERN } from '@hihi/dto';
import { CHAT_BUS } from '../bus/bus.module';
import { CorrelationId } from '../common/correlation-id.decorator';
import { AllowGuests, AuthUser, CurrentUser, publicUser, UserOnly } from '../auth';
import { unwrap } from './http-auth';

/** Rooms, DMs and history over REST: validate, forward to chat over the bus, map errors. */
/**
 * Authentication is the accounts module's (passport-jwt): `AllowGuests` where a guest may come
 * (their own duck room), `UserOnly` (403 for guests) elsewhere.
 */
@Controller('api')
export class RoomsController {
  constructor(@Inject(CHAT_BUS) private readonly chat: BusClient) {}

  @Get('rooms')
  @UseGuards(AllowGuests)
  async list(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<Room[]> {
    return unwrap(
      await this.chat.call<Room[]>(CHAT_PATTERNS.listRooms, {}, { correlationId, actor: publicUser(user) }),
    );
  }

  @Post('rooms')
  @UseGuards(UserOnly)
  @HttpCode(201)
  async create(
    @Body() body: CreateRoomDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<Room> {
    return unwrap(
      await this.chat.call<Room>(
        CHAT_PATTERNS.createRoom,
        { name: body.name },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Post('dms')
  @UseGuards(UserOnly)
  async openDm(
    @Body() body: OpenDmDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Room> {
    const reply = unwrap(
      await this.chat.call<OpenDmReply>(
        CHAT_PATTERNS.openDm,
        { username: body.username },
        { correlationId, actor: publicUser(user) },
      ),
    );
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
      await this.chat.call<HistoryPage>(
        CHAT_PATTERNS.history,
        { roomId, ...query },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }
}

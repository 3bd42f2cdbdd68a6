import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { CHAT_PATTERNS, DirectoryPage, HistoryPage, MembersPage, Room, RoomMember } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { GatewayConfig } from '@hihi/config';
import {
  AddMemberBodyDto,
  CreateRoomDto,
  DirectoryQueryDto,
  HistoryQueryDto,
  MemberRoleBodyDto,
  MembersQueryDto,
  OpenDmDto,
  ROOM_ID_PATTERN,
  UpdateRoomBodyDto,
  USER_ID_PATTERN,
} from '@hihi/dto';
import { CHAT_BUS } from '../bus/bus.module';
import { CorrelationId } from '../common/correlation-id.decorator';
import { AllowGuests, AuthUser, CurrentUser, publicUser, RateLimitService, TokenScopes, UserOnly } from '../auth';
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
  @TokenScopes('rooms:read')
  async list(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<Room[]> {
    return unwrap(await this.chat.call(CHAT_PATTERNS.listRooms, {}, { correlationId, actor: publicUser(user) }));
  }

  @Post('rooms')
  @UseGuards(UserOnly)
  @TokenScopes('rooms:write')
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
      { name: body.name, ...(body.kind ? { kind: body.kind } : {}), ...(body.topic ? { topic: body.topic } : {}) },
      { correlationId, actor: publicUser(user) },
    );
    // a refused creation (name taken, chat unavailable) is not counted
    if (!result.ok) await this.limits.refund(CREATE_LIMITS.room, user.id);
    return unwrap(result);
  }

  @Post('dms')
  @UseGuards(UserOnly)
  @TokenScopes('rooms:write')
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
      body.usernames ? { usernames: body.usernames } : { username: body.username },
      { correlationId, actor: publicUser(user) },
    );
    if (!result.ok || !result.data.created) await this.limits.refund(CREATE_LIMITS.dm, user.id);
    const reply = unwrap(result);
    res.status(reply.created ? 201 : 200);
    return reply.room;
  }

  @Get('rooms/:roomId/messages')
  @UseGuards(AllowGuests)
  @TokenScopes('messages:read')
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

  /* ---------- communities (SPEC §7): directory, settings, membership ---------- */

  @Get('rooms/directory')
  @UseGuards(UserOnly)
  @TokenScopes('rooms:read')
  async directory(
    @Query() query: DirectoryQueryDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<DirectoryPage> {
    return unwrap(
      await this.chat.call(CHAT_PATTERNS.directory, { ...query }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Patch('rooms/:roomId')
  @UseGuards(UserOnly)
  @TokenScopes('rooms:write')
  async update(
    @Param('roomId') roomId: string,
    @Body() body: UpdateRoomBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<Room> {
    roomIdOr404(roomId);
    return unwrap(
      await this.chat.call(CHAT_PATTERNS.updateRoom, { ...body, roomId }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Post('rooms/:roomId/join')
  @UseGuards(UserOnly)
  @TokenScopes('rooms:write')
  @HttpCode(200)
  async join(
    @Param('roomId') roomId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<Room> {
    roomIdOr404(roomId);
    return unwrap(
      await this.chat.call(CHAT_PATTERNS.memberJoin, { roomId }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Post('rooms/:roomId/leave')
  @UseGuards(UserOnly)
  @TokenScopes('rooms:write')
  @HttpCode(204)
  async leave(
    @Param('roomId') roomId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    roomIdOr404(roomId);
    unwrap(await this.chat.call(CHAT_PATTERNS.memberLeave, { roomId }, { correlationId, actor: publicUser(user) }));
  }

  @Get('rooms/:roomId/members')
  @UseGuards(AllowGuests)
  @TokenScopes('rooms:read')
  async members(
    @Param('roomId') roomId: string,
    @Query() query: MembersQueryDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<MembersPage> {
    roomIdOr404(roomId);
    return unwrap(
      await this.chat.call(CHAT_PATTERNS.membersList, { ...query, roomId }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Post('rooms/:roomId/members')
  @UseGuards(UserOnly)
  @TokenScopes('rooms:write')
  @HttpCode(201)
  async addMember(
    @Param('roomId') roomId: string,
    @Body() body: AddMemberBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<RoomMember> {
    roomIdOr404(roomId);
    return unwrap(
      await this.chat.call(
        CHAT_PATTERNS.memberAdd,
        { roomId, username: body.username },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Delete('rooms/:roomId/members/:userId')
  @UseGuards(UserOnly)
  @TokenScopes('rooms:write')
  @HttpCode(204)
  async removeMember(
    @Param('roomId') roomId: string,
    @Param('userId') userId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    memberOr404(roomId, userId);
    unwrap(
      await this.chat.call(CHAT_PATTERNS.memberRemove, { roomId, userId }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Patch('rooms/:roomId/members/:userId')
  @UseGuards(UserOnly)
  @TokenScopes('rooms:write')
  async setRole(
    @Param('roomId') roomId: string,
    @Param('userId') userId: string,
    @Body() body: MemberRoleBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<RoomMember> {
    memberOr404(roomId, userId);
    return unwrap(
      await this.chat.call(
        CHAT_PATTERNS.memberRole,
        { roomId, userId, role: body.role },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }
}

/** A path id that cannot be a room's is an unknown room. */
function roomIdOr404(roomId: string): void {
  if (!ROOM_ID_PATTERN.test(roomId)) throw new NotFoundException('no such room');
}

function memberOr404(roomId: string, userId: string): void {
  roomIdOr404(roomId);
  if (!USER_ID_PATTERN.test(userId)) throw new NotFoundException('no such member');
}

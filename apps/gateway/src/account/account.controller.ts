import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Ip,
  NotFoundException,
  Param,
  Patch,
  Post,
  Put,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { AccountUser, AVATAR, AVATAR_HASH_PATTERN, Room, SessionInfo } from '@hihi/contracts';
import { GatewayConfig } from '@hihi/config';
import {
  AccountDeleteDto,
  ErrorBodyDto,
  PasswordChangeDto,
  ProfileUpdateDto,
  ROOM_ID_PATTERN,
  RoomNotificationsBodyDto,
  SESSION_ID_PATTERN,
} from '@hihi/dto';
import { CorrelationId } from '../common/correlation-id.decorator';
import { AuthUser, CurrentUser, RateLimitService, UserOnly } from '../auth';
import { UploadStorage } from '../uploads/upload-storage';
import { AccountGatewayService } from './account.service';
import { avatarStorageKey } from './avatar-processor';

/** What multer hands over (memory storage). */
interface UploadedBytes {
  buffer: Buffer;
}

/** Per-user budgets (Redis counters shared by every gateway). */
const BUCKETS = { avatar: 'avatar-user', export: 'export-user', profile: 'profile-user' } as const;

/**
 * One's own account (SPEC §10): profile, avatar, password, sessions, deletion, export, and the
 * per-room notification level. Thin: AccountGatewayService talks to auth and chat.
 */
@ApiTags('account')
@ApiBearerAuth()
@Controller('api')
export class AccountController {
  constructor(
    private readonly account: AccountGatewayService,
    private readonly limits: RateLimitService,
    private readonly storage: UploadStorage,
    private readonly config: GatewayConfig,
  ) {}

  @Patch('me')
  @UseGuards(UserOnly)
  @ApiOperation({ summary: 'Change the display name (as at sign-up) or the email; members see the new name live' })
  @ApiOkResponse({ description: 'the account (user with email)' })
  async update(
    @Body() body: ProfileUpdateDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<AccountUser> {
    await this.limits.consume(BUCKETS.profile, user.id, 30, 3600, 'too many profile changes; try again later');
    return this.account.updateProfile(user, body, correlationId);
  }

  @Post('me/avatar')
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(UserOnly)
  @UseInterceptors(
    FileInterceptor('file', {
      limits: { fileSize: AVATAR.maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 20 },
    }),
  )
  @ApiOperation({
    summary: `Set the avatar (field \`file\`: JPEG, PNG, GIF or WebP); stored as a ${AVATAR.sizePx} px WebP`,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ description: 'the account with its new avatarUrl' })
  @ApiPayloadTooLargeResponse({ description: 'more bytes or pixels than allowed', type: ErrorBodyDto })
  @ApiUnsupportedMediaTypeResponse({ description: 'not an image that can be read', type: ErrorBodyDto })
  async setAvatar(
    @UploadedFile() file: UploadedBytes | undefined,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<AccountUser> {
    if (!file?.buffer) throw new BadRequestException('send the image as multipart/form-data in the field "file"');
    await this.limits.consume(BUCKETS.avatar, user.id, 20, 3600, 'too many avatar changes; try again later');
    return this.account.setAvatar(user, file.buffer, correlationId);
  }

  @Delete('me/avatar')
  @UseGuards(UserOnly)
  @ApiOperation({ summary: 'Remove the avatar (initials are shown)' })
  @ApiOkResponse({ description: 'the account without avatarUrl' })
  removeAvatar(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<AccountUser> {
    return this.account.removeAvatar(user, correlationId);
  }

  /** Avatars are public by their unguessable, content-derived URL, and never change (a new image is a new URL). */
  @Get('avatars/:file')
  @ApiOperation({ summary: 'An avatar (immutable, cached for a year)' })
  async avatar(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const hash = /^([a-f0-9]{32})\.webp$/.exec(file)?.[1];
    if (!hash || !AVATAR_HASH_PATTERN.test(hash)) throw new NotFoundException('no such avatar');
    let body;
    try {
      body = await this.storage.get(avatarStorageKey(hash));
    } catch {
      throw new NotFoundException('no such avatar');
    }
    res.status(200);
    res.setHeader('Content-Type', 'image/webp');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('ETag', `"${hash}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    await pipeline(body, res);
  }

  @Post('me/password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(UserOnly)
  @ApiOperation({ summary: 'Change the password: every other session is signed out' })
  @ApiNoContentResponse({ description: 'changed; other sessions get 401 within 1 s, their sockets close within 5 s' })
  @ApiUnauthorizedResponse({
    description: 'the current password is wrong (counted by the sign-in limits)',
    type: ErrorBodyDto,
  })
  async changePassword(
    @Body() body: PasswordChangeDto,
    @CurrentUser() user: AuthUser,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    await this.account.changePassword(user, body, ip, correlationId);
  }

  @Get('me/sessions')
  @UseGuards(UserOnly)
  @ApiOperation({ summary: 'Signed-in sessions: device and browser, created, last used; the current one marked' })
  sessions(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<SessionInfo[]> {
    return this.account.sessions(user, correlationId);
  }

  @Delete('me/sessions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(UserOnly)
  @ApiOperation({ summary: 'Sign a session out (as logout: 401 within 1 s, sockets closed within 5 s)' })
  async revokeSession(
    @Param('id') id: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    if (!SESSION_ID_PATTERN.test(id)) throw new NotFoundException('no such session');
    await this.account.revokeSession(user, id, correlationId);
  }

  @Delete('me')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(UserOnly)
  @ApiOperation({ summary: 'Delete the account: signed out everywhere; messages stay, shown from "deleted user"' })
  @ApiUnauthorizedResponse({ description: 'the password is wrong (counted by the sign-in limits)', type: ErrorBodyDto })
  async remove(
    @Body() body: AccountDeleteDto,
    @CurrentUser() user: AuthUser,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    await this.account.deleteAccount(user, body.password, ip, correlationId);
  }

  @Get('me/export')
  @UseGuards(UserOnly)
  @ApiOperation({ summary: "A JSON download of the account, its rooms, its own messages and its files' metadata" })
  async export(
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ): Promise<void> {
    await this.limits.consume(BUCKETS.export, user.id, 5, 3600, 'too many exports; try again later');
    const data = await this.account.export(user, correlationId);
    const day = data.exportedAt.slice(0, 10);
    res.status(200);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="hihi-export-${day}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(JSON.stringify(data, null, 2));
  }

  @Put('rooms/:roomId/notifications')
  @UseGuards(UserOnly)
  @ApiTags('rooms')
  @ApiOperation({
    summary: "Set the caller's notification level for a room: all, mentions or none (synced to their devices)",
  })
  @ApiOkResponse({ description: 'the room with `notifications`' })
  notifications(
    @Param('roomId') roomId: string,
    @Body() body: RoomNotificationsBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<Room> {
    if (!ROOM_ID_PATTERN.test(roomId)) throw new NotFoundException('no such room');
    return this.account.setNotifications(user, roomId, body.level, correlationId);
  }
}

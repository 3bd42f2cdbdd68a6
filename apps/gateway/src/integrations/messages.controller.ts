import {
  Body,
  Controller,
  Delete,
  Headers,
  HttpCode,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Patch,
  Post,
  Put,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { CHAT_PATTERNS, Message } from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { Metrics } from '@hihi/common/observability';
import {
  CLIENT_MSG_ID_PATTERN,
  ErrorBodyDto,
  MessageEditBodyDto,
  MessageSendBodyDto,
  ROOM_ID_PATTERN,
} from '@hihi/dto';
import { Optional } from '@nestjs/common';
import { CHAT_BUS } from '../bus/bus.module';
import { ApiHttpException, unwrap } from '../common/bus-http';
import { CorrelationId } from '../common/correlation-id.decorator';
import { AllowGuests, AuthUser, CurrentUser, publicUser, TokenScopes } from '../auth';
import { SendRateLimiter } from '../chat/send-rate-limiter';

/**
 * The message API over REST (SPEC §9), for tokens and people alike: the same bus commands as the
 * socket's message:send / edit / delete / react (so the same validation, rules and events), the
 * same per-user send budget, reported in `X-RateLimit-Limit/Remaining/Reset`.
 */
@ApiTags('messages')
@ApiBearerAuth()
@Controller('api/rooms/:roomId/messages')
export class MessagesController {
  constructor(
    @Inject(CHAT_BUS) private readonly chat: BusClient,
    private readonly limiter: SendRateLimiter,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /** One token of the user's send budget, with the X-RateLimit headers; 429 + Retry-After past it. */
  private async budget(userId: string, res: Response): Promise<void> {
    let r: { allowed: boolean; retryAfterMs: number; remaining: number };
    try {
      r = await this.limiter.take(userId);
    } catch {
      throw ApiHttpException.retryAfter(503, 'rate limiter unavailable; try again shortly', 1);
    }
    const { burst, ratePerSec } = this.limiter;
    res.setHeader('X-RateLimit-Limit', String(burst));
    res.setHeader('X-RateLimit-Remaining', String(r.remaining));
    // seconds until the bucket is full again
    res.setHeader('X-RateLimit-Reset', String(Math.ceil((burst - r.remaining) / ratePerSec)));
    if (!r.allowed) {
      this.metrics?.rateLimitHits.inc({ limit: 'send' });
      throw ApiHttpException.retryAfter(429, `sending too fast; retry in ${r.retryAfterMs} ms`, r.retryAfterMs / 1000);
    }
  }

  private room(roomId: string): void {
    if (!ROOM_ID_PATTERN.test(roomId)) throw new NotFoundException('no such room');
  }

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(AllowGuests)
  @TokenScopes('messages:write')
  @ApiOperation({
    summary: 'Send a message (as message:send); the same Idempotency-Key / clientMsgId again answers the original',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'used as clientMsgId' })
  @ApiCreatedResponse({ description: 'the message (SPEC §5)' })
  @ApiTooManyRequestsResponse({ description: 'send budget spent (Retry-After)', type: ErrorBodyDto })
  async send(
    @Param('roomId') roomId: string,
    @Body() body: MessageSendBodyDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Message> {
    this.room(roomId);
    if (idempotencyKey !== undefined && !CLIENT_MSG_ID_PATTERN.test(idempotencyKey))
      throw new ApiHttpException(400, 'Idempotency-Key must be 1-64 letters, digits, _ . : -');
    if (idempotencyKey && body.clientMsgId && idempotencyKey !== body.clientMsgId)
      throw new ApiHttpException(400, 'Idempotency-Key and clientMsgId differ');
    await this.budget(user.id, res);
    const clientMsgId = body.clientMsgId ?? idempotencyKey ?? `rest:${randomUUID()}`;
    const reply = unwrap(
      await this.chat.call(
        CHAT_PATTERNS.send,
        {
          roomId,
          text: body.text,
          clientMsgId,
          ...(body.replyTo ? { replyTo: body.replyTo } : {}),
          ...(body.attachments?.length ? { attachments: body.attachments } : {}),
        },
        { correlationId, actor: publicUser(user) },
      ),
    );
    this.metrics?.messagesAccepted.inc();
    return reply.message;
  }

  @Patch(':messageId')
  @UseGuards(AllowGuests)
  @TokenScopes('messages:write')
  @ApiOperation({ summary: 'Edit one of your messages (as message:edit)' })
  @ApiOkResponse({ description: 'the message' })
  async edit(
    @Param('roomId') roomId: string,
    @Param('messageId') messageId: string,
    @Body() body: MessageEditBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Message> {
    this.room(roomId);
    await this.budget(user.id, res);
    return unwrap(
      await this.chat.call(
        CHAT_PATTERNS.edit,
        { roomId, messageId, text: body.text },
        { correlationId, actor: publicUser(user) },
      ),
    ).message;
  }

  @Delete(':messageId')
  @UseGuards(AllowGuests)
  @TokenScopes('messages:write')
  @ApiOperation({ summary: "Delete a message (yours; moderators: anyone's) — a tombstone, as message:delete" })
  @ApiOkResponse({ description: 'the tombstone' })
  async remove(
    @Param('roomId') roomId: string,
    @Param('messageId') messageId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Message> {
    this.room(roomId);
    await this.budget(user.id, res);
    return unwrap(
      await this.chat.call(CHAT_PATTERNS.delete, { roomId, messageId }, { correlationId, actor: publicUser(user) }),
    ).message;
  }

  @Put(':messageId/reactions/:emoji')
  @UseGuards(AllowGuests)
  @TokenScopes('messages:write')
  @ApiOperation({ summary: 'Add your reaction (as message:react on: true); idempotent' })
  @ApiOkResponse({ description: 'the message' })
  react(
    @Param('roomId') roomId: string,
    @Param('messageId') messageId: string,
    @Param('emoji') emoji: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Message> {
    return this.setReaction(roomId, messageId, emoji, true, user, correlationId, res);
  }

  @Delete(':messageId/reactions/:emoji')
  @UseGuards(AllowGuests)
  @TokenScopes('messages:write')
  @ApiOperation({ summary: 'Take your reaction back (as message:react on: false)' })
  @ApiOkResponse({ description: 'the message' })
  unreact(
    @Param('roomId') roomId: string,
    @Param('messageId') messageId: string,
    @Param('emoji') emoji: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Message> {
    return this.setReaction(roomId, messageId, emoji, false, user, correlationId, res);
  }

  private async setReaction(
    roomId: string,
    messageId: string,
    emoji: string,
    on: boolean,
    user: AuthUser,
    correlationId: string,
    res: Response,
  ): Promise<Message> {
    this.room(roomId);
    await this.budget(user.id, res);
    return unwrap(
      await this.chat.call(
        CHAT_PATTERNS.react,
        { roomId, messageId, emoji, on },
        { correlationId, actor: publicUser(user) },
      ),
    ).message;
  }
}

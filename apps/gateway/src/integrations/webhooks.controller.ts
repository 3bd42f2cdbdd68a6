import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  DeliveriesPage,
  IncomingWebhook,
  IncomingWebhookCreated,
  INTEGRATION_LIMITS,
  INTEGRATION_PATTERNS,
  LIMITS,
  OutgoingWebhook,
  OutgoingWebhookCreated,
} from '@hihi/contracts';
import { BusClient } from '@hihi/common/bus';
import { checkUrl, EgressError, parseEgressAllow } from '@hihi/common/egress';
import { GatewayConfig } from '@hihi/config';
import {
  ErrorBodyDto,
  HOOK_SECRET_PATTERN,
  IncomingCreateBodyDto,
  jsonNestingDepth,
  OutgoingCreateBodyDto,
  ROOM_ID_PATTERN,
} from '@hihi/dto';
import { CHAT_BUS } from '../bus/bus.module';
import { ApiHttpException, unwrap } from '../common/bus-http';
import { CorrelationId } from '../common/correlation-id.decorator';
import { AuthUser, CurrentUser, PersonOnly, publicUser, RateLimitService } from '../auth';
import { formPayload, slackToMessage } from './slack-body';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Webhooks (SPEC §9): management by the room's moderators (people signed in, PersonOnly), and the
 * secret URL incoming hooks post to (no sign-in: the secret is the credential), with a per-hook
 * rate limit. The hooks live in chat; every post goes through its one write path.
 */
@ApiTags('webhooks')
@Controller('api')
export class WebhooksController {
  private readonly egress;

  constructor(
    @Inject(CHAT_BUS) private readonly chat: BusClient,
    private readonly limits: RateLimitService,
    private readonly config: GatewayConfig,
  ) {
    this.egress = parseEgressAllow(config.EGRESS_ALLOW);
  }

  private room(roomId: string): void {
    if (!ROOM_ID_PATTERN.test(roomId)) throw new NotFoundException('no such room');
  }

  private hook(hookId: string): void {
    if (!UUID.test(hookId)) throw new NotFoundException('no such webhook');
  }

  /** The hook's URL with this server's public origin. */
  private absolute(req: Request, created: IncomingWebhookCreated): IncomingWebhookCreated {
    const origin = this.config.PUBLIC_ORIGIN ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    return { ...created, url: `${origin}${created.url}` };
  }

  /* ---------- the secret URL ---------- */

  @Post('hooks/:hookId/:secret')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Post into the hook's room (Slack-compatible: text, attachments, blocks; or form field payload=)",
  })
  @ApiOkResponse({ description: '{ok: true, messageId, seq}' })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ description: 'unknown or deleted hook', type: ErrorBodyDto })
  @ApiTooManyRequestsResponse({ description: 'per-hook rate limit (Retry-After)', type: ErrorBodyDto })
  async post(
    @Param('hookId') hookId: string,
    @Param('secret') secret: string,
    @Body() body: unknown,
    @Req() req: Request,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ ok: true; messageId: string; seq: number }> {
    if (!UUID.test(hookId) || !HOOK_SECRET_PATTERN.test(secret)) throw new NotFoundException('no such webhook');
    // per hook, shared by every gateway; unknown hooks are counted too (no free probing)
    const limit = this.config.WEBHOOK_POSTS_PER_MIN;
    const c = await this.limits.hit('hook-post', hookId, INTEGRATION_LIMITS.hookWindowSec);
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - c.count)));
    res.setHeader('X-RateLimit-Reset', String(c.ttlSec));
    if (c.count > limit)
      throw ApiHttpException.retryAfter(429, 'this webhook posts too often; try again later', c.ttlSec || 1);
    const message = slackToMessage(this.payloadOf(req, body));
    if ('error' in message) throw new ApiHttpException(400, message.error);
    const reply = unwrap(
      await this.chat.call(
        INTEGRATION_PATTERNS.incomingPost,
        { hookId, secret, text: message.text, ...(message.username ? { username: message.username } : {}) },
        { correlationId },
      ),
    );
    return { ok: true, ...reply };
  }

  /** JSON, or a form with `payload=<JSON>`; anything else is a bad body. */
  private payloadOf(req: Request, body: unknown): unknown {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type === 'application/json') return body;
    if (type === 'application/x-www-form-urlencoded') {
      const raw = (body as { payload?: unknown } | undefined)?.payload;
      if (typeof raw !== 'string') throw new ApiHttpException(400, 'a form body needs the field payload=<JSON>');
      if (jsonNestingDepth(Buffer.from(raw), LIMITS.payloadDepth) > LIMITS.payloadDepth)
        throw new ApiHttpException(400, `payload is nested too deeply (at most ${LIMITS.payloadDepth} levels)`);
      try {
        return formPayload(body);
      } catch {
        throw new ApiHttpException(400, 'payload is not valid JSON');
      }
    }
    throw new ApiHttpException(400, 'send application/json or application/x-www-form-urlencoded (payload=)');
  }

  /* ---------- incoming hooks of a room ---------- */

  @Post('rooms/:roomId/webhooks')
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(PersonOnly)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Create an incoming webhook (room moderators); its secret URL is shown now and on rotation',
  })
  @ApiCreatedResponse({ description: '{id, url, name, roomId, createdBy, createdAt}' })
  async createIncoming(
    @Param('roomId') roomId: string,
    @Body() body: IncomingCreateBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Req() req: Request,
  ): Promise<IncomingWebhookCreated> {
    this.room(roomId);
    const created = unwrap(
      await this.chat.call(
        INTEGRATION_PATTERNS.incomingCreate,
        { roomId, name: body.name },
        { correlationId, actor: publicUser(user) },
      ),
    );
    return this.absolute(req, created);
  }

  @Get('rooms/:roomId/webhooks')
  @UseGuards(PersonOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The room's incoming webhooks (without their URLs)" })
  async listIncoming(
    @Param('roomId') roomId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<IncomingWebhook[]> {
    this.room(roomId);
    return unwrap(
      await this.chat.call(INTEGRATION_PATTERNS.incomingList, { roomId }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Delete('rooms/:roomId/webhooks/:hookId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(PersonOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete an incoming webhook: its URL answers 404 from now on' })
  @ApiNoContentResponse()
  async deleteIncoming(
    @Param('roomId') roomId: string,
    @Param('hookId') hookId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    this.room(roomId);
    this.hook(hookId);
    unwrap(
      await this.chat.call(
        INTEGRATION_PATTERNS.incomingDelete,
        { roomId, hookId },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Post('rooms/:roomId/webhooks/:hookId/rotate')
  @HttpCode(HttpStatus.OK)
  @UseGuards(PersonOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A new secret URL; the old one answers 404 from now on' })
  async rotateIncoming(
    @Param('roomId') roomId: string,
    @Param('hookId') hookId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
    @Req() req: Request,
  ): Promise<IncomingWebhookCreated> {
    this.room(roomId);
    this.hook(hookId);
    const rotated = unwrap(
      await this.chat.call(
        INTEGRATION_PATTERNS.incomingRotate,
        { roomId, hookId },
        { correlationId, actor: publicUser(user) },
      ),
    );
    return this.absolute(req, rotated);
  }

  /* ---------- outgoing hooks of a room ---------- */

  @Post('rooms/:roomId/outgoing-webhooks')
  @HttpCode(HttpStatus.CREATED)
  @UseGuards(PersonOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create an outgoing webhook (room moderators); its HMAC secret is shown once' })
  @ApiCreatedResponse({ description: '{id, secret, url, trigger, …}' })
  async createOutgoing(
    @Param('roomId') roomId: string,
    @Body() body: OutgoingCreateBodyDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<OutgoingWebhookCreated> {
    this.room(roomId);
    // what can be refused before any DNS (scheme, credentials, a refused IP literal) is refused now
    try {
      checkUrl(this.egress, body.url);
    } catch (err) {
      if (err instanceof EgressError) throw new ApiHttpException(400, `url: ${err.message}`);
      throw err;
    }
    return unwrap(
      await this.chat.call(
        INTEGRATION_PATTERNS.outgoingCreate,
        { roomId, url: body.url, trigger: body.trigger },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Get('rooms/:roomId/outgoing-webhooks')
  @UseGuards(PersonOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The room's outgoing webhooks (without their secrets)" })
  async listOutgoing(
    @Param('roomId') roomId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<OutgoingWebhook[]> {
    this.room(roomId);
    return unwrap(
      await this.chat.call(INTEGRATION_PATTERNS.outgoingList, { roomId }, { correlationId, actor: publicUser(user) }),
    );
  }

  @Delete('rooms/:roomId/outgoing-webhooks/:hookId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(PersonOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete an outgoing webhook' })
  @ApiNoContentResponse()
  async deleteOutgoing(
    @Param('roomId') roomId: string,
    @Param('hookId') hookId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    this.room(roomId);
    this.hook(hookId);
    unwrap(
      await this.chat.call(
        INTEGRATION_PATTERNS.outgoingDelete,
        { roomId, hookId },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }

  @Get('rooms/:roomId/outgoing-webhooks/:hookId/deliveries')
  @UseGuards(PersonOnly)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The delivery log of an outgoing webhook (newest first): status, latency, error per try' })
  async deliveries(
    @Param('roomId') roomId: string,
    @Param('hookId') hookId: string,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<DeliveriesPage> {
    this.room(roomId);
    this.hook(hookId);
    return unwrap(
      await this.chat.call(
        INTEGRATION_PATTERNS.outgoingDeliveries,
        { roomId, hookId },
        { correlationId, actor: publicUser(user) },
      ),
    );
  }
}

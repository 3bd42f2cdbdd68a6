import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { VapidKey } from '@hihi/contracts';
import { PushSubscriptionDto, PushUnsubscribeDto } from '@hihi/dto';
import { CorrelationId } from '../common/correlation-id.decorator';
import { AuthUser, CurrentUser, RateLimitService, UserOnly } from '../auth';
import { AccountGatewayService } from './account.service';

/** Web Push subscriptions of one's devices (SPEC §10); chat keeps them and sends the pushes. */
@ApiTags('account')
@ApiBearerAuth()
@Controller('api/push')
@UseGuards(UserOnly)
export class PushController {
  constructor(
    private readonly account: AccountGatewayService,
    private readonly limits: RateLimitService,
  ) {}

  @Get('vapid-key')
  @ApiOperation({ summary: "The server's VAPID public key (applicationServerKey for pushManager.subscribe)" })
  @ApiOkResponse({ description: '`{publicKey}` (base64url)' })
  vapidKey(@CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<VapidKey> {
    return this.account.vapidKey(user, correlationId);
  }

  @Post('subscriptions')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: "Keep this device's push subscription (at most 10 per person: the oldest goes)" })
  @ApiCreatedResponse({ description: 'kept' })
  @ApiBadRequestResponse({
    description: 'not an https endpoint (≤ 2 KB), keys of the wrong size, or a refused address',
  })
  async subscribe(
    @Body() body: PushSubscriptionDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<Record<string, never>> {
    await this.limits.consume('push-subscribe-user', user.id, 30, 3600, 'too many subscriptions; try again later');
    await this.account.pushSubscribe(user, body, correlationId);
    return {};
  }

  @Delete('subscriptions')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Forget a push subscription of one of your devices' })
  @ApiNoContentResponse({ description: 'forgotten (or was not yours)' })
  async unsubscribe(
    @Body() body: PushUnsubscribeDto,
    @CurrentUser() user: AuthUser,
    @CorrelationId() correlationId: string,
  ): Promise<void> {
    await this.account.pushUnsubscribe(user, body.endpoint, correlationId);
  }
}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SendRateLimiter } from '../chat/send-rate-limiter';
import { BotsController } from './bots.controller';
import { MessagesController } from './messages.controller';
import { WebhooksController } from './webhooks.controller';

/** The gateway's integrations (SPEC §9): bots and tokens, the message API over REST, webhooks. */
@Module({
  imports: [AuthModule],
  controllers: [BotsController, MessagesController, WebhooksController],
  providers: [SendRateLimiter],
})
export class IntegrationsModule {}

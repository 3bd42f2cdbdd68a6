import { Module } from '@nestjs/common';
import { ChatSocketGateway } from './chat.socket-gateway';
import { PresenceService } from './presence.service';
import { RoomEventsSubscriber } from './room-events.subscriber';
import { RoomFanout } from './room-fanout';
import { RoomRemovals } from './room-removals';
import { RoomsController } from './rooms.controller';
import { SearchController } from './search.controller';
import { SendRateLimiter } from './send-rate-limiter';
import { SocketCommandGuard } from './socket-command-guard';
import { AuthModule } from '../auth/auth.module';
import { ModerationBadge } from './moderation-badge';
import { ModerationController } from './moderation.controller';

/** The gateway's chat part: Socket.IO API, room-event fan-out, presence, rooms/DMs/history, search and moderation REST. */
@Module({
  imports: [AuthModule],
  controllers: [RoomsController, SearchController, ModerationController],
  providers: [
    ChatSocketGateway,
    RoomFanout,
    RoomRemovals,
    RoomEventsSubscriber,
    PresenceService,
    SendRateLimiter,
    SocketCommandGuard,
    ModerationBadge,
  ],
  exports: [PresenceService],
})
export class ChatGatewayModule {}

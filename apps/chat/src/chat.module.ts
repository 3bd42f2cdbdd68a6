import { Module } from '@nestjs/common';
import { DatabaseModule } from './database/database.module';
import { MessagesRepository } from './persistence/messages.repository';
import { RoomsRepository } from './persistence/rooms.repository';
import { UsersRepository } from './persistence/users.repository';
import { RedisRoomEventsPublisher, RoomEventsPublisher } from './events/room-events.publisher';
import { DomainEvents } from './events/domain-events';
import { RoomEventsFanout } from './events/room-events.fanout';
import { MessageListeners } from './events/message-listeners';
import { MessageStore } from './messages/message-store';
import { MessagesService } from './messages/messages.service';
import { RoomsService } from './rooms/rooms.service';
import { MembersService } from './rooms/members.service';
import { ReadMarks } from './rooms/read-marks';
import { SearchRepository } from './persistence/search.repository';
import { SearchService } from './search/search.service';
import { SearchIndexer } from './search/search-indexer';
import { BOT_OUTPUT_FACTORY } from './bots/bot';
import { BotsModule } from './bots/bots.module';
import { StoreBotOutputFactory } from './bots/store-bot-output';
import { messagesBotPort } from './bots/messages-bot-port';
import { AttachmentsRepository } from './persistence/attachments.repository';
import { UploadsService } from './uploads/uploads.service';
import { AccessService } from './access/access.service';
import { AccessInvalidation, RedisAccessInvalidation } from './access/access-invalidation';
import { RoomsHandlers } from './handlers/rooms.handlers';
import { MembersHandlers } from './handlers/members.handlers';
import { MessagesHandlers } from './handlers/messages.handlers';
import { SearchHandlers } from './handlers/search.handlers';
import { UploadsHandlers } from './handlers/uploads.handlers';
import { WebhooksRepository } from './integrations/webhooks.repository';
import { WebhooksService } from './integrations/webhooks.service';
import { OutgoingDeliveries } from './integrations/outgoing-deliveries';
import { WebhooksHandlers } from './integrations/webhooks.handlers';
import { AccountHandlers } from './handlers/account.handlers';
import { ChatAccountService } from './account/account.service';
import { ModerationHandlers } from './handlers/moderation.handlers';
import { ModerationRepository } from './persistence/moderation.repository';
import { ModerationService } from './moderation/moderation.service';
import { ReportsService } from './moderation/reports.service';
import { RedisServerRoles, ServerRoles } from './moderation/server-roles';
import { AuditTrail, BusAuditTrail } from './moderation/audit-trail';
import { ModerationNotices, RedisModerationNotices } from './moderation/moderation-notices';
import { PushRepository } from './persistence/push.repository';
import { PushService } from './push/push.service';
import { PushNotifier } from './push/push-notifier';
import { PushAudience } from './push/push-audience';
import { PushHandlers } from './handlers/push.handlers';
import { DigestRepository } from './persistence/digest.repository';
import { DigestService } from './push/digest.service';
import { DigestNotifier } from './push/digest-notifier';
import { BusDigestMailer, DigestMailer } from './push/digest-mailer';

/** Rooms, membership, messages, read positions, search, uploads' metadata, the bot, moderation, webhooks, Web Push, and room events. */
@Module({
  imports: [DatabaseModule, BotsModule],
  controllers: [
    RoomsHandlers,
    MembersHandlers,
    MessagesHandlers,
    SearchHandlers,
    UploadsHandlers,
    ModerationHandlers,
    WebhooksHandlers,
    AccountHandlers,
    PushHandlers,
  ],
  providers: [
    RoomsRepository,
    MessagesRepository,
    UsersRepository,
    { provide: RoomEventsPublisher, useClass: RedisRoomEventsPublisher },
    { provide: AccessInvalidation, useClass: RedisAccessInvalidation },
    AccessService,
    DomainEvents,
    RoomEventsFanout,
    MessageListeners,
    {
      provide: BOT_OUTPUT_FACTORY,
      inject: [MessagesService, RoomEventsPublisher],
      useFactory: (messages: MessagesService, events: RoomEventsPublisher) =>
        new StoreBotOutputFactory(messagesBotPort(messages), events),
    },
    MessageStore,
    ReadMarks,
    RoomsService,
    MembersService,
    MessagesService,
    SearchRepository,
    SearchService,
    SearchIndexer,
    AttachmentsRepository,
    UploadsService,
    ChatAccountService,
    ModerationRepository,
    { provide: ServerRoles, useClass: RedisServerRoles },
    { provide: AuditTrail, useClass: BusAuditTrail },
    { provide: ModerationNotices, useClass: RedisModerationNotices },
    ModerationService,
    ReportsService,
    PushRepository,
    PushService,
    PushNotifier,
    PushAudience,
    DigestRepository,
    DigestService,
    DigestNotifier,
    { provide: DigestMailer, useClass: BusDigestMailer },
    WebhooksRepository,
    WebhooksService,
    OutgoingDeliveries,
  ],
})
export class ChatModule {}

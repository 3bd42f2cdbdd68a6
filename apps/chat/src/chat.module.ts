import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller';
import { DatabaseModule } from './database/database.module';
import { MessagesRepository } from './persistence/messages.repository';
import { RoomsRepository } from './persistence/rooms.repository';
import { UsersRepository } from './persistence/users.repository';
import { RedisRoomEventsPublisher, RoomEventsPublisher } from './events/room-events.publisher';
import { MessageStore } from './messages/message-store';
import { MessagesService } from './messages/messages.service';
import { RoomsService } from './rooms/rooms.service';
import { ReadMarks } from './rooms/read-marks';
import { SearchRepository } from './persistence/search.repository';
import { SearchService } from './search/search.service';
import { BOT_OUTPUT_FACTORY } from './bots/bot';
import { BotsModule } from './bots/bots.module';
import { StoreBotOutputFactory } from './bots/store-bot-output';
import { chatStorePort } from './bots/chat-store-port';
import { AttachmentsRepository } from './persistence/attachments.repository';
import { UploadsService } from './uploads/uploads.service';

/** Rooms, messages, read positions, search, the bot, and room events. */
@Module({
  imports: [DatabaseModule, BotsModule],
  controllers: [ChatController],
  providers: [
    RoomsRepository,
    MessagesRepository,
    UsersRepository,
    { provide: RoomEventsPublisher, useClass: RedisRoomEventsPublisher },
    {
      provide: BOT_OUTPUT_FACTORY,
      inject: [MessageStore, MessagesRepository, RoomEventsPublisher],
      useFactory: (store: MessageStore, messages: MessagesRepository, events: RoomEventsPublisher) =>
        new StoreBotOutputFactory(chatStorePort(store, messages), events),
    },
    MessageStore,
    ReadMarks,
    RoomsService,
    MessagesService,
    SearchRepository,
    SearchService,
    AttachmentsRepository,
    UploadsService,
  ],
})
export class ChatModule {}

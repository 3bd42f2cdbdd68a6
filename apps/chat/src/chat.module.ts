import { Module } from '@nestjs/common';
import { ChatConfig } from '@hihi/config';
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
import { BOT } from './bots/bot';
import { BOTS } from './bots/echo-duck.bot';

/** Rooms, messages, read positions, search, the bot, and room events. */
@Module({
  imports: [DatabaseModule],
  controllers: [ChatController],
  providers: [
    RoomsRepository,
    MessagesRepository,
    UsersRepository,
    { provide: RoomEventsPublisher, useClass: RedisRoomEventsPublisher },
    { provide: BOT, inject: [ChatConfig], useFactory: (config: ChatConfig) => BOTS[config.BOT]() },
    MessageStore,
    ReadMarks,
    RoomsService,
    MessagesService,
    SearchRepository,
    SearchService,
  ],
})
export class ChatModule {}

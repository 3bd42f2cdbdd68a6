import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChatConfig } from '@hihi/config';
import { ChatController } from './chat.controller';
import {
  ChatUsersRepository,
  IndexBuilder,
  MessagesRepository,
  ReadsRepository,
  RoomsRepository,
} from './persistence/repositories';
import {
  ChatUserSchema,
  MESSAGE_MODEL,
  MessageSchema,
  READ_MODEL,
  ReadSchema,
  ROOM_MODEL,
  RoomSchema,
  USER_MODEL,
  PUBLISH_CLAIM_MODEL,
  PublishClaimSchema,
  ROOM_SEQ_MODEL,
  RoomSeqSchema,
} from './persistence/schemas';
import { RedisRoomEventsPublisher, RoomEventsPublisher } from './events/room-events.publisher';
import { MessageStore } from './messages/message-store';
import { MessagesService } from './messages/messages.service';
import { RoomsService } from './rooms/rooms.service';
import { BOT } from './bots/bot';
import { BOTS } from './bots/echo-duck.bot';

/** Rooms, messages, read positions, the bot, and room events. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ROOM_MODEL, schema: RoomSchema },
      { name: MESSAGE_MODEL, schema: MessageSchema },
      { name: READ_MODEL, schema: ReadSchema },
      { name: USER_MODEL, schema: ChatUserSchema },
      { name: PUBLISH_CLAIM_MODEL, schema: PublishClaimSchema },
      { name: ROOM_SEQ_MODEL, schema: RoomSeqSchema },
    ]),
  ],
  controllers: [ChatController],
  providers: [
    RoomsRepository,
    MessagesRepository,
    ReadsRepository,
    ChatUsersRepository,
    IndexBuilder,
    { provide: RoomEventsPublisher, useClass: RedisRoomEventsPublisher },
    { provide: BOT, inject: [ChatConfig], useFactory: (config: ChatConfig) => BOTS[config.BOT]() },
    MessageStore,
    RoomsService,
    MessagesService,
  ],
})
export class ChatModule {}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { BotRunner } from '../bots/runner/bot-runner';
import { RoomsService } from '../rooms/rooms.service';
import { DomainEvents } from './domain-events';

/**
 * What follows a new message, off the send path: the bot's job (queued once per message, never
 * for a bot's own), and the mentioned members' counts (room:updated to their own sockets).
 */
@Injectable()
export class MessageListeners implements OnModuleInit {
  constructor(
    private readonly domain: DomainEvents,
    private readonly bots: BotRunner,
    private readonly rooms: RoomsService,
  ) {}

  onModuleInit(): void {
    this.domain.on('message.created', ({ message, room, created }) => {
      // never for bots, bot accounts or integrations: automated writers do not set each other off
      if (created && !message.sender.bot) void this.bots.enqueue({ id: room.id, kind: room.kind }, message);
    });
    this.domain.on('message.created', ({ message, actor, created, mentions }) => {
      if (created && mentions.length) void this.rooms.tellMentioned(message.roomId, mentions, actor.id);
    });
  }
}

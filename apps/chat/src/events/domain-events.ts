import { Injectable, Logger } from '@nestjs/common';
import { Message, PublicUser, RoomRemovedReason, RoomRole } from '@hihi/contracts';
import type { Actor } from '../access/actor';
import type { RoomFacts } from '../access/policy';

/**
 * Chat's typed in-process domain events: the write services (MessagesService, RoomsService,
 * MembersService) emit them after the commit; fan-out (RoomEventsFanout), the bots (BotRunner),
 * mentions and whatever comes next (moderation, notifications, integrations) subscribe, instead
 * of the services calling each of them.
 */
export interface DomainEventMap {
  /** a new message was stored (`created`: not a retry of an earlier one) */
  'message.created': { message: Message; room: RoomFacts; actor: Actor; created: boolean; mentions: string[] };
  /** a message was edited, deleted or reacted to */
  'message.changed': { message: Message; actor: Actor };
  'member.added': { roomId: string; user: PublicUser; role: RoomRole; by?: Actor; change: 'joined' };
  'member.removed': { roomId: string; user: PublicUser; role: RoomRole; reason: RoomRemovedReason; by?: Actor };
  'member.role': { roomId: string; user: PublicUser; role: RoomRole; by: Actor };
  /** a member was muted (`mutedUntil`: ISO-8601 UTC, null until lifted) or unmuted (`mutedUntil` undefined) */
  'member.muted': { roomId: string; user: PublicUser; role: RoomRole; mutedUntil?: string | null; by: Actor };
  /** a room's settings changed (name, topic, archive, slow mode, post policy) */
  'room.updated': { roomId: string; by: Actor };
}
export type DomainEventName = keyof DomainEventMap;
export type DomainListener<E extends DomainEventName> = (event: DomainEventMap[E]) => Promise<void> | void;

@Injectable()
export class DomainEvents {
  private readonly logger = new Logger('DomainEvents');
  private readonly listeners: { [E in DomainEventName]?: DomainListener<E>[] } = {};

  on<E extends DomainEventName>(name: E, listener: DomainListener<E>): void {
    const list = (this.listeners[name] ??= []) as DomainListener<E>[];
    list.push(listener);
  }

  /**
   * Run every listener; resolves when all have (a listener's failure is logged, never thrown:
   * the change is committed already). Await it where what listeners do must precede the answer
   * (fan-out of a removal), or `void` it where it must not delay the answer (bots).
   */
  async emit<E extends DomainEventName>(name: E, event: DomainEventMap[E]): Promise<void> {
    const list = (this.listeners[name] ?? []) as DomainListener<E>[];
    await Promise.all(
      list.map(async (listener) => {
        try {
          await listener(event);
        } catch (err) {
          this.logger.warn(`a ${name} listener failed: ${(err as Error).message}`);
        }
      }),
    );
  }
}

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { RoomMemberEvent } from '@hihi/contracts';
import { RoomsRepository } from '../persistence/rooms.repository';
import { toRoom } from '../rooms/rooms.service';
import { DomainEvents } from './domain-events';
import { RoomEventsPublisher } from './room-events.publisher';

/** Views published per statement when a settings change tells every member. */
const VIEW_CHUNK = 500;

/**
 * Domain events → room events for the gateways (the one RoomEventsPublisher). Membership
 * changes: `room:removed` to the person first (every gateway takes their sockets out of the
 * room and drops its events for them), then `room:member` to the room; someone added gets the
 * room on `room:updated` to their own sockets (it joins their list). A settings change tells
 * each member their own view of the room.
 */
@Injectable()
export class RoomEventsFanout implements OnModuleInit {
  private readonly logger = new Logger('RoomEventsFanout');

  constructor(
    private readonly domain: DomainEvents,
    private readonly events: RoomEventsPublisher,
    private readonly rooms: RoomsRepository,
  ) {}

  onModuleInit(): void {
    this.domain.on('member.added', async ({ roomId, user, role }) => {
      await this.member({ roomId, user, change: 'joined', role });
      await this.tellViewer(roomId, user.id);
    });
    this.domain.on('member.removed', async ({ roomId, user, role, reason }) => {
      await this.events.publish({ type: 'room:removed', roomId, userId: user.id, reason });
      await this.member({ roomId, user, change: reason === 'left' ? 'left' : 'removed', role });
    });
    this.domain.on('member.role', async ({ roomId, user, role }) => {
      await this.member({ roomId, user, change: 'role', role });
      await this.tellViewer(roomId, user.id);
    });
    this.domain.on('member.muted', async ({ roomId, user, role, mutedUntil }) => {
      await this.member(
        mutedUntil === undefined
          ? { roomId, user, change: 'unmuted', role }
          : { roomId, user, change: 'muted', role, mutedUntil },
      );
    });
    this.domain.on('room.updated', async ({ roomId }) => {
      const views = await this.rooms.viewsOfMembers(roomId);
      for (let i = 0; i < views.length; i += VIEW_CHUNK) {
        await Promise.all(
          views
            .slice(i, i + VIEW_CHUNK)
            .map((v) => this.events.publish({ type: 'room:updated', roomId, room: toRoom(v), userIds: [v.user_id] })),
        );
      }
    });
  }

  private member(member: RoomMemberEvent): Promise<void> {
    return this.events.publish({ type: 'room:member', roomId: member.roomId, member });
  }

  private async tellViewer(roomId: string, userId: string): Promise<void> {
    const row = await this.rooms.view(roomId, userId);
    if (row) await this.events.publish({ type: 'room:updated', roomId, room: toRoom(row), userIds: [userId] });
    else this.logger.warn(`room ${roomId} is gone; ${userId} not told`);
  }
}

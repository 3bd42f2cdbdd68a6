import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Server as IoServer } from 'socket.io';
import { GatewayConfig } from '@hihi/config';
import {
  ClientToServerEvents,
  moderationChannel,
  ModerationReportsNotice,
  SERVER_EVENTS,
  ServerToClientEvents,
} from '@hihi/contracts';
import { createRedis, RedisClient } from '@hihi/common/redis';
import { ServerRolesService } from '../roles/server-roles.service';
import { userRoom } from './room-removals';

type Server = IoServer<ClientToServerEvents, ServerToClientEvents>;

/**
 * The moderators' live badge (SPEC §8): chat publishes a notice whenever a room's open reports
 * change (apps/chat/src/moderation/moderation-notices.ts); every gateway hears it (one plain
 * channel — reports are rare) and sends `moderation:reports {openCount, roomId}` to its own
 * sockets of the people concerned: server moderators and above (the count of every public and
 * private room), and the room's owners and moderators (their own count). Local sockets only:
 * each gateway serves its own, so nobody gets it twice.
 */
@Injectable()
export class ModerationBadge implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ModerationBadge');
  private sub?: RedisClient;
  private server?: Server;

  constructor(
    private readonly config: GatewayConfig,
    private readonly roles: ServerRolesService,
  ) {}

  onModuleInit(): void {
    const channel = moderationChannel(this.config.REDIS_PREFIX);
    this.sub = createRedis(this.config.REDIS_URL, { name: 'gateway-moderation', maxRetriesPerRequest: null });
    this.sub.on('error', () => undefined);
    this.sub.on('message', (ch: string, raw: string) => {
      if (ch === channel) this.onNotice(raw);
    });
    this.sub.subscribe(channel).catch((err: Error) => this.logger.warn(`subscribe failed: ${err.message}`));
  }

  attach(server: Server): void {
    this.server = server;
  }

  onApplicationShutdown(): void {
    this.sub?.disconnect();
  }

  private onNotice(raw: string): void {
    let notice: ModerationReportsNotice;
    try {
      notice = JSON.parse(raw) as ModerationReportsNotice;
    } catch {
      this.logger.warn('dropped a malformed moderation notice');
      return;
    }
    if (typeof notice?.roomId !== 'string' || !Array.isArray(notice.roomStaff)) return;
    const server = this.server;
    if (!server) return;
    const staff = new Set(this.roles.staff());
    for (const userId of staff) {
      server.local.to(userRoom(userId)).emit(SERVER_EVENTS.moderationReports, {
        roomId: notice.roomId,
        openCount: notice.staffOpenCount,
      });
    }
    for (const s of notice.roomStaff) {
      if (typeof s?.userId !== 'string' || staff.has(s.userId)) continue;
      server.local.to(userRoom(s.userId)).emit(SERVER_EVENTS.moderationReports, {
        roomId: notice.roomId,
        openCount: s.openCount,
      });
    }
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BusResult, DirectoryPage, OpenDmReply, ProvisionReply, Room, RoomReadReply } from '@hihi/contracts';
import { Handles, ok, openActorRequest } from '@hihi/common/bus';
import { RoomsService } from '../rooms/rooms.service';
import { openCommand } from './open';

/**
 * Chat's bus handlers of rooms (one controller per domain: rooms, members, messages, search,
 * uploads). Thin: open the envelope (openCommand: the one validation pipeline, the caller as an
 * Actor), call the service. Errors are thrown as BusError; the global BusExceptionFilter answers
 * `{ok:false, error}`.
 */
@Controller()
export class RoomsHandlers {
  constructor(private readonly rooms: RoomsService) {}

  @Handles('roomsList')
  async list(@Payload() env: unknown): Promise<BusResult<Room[]>> {
    const { actor } = openCommand('roomsList', env);
    return ok(await this.rooms.list(actor));
  }

  @Handles('roomCreate')
  async create(@Payload() env: unknown): Promise<BusResult<Room>> {
    const { actor, data } = openCommand('roomCreate', env);
    return ok(await this.rooms.create(actor, data.name, data.kind, data.topic));
  }

  @Handles('roomDirectory')
  async directory(@Payload() env: unknown): Promise<BusResult<DirectoryPage>> {
    const { actor, data } = openCommand('roomDirectory', env);
    return ok(await this.rooms.directory(actor, data));
  }

  @Handles('roomUpdate')
  async update(@Payload() env: unknown): Promise<BusResult<Room>> {
    const { actor, data } = openCommand('roomUpdate', env);
    const { roomId, ...body } = data;
    return ok(await this.rooms.update(actor, roomId, body));
  }

  @Handles('dmOpen')
  async openDm(@Payload() env: unknown): Promise<BusResult<OpenDmReply>> {
    const { actor, data } = openCommand('dmOpen', env);
    return ok(await this.rooms.openDm(actor, data.usernames ?? (data.username ? [data.username] : [])));
  }

  @Handles('roomRead')
  async read(@Payload() env: unknown): Promise<BusResult<RoomReadReply>> {
    const { actor, data } = openCommand('roomRead', env);
    return ok({ room: await this.rooms.markRead(actor, data.roomId, data.seq) });
  }

  @Handles('chatProvision')
  async provision(@Payload() env: unknown): Promise<BusResult<ProvisionReply>> {
    const { actor } = openActorRequest('chatProvision', env);
    return ok({ room: await this.rooms.provision(actor) });
  }
}

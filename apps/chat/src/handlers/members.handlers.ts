import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BusResult, MembersPage, NoData, Room, RoomMember } from '@hihi/contracts';
import { Handles, ok } from '@hihi/common/bus';
import { MembersService } from '../rooms/members.service';
import { openCommand } from './open';

/** Chat's bus handlers of membership and room roles (SPEC §7). */
@Controller()
export class MembersHandlers {
  constructor(private readonly members: MembersService) {}

  @Handles('memberJoin')
  async join(@Payload() env: unknown): Promise<BusResult<Room>> {
    const { actor, data } = openCommand('memberJoin', env);
    return ok(await this.members.join(actor, data.roomId));
  }

  @Handles('memberLeave')
  async leave(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openCommand('memberLeave', env);
    await this.members.leave(actor, data.roomId);
    return ok({});
  }

  @Handles('membersList')
  async list(@Payload() env: unknown): Promise<BusResult<MembersPage>> {
    const { actor, data } = openCommand('membersList', env);
    const { roomId, ...q } = data;
    return ok(await this.members.list(actor, roomId, q));
  }

  @Handles('memberAdd')
  async add(@Payload() env: unknown): Promise<BusResult<RoomMember>> {
    const { actor, data } = openCommand('memberAdd', env);
    return ok(await this.members.add(actor, data.roomId, data.username));
  }

  @Handles('memberRemove')
  async remove(@Payload() env: unknown): Promise<BusResult<NoData>> {
    const { actor, data } = openCommand('memberRemove', env);
    await this.members.remove(actor, data.roomId, data.userId);
    return ok({});
  }

  @Handles('memberRole')
  async role(@Payload() env: unknown): Promise<BusResult<RoomMember>> {
    const { actor, data } = openCommand('memberRole', env);
    return ok(await this.members.setRole(actor, data.roomId, data.userId, data.role));
  }
}

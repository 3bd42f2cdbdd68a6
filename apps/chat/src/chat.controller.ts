import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  BusResult,
  HistoryPage,
  JoinReply,
  MessageChangeAck,
  MessageSendAck,
  OpenDmReply,
  ProvisionReply,
  Room,
  RoomReadReply,
  SearchReply,
  Attachment,
  UploadOpenReply,
  UploadsSweepReply,
} from '@hihi/contracts';
import { Handles, ok, openActorRequest, openRequest } from '@hihi/common/bus';
import { RoomsService } from './rooms/rooms.service';
import { MessagesService } from './messages/messages.service';
import { SearchService } from './search/search.service';
import { UploadsService } from './uploads/uploads.service';

/**
 * Chat's bus handlers: thin, one per command of the protocol table (`@Handles` listens on the
 * command's pattern and checks the answer's type). Each opens the envelope through the one
 * validation pipeline (`openActorRequest`: the caller with ActorDto, the data with the
 * command's DTO from COMMAND_DTOS) and calls a service. Errors are thrown as BusError; the
 * global BusExceptionFilter answers `{ok:false, error}`.
 */
@Controller()
export class ChatController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly messages: MessagesService,
    private readonly searcher: SearchService,
    private readonly uploads: UploadsService,
  ) {}

  @Handles('roomsList')
  async listRooms(@Payload() env: unknown): Promise<BusResult<Room[]>> {
    const { actor } = openActorRequest('roomsList', env);
    return ok(await this.rooms.list(actor));
  }

  @Handles('roomCreate')
  async createRoom(@Payload() env: unknown): Promise<BusResult<Room>> {
    const { actor, data } = openActorRequest('roomCreate', env);
    return ok(await this.rooms.create(actor, data.name));
  }

  @Handles('dmOpen')
  async openDm(@Payload() env: unknown): Promise<BusResult<OpenDmReply>> {
    const { actor, data } = openActorRequest('dmOpen', env);
    return ok(await this.rooms.openDm(actor, data.username));
  }

  @Handles('history')
  async history(@Payload() env: unknown): Promise<BusResult<HistoryPage>> {
    const { actor, data } = openActorRequest('history', env);
    const { roomId, ...q } = data;
    return ok(await this.messages.history(actor, roomId, q));
  }

  @Handles('roomJoin')
  async join(@Payload() env: unknown): Promise<BusResult<JoinReply>> {
    const { actor, data } = openActorRequest('roomJoin', env);
    return ok(await this.messages.join(actor, data.roomId, data.sinceSeq));
  }

  @Handles('messageSend')
  async send(@Payload() env: unknown): Promise<BusResult<MessageSendAck>> {
    const { actor, data } = openActorRequest('messageSend', env);
    return ok({
      message: await this.messages.send(actor, data.roomId, data.text, data.clientMsgId, {
        replyTo: data.replyTo,
        attachments: data.attachments,
      }),
    });
  }

  @Handles('messageEdit')
  async edit(@Payload() env: unknown): Promise<BusResult<MessageChangeAck>> {
    const { actor, data } = openActorRequest('messageEdit', env);
    return ok({ message: await this.messages.edit(actor, data.roomId, data.messageId, data.text) });
  }

  @Handles('messageDelete')
  async remove(@Payload() env: unknown): Promise<BusResult<MessageChangeAck>> {
    const { actor, data } = openActorRequest('messageDelete', env);
    return ok({ message: await this.messages.remove(actor, data.roomId, data.messageId) });
  }

  @Handles('messageReact')
  async react(@Payload() env: unknown): Promise<BusResult<MessageChangeAck>> {
    const { actor, data } = openActorRequest('messageReact', env);
    return ok({ message: await this.messages.react(actor, data.roomId, data.messageId, data.emoji, data.on) });
  }

  @Handles('chatProvision')
  async provision(@Payload() env: unknown): Promise<BusResult<ProvisionReply>> {
    const { actor } = openActorRequest('chatProvision', env);
    return ok({ room: await this.rooms.provision(actor) });
  }

  @Handles('roomRead')
  async read(@Payload() env: unknown): Promise<BusResult<RoomReadReply>> {
    const { actor, data } = openActorRequest('roomRead', env);
    return ok({ room: await this.rooms.markRead(actor, data.roomId, data.seq) });
  }

  @Handles('search')
  async search(@Payload() env: unknown): Promise<BusResult<SearchReply>> {
    const { actor, data } = openActorRequest('search', env);
    return ok(await this.searcher.search(actor, data));
  }

  @Handles('uploadCreate')
  async uploadCreate(@Payload() env: unknown): Promise<BusResult<Attachment>> {
    const { actor, data } = openActorRequest('uploadCreate', env);
    return ok(await this.uploads.create(actor, data));
  }

  @Handles('uploadOpen')
  async uploadOpen(@Payload() env: unknown): Promise<BusResult<UploadOpenReply>> {
    const { actor, data } = openActorRequest('uploadOpen', env);
    return ok(await this.uploads.open(actor, data.id));
  }

  /** From a gateway's periodic sweep: no caller. */
  @Handles('uploadsSweep')
  async uploadsSweep(@Payload() env: unknown): Promise<BusResult<UploadsSweepReply>> {
    const { data } = openRequest('uploadsSweep', env, { actor: 'optional' });
    return ok({ storageKeys: await this.uploads.sweep(data.olderThanSec) });
  }
}

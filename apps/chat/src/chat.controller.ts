import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  BusResult,
  CHAT_PATTERNS,
  HistoryPage,
  JoinReply,
  MessageChangeAck,
  MessageSendAck,
  OpenDmReply,
  PublicUser,
  Room,
  RoomReadReply,
} from '@hihi/contracts';
import { BusError, ok } from '@hihi/common';
import {
  ActorDto,
  CreateRoomDto,
  EmptyDto,
  HistoryRequestDto,
  MessageDeleteDto,
  MessageEditDto,
  MessageReactDto,
  MessageSendDto,
  OpenDmDto,
  RoomJoinDto,
  RoomReadDto,
  validatePayload,
} from '@hihi/dto';
import { RoomsService } from './rooms/rooms.service';
import { MessagesService } from './messages/messages.service';

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

/**
 * Chat's bus handlers: thin. Each validates the envelope (actor and data, with the same DTO
 * classes the gateway uses), keeps the users projection current, and calls a service.
 * Errors are thrown as BusError; the global BusExceptionFilter answers `{ok:false, error}`.
 */
@Controller()
export class ChatController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly messages: MessagesService,
  ) {}

  private async open<T extends object>(envelope: unknown, cls: new () => T): Promise<{ actor: PublicUser; data: T }> {
    if (typeof envelope !== 'object' || envelope === null) throw new BusError('validation', 'malformed request');
    const env = envelope as { actor?: unknown; data?: unknown };
    const actor = validatePayload(ActorDto, env.actor);
    if (!actor.ok) throw new BusError('unauthorized', 'no authenticated caller');
    // a DTO without fields would be refused by forbidUnknownValues: "no data" only needs an object
    const data =
      cls === EmptyDto
        ? isEmptyObject(env.data ?? {})
          ? { ok: true as const, value: {} as T }
          : { ok: false as const, message: 'this request takes no data' }
        : validatePayload(cls, env.data ?? {});
    if (!data.ok) throw new BusError('validation', data.message);
    return { actor: actor.value, data: data.value };
  }

  @MessagePattern(CHAT_PATTERNS.listRooms)
  async listRooms(@Payload() env: unknown): Promise<BusResult<Room[]>> {
    const { actor } = await this.open(env, EmptyDto);
    return ok(await this.rooms.list(actor));
  }

  @MessagePattern(CHAT_PATTERNS.createRoom)
  async createRoom(@Payload() env: unknown): Promise<BusResult<Room>> {
    const { actor, data } = await this.open(env, CreateRoomDto);
    return ok(await this.rooms.create(actor, data.name));
  }

  @MessagePattern(CHAT_PATTERNS.openDm)
  async openDm(@Payload() env: unknown): Promise<BusResult<OpenDmReply>> {
    const { actor, data } = await this.open(env, OpenDmDto);
    return ok(await this.rooms.openDm(actor, data.username));
  }

  @MessagePattern(CHAT_PATTERNS.history)
  async history(@Payload() env: unknown): Promise<BusResult<HistoryPage>> {
    const { actor, data } = await this.open(env, HistoryRequestDto);
    const { roomId, ...q } = data;
    return ok(await this.messages.history(actor, roomId, q));
  }

  @MessagePattern(CHAT_PATTERNS.join)
  async join(@Payload() env: unknown): Promise<BusResult<JoinReply>> {
    const { actor, data } = await this.open(env, RoomJoinDto);
    return ok(await this.messages.join(actor, data.roomId, data.sinceSeq));
  }

  @MessagePattern(CHAT_PATTERNS.send)
  async send(@Payload() env: unknown): Promise<BusResult<MessageSendAck>> {
    const { actor, data } = await this.open(env, MessageSendDto);
    return ok({
      message: await this.messages.send(actor, data.roomId, data.text, data.clientMsgId, { replyTo: data.replyTo }),
    });
  }

  @MessagePattern(CHAT_PATTERNS.edit)
  async edit(@Payload() env: unknown): Promise<BusResult<MessageChangeAck>> {
    const { actor, data } = await this.open(env, MessageEditDto);
    return ok({ message: await this.messages.edit(actor, data.roomId, data.messageId, data.text) });
  }

  @MessagePattern(CHAT_PATTERNS.delete)
  async remove(@Payload() env: unknown): Promise<BusResult<MessageChangeAck>> {
    const { actor, data } = await this.open(env, MessageDeleteDto);
    return ok({ message: await this.messages.remove(actor, data.roomId, data.messageId) });
  }

  @MessagePattern(CHAT_PATTERNS.react)
  async react(@Payload() env: unknown): Promise<BusResult<MessageChangeAck>> {
    const { actor, data } = await this.open(env, MessageReactDto);
    return ok({ message: await this.messages.react(actor, data.roomId, data.messageId, data.emoji, data.on) });
  }

  @MessagePattern(CHAT_PATTERNS.provision)
  async provision(@Payload() env: unknown): Promise<BusResult<{ room: Room }>> {
    const { actor } = await this.open(env, EmptyDto);
    return ok({ room: await this.rooms.provision(actor) });
  }

  @MessagePattern(CHAT_PATTERNS.read)
  async read(@Payload() env: unknown): Promise<BusResult<RoomReadReply>> {
    const { actor, data } = await this.open(env, RoomReadDto);
    return ok({ room: await this.rooms.markRead(actor, data.roomId, data.seq) });
  }
}

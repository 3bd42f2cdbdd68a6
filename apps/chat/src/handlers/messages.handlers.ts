import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { BusResult, HistoryPage, JoinReply, MessageChangeAck, MessageSendAck } from '@hihi/contracts';
import { Handles, ok } from '@hihi/common/bus';
import { MessagesService } from '../messages/messages.service';
import { openCommand } from './open';

/** Chat's bus handlers of messages: the socket's room:join catch-up, history, send, edit, delete, react. */
@Controller()
export class MessagesHandlers {
  constructor(private readonly messages: MessagesService) {}

  @Handles('history')
  async history(@Payload() env: unknown): Promise<BusResult<HistoryPage>> {
    const { actor, data } = openCommand('history', env);
    const { roomId, ...q } = data;
    return ok(await this.messages.history(actor, roomId, q));
  }

  @Handles('roomJoin')
  async join(@Payload() env: unknown): Promise<BusResult<JoinReply>> {
    const { actor, data } = openCommand('roomJoin', env);
    return ok(await this.messages.join(actor, data.roomId, data.sinceSeq));
  }

  @Handles('messageSend')
  async send(@Payload() env: unknown): Promise<BusResult<MessageSendAck>> {
    const { actor, data } = openCommand('messageSend', env);
    return ok({
      message: await this.messages.send(actor, data.roomId, data.text, data.clientMsgId, {
        replyTo: data.replyTo,
        attachments: data.attachments,
      }),
    });
  }

  @Handles('messageEdit')
  async edit(@Payload() env: unknown): Promise<BusResult<MessageChangeAck>> {
    const { actor, data } = openCommand('messageEdit', env);
    return ok({ message: await this.messages.edit(actor, data.roomId, data.messageId, data.text) });
  }

  @Handles('messageDelete')
  async remove(@Payload() env: unknown): Promise<BusResult<MessageChangeAck>> {
    const { actor, data, correlationId } = openCommand('messageDelete', env);
    return ok({ message: await this.messages.remove(actor, data.roomId, data.messageId, { correlationId }) });
  }

  @Handles('messageReact')
  async react(@Payload() env: unknown): Promise<BusResult<MessageChangeAck>> {
    const { actor, data } = openCommand('messageReact', env);
    return ok({ message: await this.messages.react(actor, data.roomId, data.messageId, data.emoji, data.on) });
  }
}

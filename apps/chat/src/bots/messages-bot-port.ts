import { MessagesService } from '../messages/messages.service';
import { botActor } from '../access/actor';
import { BotStorePort } from './store-bot-output';

/**
 * The bots' store operations: MessagesService itself, with the bot as the actor — the same
 * write path, access policy, storage and events as a person's send, edit and reaction.
 */
export function messagesBotPort(messages: MessagesService): BotStorePort {
  return {
    send: (roomId, sender, input) =>
      messages.send(botActor(sender), roomId, input.text, input.clientMsgId, { replyTo: input.replyTo }),
    edit: (roomId, messageId, editor, text) => messages.edit(botActor(editor), roomId, messageId, text),
    react: (roomId, messageId, user, emoji, on) => messages.react(botActor(user), roomId, messageId, emoji, on),
    recent: (roomId, beforeSeq, limit) => messages.recent(roomId, beforeSeq, limit),
  };
}

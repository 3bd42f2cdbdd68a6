import { LIMITS } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { MessageStore } from '../messages/message-store';
import { MessagesRepository } from '../persistence/messages.repository';
import { toMessage } from '../persistence/message-rows';
import { BotStorePort } from './store-bot-output';

/**
 * The bots' store operations over the chat's message store (PostgreSQL): the same storage and
 * events as a user's send, edit and reaction, as the bot.
 */
export function chatStorePort(store: MessageStore, messages: MessagesRepository): BotStorePort {
  return {
    send: async (roomId, sender, input) =>
      (
        await store.send(roomId, {
          senderId: sender.id,
          senderUsername: sender.username,
          senderDisplayName: sender.displayName,
          senderBot: sender.bot,
          clientMsgId: input.clientMsgId,
          text: input.text,
          replyTo: input.replyTo,
        })
      ).message,
    edit: async (roomId, messageId, editor, text) => {
      const row = await messages.findById(roomId, messageId);
      if (!row || row.deleted) throw new BusError('not_found', 'no such message in this room');
      if (row.sender_id !== editor.id) throw new BusError('forbidden', 'a bot edits only its own messages');
      if (row.text === text) return toMessage(row);
      const updated = await messages.edit(roomId, messageId, row.seq, text, []);
      if (!updated) throw new BusError('not_found', 'no such message in this room');
      const message = toMessage(updated);
      await store.publishChange(message);
      return message;
    },
    react: async (roomId, messageId, user, emoji, on) => {
      const res = await messages.react(roomId, messageId, user.id, emoji, on, LIMITS.reactionsPerMessage);
      if (!res || res === 'full') throw new BusError('not_found', 'cannot react to this message');
      const message = toMessage(res);
      await store.publishChange(message);
      return message;
    },
    recent: async (roomId, beforeSeq, limit) =>
      (await messages.range(roomId, 0, beforeSeq, limit, false)).map(toMessage),
  };
}

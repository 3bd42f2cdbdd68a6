import { DUCK, DUCK_SENDER, Message, MessageSender } from '@hihi/contracts';
import { Bot, BotReply, BotRoom } from './bot';

/** Escape a string for use inside a RegExp. */
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const MENTION = new RegExp(`(^|[^\\p{L}\\p{N}_])(${DUCK.mentions.map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'iu');
const MENTION_ALL = new RegExp(MENTION.source, 'giu');

/**
 * 小黄鸭, the echo duck: in its own rooms it echoes every message; elsewhere it answers only
 * when mentioned (`@duck` / `@小黄鸭`), echoing what was said to it.
 */
export class EchoDuckBot implements Bot {
  readonly name = 'echo-duck';
  readonly sender: MessageSender = { ...DUCK_SENDER };

  greeting(guest: boolean): string {
    return guest ? DUCK.greetingGuest : DUCK.greetingUser;
  }

  static mentions(text: string): boolean {
    return MENTION.test(text);
  }

  async onMessage(room: BotRoom, message: Message): Promise<BotReply[]> {
    if (message.sender.bot) return [];
    if (room.kind === 'bot') return [{ text: message.text }];
    if (!EchoDuckBot.mentions(message.text)) return [];
    const rest = message.text.replace(MENTION_ALL, '$1').replace(/\s+/g, ' ').trim();
    return [{ text: `@${message.sender.displayName} ${rest || '嘎嘎? (quack?)'}` }];
  }
}

/** The bots ChatConfig.BOT may name. */
export const BOTS: Record<string, () => Bot> = {
  'echo-duck': () => new EchoDuckBot(),
};

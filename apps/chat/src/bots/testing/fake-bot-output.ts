import { DUCK_SENDER, Message, MessageSender } from '@hihi/contracts';
import { BotContext, BotOutput, BotReplyOptions, BotRoom } from '../bot';

/** One thing a bot did, in order. */
export type BotAction =
  | { kind: 'reply'; id: string; text: string; replyTo?: string }
  | { kind: 'edit'; id: string; text: string }
  | { kind: 'react'; id: string; emoji: string }
  | { kind: 'typing'; on: boolean };

/** An in-memory BotOutput for tests: records what the bot did, keeps its messages' latest text. */
export class FakeBotOutput implements BotOutput {
  readonly actions: BotAction[] = [];
  readonly texts = new Map<string, string>();
  private n = 0;

  constructor(
    private readonly triggerId = 'm1',
    private readonly sender: MessageSender = { ...DUCK_SENDER },
  ) {}

  async reply(text: string, opts: BotReplyOptions = {}): Promise<Message> {
    const id = `re:${this.triggerId}:${this.n++}`;
    this.actions.push({ kind: 'reply', id, text, ...(opts.replyTo ? { replyTo: opts.replyTo } : {}) });
    this.texts.set(id, text);
    return this.message(id, text);
  }

  async edit(messageId: string, text: string): Promise<Message> {
    this.actions.push({ kind: 'edit', id: messageId, text });
    this.texts.set(messageId, text);
    return this.message(messageId, text);
  }

  async react(messageId: string, emoji: string): Promise<Message> {
    this.actions.push({ kind: 'react', id: messageId, emoji });
    return this.message(messageId, '');
  }

  async typing(on: boolean): Promise<void> {
    this.actions.push({ kind: 'typing', on });
  }

  /** replies and their final text */
  get replies(): { id: string; text: string; replyTo?: string }[] {
    return this.actions
      .filter((a): a is Extract<BotAction, { kind: 'reply' }> => a.kind === 'reply')
      .map((a) => ({ ...a, text: this.texts.get(a.id) ?? a.text }))
      .map(({ kind: _kind, ...rest }) => rest);
  }

  private message(id: string, text: string): Message {
    return { id, roomId: 'r', seq: 0, sender: this.sender, text, createdAt: new Date(0).toISOString() };
  }
}

/** A user's message for tests. */
export function userMessage(text: string, over: Partial<Message> = {}): Message {
  return {
    id: 'm1',
    roomId: 'r',
    seq: 5,
    sender: { id: 'u1', username: 'alice', displayName: 'Alice', bot: false },
    text,
    createdAt: new Date(0).toISOString(),
    ...over,
  };
}

/** A BotContext for tests (recent history from a fixed list). */
export function botContext(room: BotRoom, message: Message, history: Message[] = []): BotContext {
  return {
    room,
    message,
    recent: async (limit: number) => history.slice(-limit),
    signal: new AbortController().signal,
  };
}

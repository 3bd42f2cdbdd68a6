import { BotContext } from './bot';
import { Duck, DUCK_EMPTY_MENTION } from './duck';

/**
 * 小黄鸭 as the seed article built it: it says back what it was told (in its own room every
 * message; elsewhere what was said to it with `@duck` / `@小黄鸭`).
 */
export class EchoDuckBot extends Duck {
  readonly name = 'echo-duck';

  /** The echo: the question itself, or a puzzled quack for a bare mention. */
  static echo(question: string): string {
    return question || DUCK_EMPTY_MENTION;
  }

  protected async answer(question: string, _ctx: BotContext): Promise<string> {
    return EchoDuckBot.echo(question);
  }
}

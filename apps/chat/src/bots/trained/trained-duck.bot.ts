import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { BotContext } from '../bot';
import { Duck } from '../duck';
import { EchoDuckBot } from '../echo-duck.bot';
import { DEFAULT_CORPUS_PATH } from './corpus';
import { DuckBrain } from './duck-brain';
import { readyBrain } from './duck-model';

export interface TrainedDuckOptions {
  /** HIHI_DATA_DIR: the model is kept in <dir>/duck/ */
  dataDir: string;
  corpusPath?: string;
}

/** A stable number from a message id: the same message always gets the same answer. */
function seedOf(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0);
}

/**
 * 小黄鸭 trained on the corpus (BOT=trained-duck, the default): answers what it recognises
 * confidently, in the language it was asked in, and echoes the rest like the seed's duck. Until
 * its model is loaded or trained (in the background, at start) it echoes.
 */
export class TrainedDuckBot extends Duck {
  readonly name: string = 'trained-duck';
  private readonly logger = new Logger('TrainedDuck');
  private brain?: DuckBrain;
  private starting?: Promise<void>;

  constructor(private readonly opts: TrainedDuckOptions) {
    super();
  }

  /** Load or train the model (never throws: on failure the duck keeps echoing, and says why). */
  start(): Promise<void> {
    this.starting ??= readyBrain(this.opts.dataDir, this.opts.corpusPath ?? DEFAULT_CORPUS_PATH).then(
      ({ brain, how, ms }) => {
        this.brain = brain;
        this.logger.log(`model ${how} in ${ms} ms (${brain.corpus.intents.length} intents)`);
      },
      (err: unknown) => this.logger.error(`no model, the duck only echoes: ${(err as Error).message}`),
    );
    return this.starting;
  }

  get ready(): boolean {
    return this.brain !== undefined;
  }

  /** The corpus answer, or undefined when the duck is not sure (or not ready). */
  async know(question: string, seedId: string): Promise<string | undefined> {
    return (await this.brain?.answer(question, seedOf(seedId)))?.text;
  }

  protected async answer(question: string, ctx: BotContext): Promise<string> {
    return (await this.know(question, ctx.message.id)) ?? EchoDuckBot.echo(question);
  }
}

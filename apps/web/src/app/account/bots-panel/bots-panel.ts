import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { BotInfo } from '@hihi/contracts';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { BotsService } from './bots.service';

/** Profile → bots: create (its token shown once), give a new token, delete. */
@Component({
  selector: 'hihi-bots-panel',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './bots-panel.html',
  styleUrl: '../tokens-panel/tokens-panel.css',
})
export class BotsPanel {
  private readonly bots = inject(BotsService);
  protected readonly i18n = inject(I18nService);

  protected readonly list = signal<BotInfo[]>([]);
  /** a token shown once, and whose it is */
  protected readonly shown = signal<{ name: string; token: string } | null>(null);
  protected readonly copied = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected username = '';
  protected displayName = '';

  constructor() {
    void this.reload();
  }

  private async reload(): Promise<void> {
    try {
      this.list.set(await this.bots.list());
    } catch {
      /* shown as empty */
    }
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await fn();
    } catch (err) {
      this.error.set(this.i18n.t('bots.failed', { message: httpErrorMessage(err) ?? String(httpStatus(err)) }));
    } finally {
      this.busy.set(false);
    }
  }

  async create(): Promise<void> {
    const username = this.username.trim();
    const displayName = this.displayName.trim() || username;
    if (!username) return;
    await this.run(async () => {
      const created = await this.bots.create({ username, displayName });
      this.shown.set({ name: created.bot.displayName, token: created.token });
      this.copied.set(false);
      this.username = '';
      this.displayName = '';
      await this.reload();
    });
  }

  async rotate(b: BotInfo): Promise<void> {
    await this.run(async () => {
      const { token } = await this.bots.rotate(b.id);
      this.shown.set({ name: b.displayName, token });
      this.copied.set(false);
    });
  }

  async remove(b: BotInfo): Promise<void> {
    await this.run(async () => {
      await this.bots.remove(b.id);
      await this.reload();
    });
  }

  async copy(): Promise<void> {
    const token = this.shown()?.token;
    if (!token) return;
    try {
      await navigator.clipboard.writeText(token);
      this.copied.set(true);
    } catch {
      /* it stays selectable in its field */
    }
  }
}

import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { IncomingWebhook, OutgoingTrigger, OutgoingWebhook, WebhookDelivery } from '@hihi/contracts';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { WebhooksService } from './webhooks.service';

type TriggerKind = 'all' | 'mention' | 'words';

/**
 * Room settings → integrations, for the room's moderators: incoming webhooks (create — the URL
 * shown once, with a copy button — and delete) and outgoing webhooks (create — the secret shown
 * once — delete, and each hook's delivery log).
 */
@Component({
  selector: 'hihi-room-integrations',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './room-integrations.html',
  styleUrl: './room-integrations.css',
})
export class RoomIntegrations {
  private readonly hooks = inject(WebhooksService);
  protected readonly i18n = inject(I18nService);
  readonly roomId = input.required<string>();

  protected readonly incoming = signal<IncomingWebhook[]>([]);
  protected readonly outgoing = signal<OutgoingWebhook[]>([]);
  /** the secret shown once: an incoming hook's URL or an outgoing hook's signing secret */
  protected readonly shown = signal<{ kind: 'url' | 'secret'; value: string } | null>(null);
  protected readonly copied = signal(false);
  protected readonly logOf = signal<string | null>(null);
  protected readonly log = signal<WebhookDelivery[]>([]);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected hookName = '';
  protected url = '';
  protected trigger: TriggerKind = 'all';
  protected words = '';

  constructor() {
    effect(() => {
      const id = this.roomId();
      untracked(() => {
        this.shown.set(null);
        this.logOf.set(null);
        void this.reload(id);
      });
    });
  }

  private async reload(roomId = this.roomId()): Promise<void> {
    try {
      const [incoming, outgoing] = await Promise.all([this.hooks.incoming(roomId), this.hooks.outgoing(roomId)]);
      this.incoming.set(incoming);
      this.outgoing.set(outgoing);
    } catch {
      this.incoming.set([]);
      this.outgoing.set([]);
    }
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      await fn();
    } catch (err) {
      const status = httpStatus(err);
      this.error.set(
        status === 0
          ? this.i18n.t('error.network')
          : this.i18n.t('hooks.failed', { message: httpErrorMessage(err) ?? String(status) }),
      );
    } finally {
      this.busy.set(false);
    }
  }

  protected triggerLabel(t: OutgoingTrigger): string {
    if (t === 'all') return this.i18n.t('hooks.triggerAll');
    if (t === 'mention') return this.i18n.t('hooks.triggerMention');
    return `${this.i18n.t('hooks.triggerWords')}: ${t.words.join(' ')}`;
  }

  protected time(iso: string): string {
    return new Date(iso).toLocaleString(this.i18n.lang() === 'zh' ? 'zh-CN' : 'en');
  }

  async addIncoming(): Promise<void> {
    const name = this.hookName.trim();
    if (!name) return;
    await this.run(async () => {
      const created = await this.hooks.createIncoming(this.roomId(), name);
      this.shown.set({ kind: 'url', value: created.url });
      this.copied.set(false);
      this.hookName = '';
      await this.reload();
    });
  }

  async addOutgoing(): Promise<void> {
    const url = this.url.trim();
    if (!url) return;
    const trigger: OutgoingTrigger =
      this.trigger === 'words' ? { words: this.words.split(/\s+/).filter(Boolean) } : this.trigger;
    await this.run(async () => {
      const created = await this.hooks.createOutgoing(this.roomId(), url, trigger);
      this.shown.set({ kind: 'secret', value: created.secret });
      this.copied.set(false);
      this.url = '';
      this.words = '';
      await this.reload();
    });
  }

  async removeIncoming(h: IncomingWebhook): Promise<void> {
    await this.run(async () => {
      await this.hooks.deleteIncoming(this.roomId(), h.id);
      await this.reload();
    });
  }

  async removeOutgoing(h: OutgoingWebhook): Promise<void> {
    await this.run(async () => {
      await this.hooks.deleteOutgoing(this.roomId(), h.id);
      if (this.logOf() === h.id) this.logOf.set(null);
      await this.reload();
    });
  }

  async toggleLog(h: OutgoingWebhook): Promise<void> {
    if (this.logOf() === h.id) {
      this.logOf.set(null);
      return;
    }
    // a read: never held back by a write in flight
    try {
      this.log.set((await this.hooks.deliveries(this.roomId(), h.id)).deliveries);
      this.logOf.set(h.id);
    } catch (err) {
      this.error.set(this.i18n.t('hooks.failed', { message: httpErrorMessage(err) ?? String(httpStatus(err)) }));
    }
  }

  async copy(): Promise<void> {
    const v = this.shown()?.value;
    if (!v) return;
    try {
      await navigator.clipboard.writeText(v);
      this.copied.set(true);
    } catch {
      /* it stays selectable in its field */
    }
  }
}

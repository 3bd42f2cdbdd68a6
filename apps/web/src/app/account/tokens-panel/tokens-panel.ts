import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { TOKEN_SCOPES, type TokenInfo, type TokenScope } from '@hihi/contracts';
import { I18nService } from '../../core/i18n/i18n.service';
import { TokensService } from './tokens.service';

/** Expiry choices offered, in days (0: never). */
export const EXPIRY_CHOICES = [30, 90, 365, 0] as const;

/**
 * Profile → access tokens: create one with scopes and an expiry (the token is shown once, with a
 * copy button), list them, revoke them. Text is bound as text only.
 */
@Component({
  selector: 'hihi-tokens-panel',
  imports: [FormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './tokens-panel.html',
  styleUrl: './tokens-panel.css',
})
export class TokensPanel {
  private readonly tokens = inject(TokensService);
  protected readonly i18n = inject(I18nService);
  protected readonly scopes = TOKEN_SCOPES;
  protected readonly expiryChoices = EXPIRY_CHOICES;

  protected readonly list = signal<TokenInfo[]>([]);
  protected readonly created = signal<string | null>(null);
  protected readonly copied = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected name = '';
  protected expiry: number = 90;
  protected readonly chosen = new Set<TokenScope>(['messages:read']);

  constructor() {
    void this.reload();
  }

  private async reload(): Promise<void> {
    try {
      this.list.set(await this.tokens.list());
    } catch {
      /* shown as empty; the interceptor signs out on 401 */
    }
  }

  protected toggle(scope: TokenScope, on: boolean): void {
    if (on) this.chosen.add(scope);
    else this.chosen.delete(scope);
  }

  protected scopeLabel(scope: TokenScope): string {
    return this.i18n.t(`scope.${scope}`);
  }

  protected meta(t: TokenInfo): string {
    const scopes = t.scopes.map((s) => this.scopeLabel(s)).join(', ');
    const base = this.i18n.t('tokens.meta', { scopes, date: this.date(t.createdAt) });
    return t.expiresAt ? `${base} · ${this.i18n.t('tokens.expiresOn', { date: this.date(t.expiresAt) })}` : base;
  }

  protected date(iso: string): string {
    return new Date(iso).toLocaleDateString(this.i18n.lang() === 'zh' ? 'zh-CN' : 'en');
  }

  async create(): Promise<void> {
    const name = this.name.trim();
    if (!name || this.chosen.size === 0) {
      this.error.set(this.i18n.t('tokens.needName'));
      return;
    }
    if (this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    try {
      const res = await this.tokens.create({
        name,
        scopes: this.scopes.filter((s) => this.chosen.has(s)),
        ...(this.expiry > 0 ? { expiresInDays: this.expiry } : {}),
      });
      this.created.set(res.token);
      this.copied.set(false);
      this.name = '';
      await this.reload();
    } catch (err) {
      const message = (err as { error?: { message?: unknown } })?.error?.message;
      this.error.set(this.i18n.t('tokens.failed', { message: typeof message === 'string' ? message : '' }));
    } finally {
      this.busy.set(false);
    }
  }

  async copy(): Promise<void> {
    const token = this.created();
    if (!token) return;
    try {
      await navigator.clipboard.writeText(token);
      this.copied.set(true);
    } catch {
      /* the token stays selectable in its field */
    }
  }

  dismiss(): void {
    this.created.set(null);
  }

  async revoke(t: TokenInfo): Promise<void> {
    try {
      await this.tokens.revoke(t.id);
    } finally {
      await this.reload();
    }
  }
}

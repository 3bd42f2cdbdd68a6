import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import { LIMITS, SearchResult } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { I18nService } from '../../core/i18n/i18n.service';

/** A piece of an excerpt: plain text, or a match to highlight. Rendered as text, never HTML. */
export interface ExcerptPart {
  text: string;
  match: boolean;
}

/** Split an excerpt by its highlight ranges ([start, end) in UTF-16 units, ascending). */
export function excerptParts(excerpt: string, highlights: Array<[number, number]> = []): ExcerptPart[] {
  const parts: ExcerptPart[] = [];
  let at = 0;
  for (const [start, end] of highlights) {
    if (start < at || end <= start || end > excerpt.length) continue;
    if (start > at) parts.push({ text: excerpt.slice(at, start), match: false });
    parts.push({ text: excerpt.slice(start, end), match: true });
    at = end;
  }
  if (at < excerpt.length) parts.push({ text: excerpt.slice(at), match: false });
  return parts;
}

export interface SearchJump {
  roomId: string;
  seq: number;
}

/** The search box: results with room, sender, time and highlighted excerpt; a click jumps to the message. */
@Component({
  selector: 'hihi-search-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './search-panel.html',
  styleUrl: './search-panel.css',
})
export class SearchPanel {
  private readonly api = inject(ChatApiService);
  protected readonly i18n = inject(I18nService);
  protected readonly maxLength = LIMITS.searchQueryMax;

  readonly jump = output<SearchJump>();

  protected readonly query = signal('');
  protected readonly results = signal<SearchResult[] | null>(null);
  protected readonly nextCursor = signal<string | undefined>(undefined);
  protected readonly loading = signal(false);
  protected readonly failed = signal(false);
  protected readonly items = computed(() =>
    (this.results() ?? []).map((r) => ({
      result: r,
      parts: excerptParts(r.excerpt ?? r.message.text, r.excerpt ? r.highlights : []),
      time: new Date(r.message.createdAt).toLocaleString(this.i18n.locale()),
    })),
  );
  private generation = 0;

  protected onInput(event: Event): void {
    this.query.set((event.target as HTMLInputElement).value);
  }

  protected async submit(event?: Event): Promise<void> {
    event?.preventDefault();
    const q = this.query().trim();
    if (!q) return this.clear();
    await this.load(q, undefined);
  }

  protected async more(): Promise<void> {
    const q = this.query().trim();
    if (q && this.nextCursor()) await this.load(q, this.nextCursor());
  }

  protected clear(): void {
    this.generation++;
    this.query.set('');
    this.results.set(null);
    this.nextCursor.set(undefined);
    this.failed.set(false);
    this.loading.set(false);
  }

  protected open(r: SearchResult): void {
    this.jump.emit({ roomId: r.roomId, seq: r.message.seq });
  }

  private async load(q: string, cursor: string | undefined): Promise<void> {
    const gen = ++this.generation;
    this.loading.set(true);
    this.failed.set(false);
    try {
      const reply = await this.api.search({ q, ...(cursor ? { cursor } : {}) });
      if (gen !== this.generation) return;
      this.results.set(cursor ? [...(this.results() ?? []), ...reply.results] : reply.results);
      this.nextCursor.set(reply.nextCursor);
    } catch {
      if (gen === this.generation) this.failed.set(true);
    } finally {
      if (gen === this.generation) this.loading.set(false);
    }
  }
}

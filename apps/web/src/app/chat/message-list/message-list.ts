import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  afterRenderEffect,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import type { Message } from '@hihi/contracts';
import { I18nService } from '../../core/i18n/i18n.service';
import { Avatar } from '../../shared/avatar/avatar';
import type { OutboxItem } from '../outbox.service';

export interface ListItem {
  key: string;
  text: string;
  senderId: string;
  senderName: string;
  senderSeed: string;
  bot: boolean;
  mine: boolean;
  createdAt: string;
  status: 'sent' | 'pending' | 'failed';
  clientMsgId?: string;
  /** same sender as the previous bubble, shortly after: no repeated avatar and name */
  continued: boolean;
  /** first message of a new day */
  day: string | null;
}

const GROUP_MS = 5 * 60_000;
const NEAR_BOTTOM_PX = 48;
const NEAR_TOP_PX = 120;

/** Builds the rows: stored messages by seq, then the outbox (own, not yet stored) in send order. */
export function buildItems(
  messages: readonly Message[],
  pending: readonly OutboxItem[],
  me: { id: string; displayName: string; username: string } | null,
  dayLabel: (iso: string) => string,
): ListItem[] {
  const rows: Omit<ListItem, 'continued' | 'day'>[] = [
    ...messages.map((m) => ({
      key: m.id,
      text: m.text,
      senderId: m.sender.id,
      senderName: m.sender.displayName || m.sender.username,
      senderSeed: m.sender.username,
      bot: m.sender.bot,
      mine: !!me && m.sender.id === me.id,
      createdAt: m.createdAt,
      status: 'sent' as const,
      clientMsgId: m.clientMsgId,
    })),
    ...pending.map((p) => ({
      key: `pending:${p.clientMsgId}`,
      text: p.text,
      senderId: me?.id ?? '',
      senderName: me?.displayName ?? '',
      senderSeed: me?.username ?? '',
      bot: false,
      mine: true,
      createdAt: p.createdAt,
      status: p.status,
      clientMsgId: p.clientMsgId,
    })),
  ];
  let prev: Omit<ListItem, 'continued' | 'day'> | null = null;
  let prevDay = '';
  return rows.map((row) => {
    const day = dayLabel(row.createdAt);
    const newDay = day !== prevDay;
    const continued =
      !!prev &&
      !newDay &&
      prev.senderId === row.senderId &&
      Date.parse(row.createdAt) - Date.parse(prev.createdAt) < GROUP_MS;
    prev = row;
    prevDay = day;
    return { ...row, continued, day: newDay ? day : null };
  });
}

/** Messages of one room: own on the right, others on the left; infinite scroll upwards. */
@Component({
  selector: 'hihi-message-list',
  imports: [Avatar],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './message-list.html',
  styleUrl: './message-list.css',
})
export class MessageList {
  protected readonly i18n = inject(I18nService);

  readonly roomId = input<string | null>(null);
  readonly messages = input<readonly Message[]>([]);
  readonly pending = input<readonly OutboxItem[]>([]);
  readonly me = input<{ id: string; displayName: string; username: string } | null>(null);
  readonly hasMore = input(false);
  readonly loadingOlder = input(false);
  /** no connection: pending messages wait for it */
  readonly offline = input(false);

  readonly loadOlder = output<void>();
  readonly retry = output<string>();

  protected readonly newBelow = signal(false);
  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');

  private readonly timeFormat = computed(
    () => new Intl.DateTimeFormat(this.i18n.locale(), { hour: '2-digit', minute: '2-digit' }),
  );
  private readonly dayFormat = computed(
    () => new Intl.DateTimeFormat(this.i18n.locale(), { month: 'long', day: 'numeric', weekday: 'short' }),
  );

  protected readonly items = computed(() => {
    const fmt = this.dayFormat();
    return buildItems(this.messages(), this.pending(), this.me(), (iso) => fmt.format(new Date(iso)));
  });

  // scroll bookkeeping, kept between renders
  private atBottom = true;
  private lastRoom: string | null | undefined = undefined;
  private firstKey: string | undefined;
  private lastKey: string | undefined;
  private prevHeight = 0;
  private prevTop = 0;

  constructor() {
    afterRenderEffect(() => {
      const items = this.items();
      const room = this.roomId();
      const hasMore = this.hasMore();
      const loading = this.loadingOlder();
      const el = this.scroller().nativeElement;
      const first = items[0]?.key;
      const last = items[items.length - 1]?.key;

      if (room !== this.lastRoom) {
        this.lastRoom = room;
        this.scrollToBottom();
      } else if (first !== this.firstKey && last === this.lastKey && this.prevHeight) {
        // older history was prepended: keep the reader's place
        el.scrollTop = el.scrollHeight - this.prevHeight + this.prevTop;
      } else if (last !== this.lastKey) {
        const own = items[items.length - 1]?.mine && items[items.length - 1]?.status !== 'sent';
        if (this.atBottom || own) this.scrollToBottom();
        else this.newBelow.set(true);
      }
      this.firstKey = first;
      this.lastKey = last;
      this.prevHeight = el.scrollHeight;
      this.prevTop = el.scrollTop;
      // not enough messages to scroll: fetch more so the reader can go back in time
      if (hasMore && !loading && el.scrollHeight > 0 && el.scrollHeight <= el.clientHeight) {
        this.loadOlder.emit();
      }
    });
  }

  protected onScroll(): void {
    const el = this.scroller().nativeElement;
    this.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    this.prevTop = el.scrollTop;
    this.prevHeight = el.scrollHeight;
    if (this.atBottom) this.newBelow.set(false);
    if (el.scrollTop < NEAR_TOP_PX && this.hasMore() && !this.loadingOlder()) this.loadOlder.emit();
  }

  scrollToBottom(): void {
    const el = this.scroller().nativeElement;
    el.scrollTop = el.scrollHeight;
    this.atBottom = true;
    this.newBelow.set(false);
  }

  protected time(iso: string): string {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : this.timeFormat().format(d);
  }
}

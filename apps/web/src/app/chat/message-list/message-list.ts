import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  Injector,
  afterNextRender,
  afterRenderEffect,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { DELETED_USER, isDuckGreeting, type Attachment, type Message } from '@hihi/contracts';
import { I18nService } from '../../core/i18n/i18n.service';
import { Avatar } from '../../shared/avatar/avatar';
import { BotTag } from '../../shared/bot-tag/bot-tag';
import { DuckIcon } from '../../shared/duck-icon/duck-icon';
import { EmojiPicker } from '../emoji-picker/emoji-picker';
import { AttachmentView } from '../attachment/attachment';
import { RichText } from '../format/rich-text';
import { plainText } from '../format/markdown';
import { refocus } from '../../shared/a11y/focus';
import type { OutboxItem } from '../outbox.service';

export interface ReplyView {
  id: string;
  seq: number;
  name: string;
  text: string;
  deleted: boolean;
}

export interface ReactionView {
  emoji: string;
  count: number;
  mine: boolean;
  /** who reacted, by display name where known */
  names: string;
}

export interface ListItem {
  key: string;
  /** stored messages only */
  id?: string;
  seq?: number;
  message?: Message;
  text: string;
  deleted: boolean;
  /** a tombstone a moderator made */
  deletedBy?: 'moderator';
  editedAt?: string;
  replyTo?: ReplyView;
  reactions: ReactionView[];
  attachments: Attachment[];
  /** the "new messages" divider goes above this row */
  divider: boolean;
  senderId: string;
  senderName: string;
  senderSeed: string;
  /** the sender's picture (absent: initials) */
  senderAvatar?: string;
  bot: boolean;
  /** the duck's greeting: shown with the duck's picture, as the seed's chat page does */
  greeting: boolean;
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
const LONG_PRESS_MS = 500;
const FLASH_MS = 1600;
/** live announcements kept in the polite region (older ones are dropped) */
const ANNOUNCE_MAX = 3;
/** characters of a message read out when it arrives */
const ANNOUNCE_CHARS = 200;
/** names listed in a reaction's tooltip before "+N" */
const REACTION_NAMES_MAX = 10;

export interface BuildOptions {
  /** userId → display name, for reaction tooltips */
  names?: Record<string, string>;
  /** seq of the first unread message: the divider goes above the first such message from others */
  unreadFrom?: number | null;
  /** userId → avatar URL learnt since the messages were loaded (`user:updated`; null: removed) */
  avatars?: Record<string, string | null>;
  /** how a deleted account is named (localised "deleted user") */
  deletedName?: string;
}

export interface Announcement {
  key: string;
  text: string;
}

/**
 * What a screen reader should hear for a render: the messages from others that arrived at the
 * end of the timeline since the previous one, in the same room. Nothing on a room's first render
 * (the history on join), for older history loaded above, or for one's own messages.
 */
export function arrivals(
  previous: readonly ListItem[] | null,
  current: readonly ListItem[],
  sameRoom: boolean,
): ListItem[] {
  if (!previous || !sameRoom || !previous.length) return [];
  const lastKey = previous[previous.length - 1].key;
  const known = new Set(previous.map((i) => i.key));
  const at = current.findIndex((i) => i.key === lastKey);
  if (at < 0) return [];
  return current.slice(at + 1).filter((i) => !known.has(i.key) && !i.mine && i.status === 'sent');
}

export interface EditRequest {
  messageId: string;
  text: string;
}
export interface ReactRequest {
  messageId: string;
  emoji: string;
}

/** Builds the rows: stored messages by seq, then the outbox (own, not yet stored) in send order. */
export function buildItems(
  messages: readonly Message[],
  pending: readonly OutboxItem[],
  me: { id: string; displayName: string; username: string } | null,
  dayLabel: (iso: string) => string,
  opts: BuildOptions = {},
): ListItem[] {
  const names = opts.names ?? {};
  const avatars = opts.avatars ?? {};
  const byId = new Map(messages.map((m) => [m.id, m]));
  const reply = (r: Message['replyTo']): ReplyView | undefined => {
    if (!r) return undefined;
    const live = byId.get(r.id); // the original as it is now, when loaded
    const sender = live?.sender ?? r.sender;
    return {
      id: r.id,
      seq: r.seq,
      name: sender?.displayName || sender?.username || '',
      text: live ? live.text : r.text,
      deleted: !!(live ? live.deleted : r.deleted),
    };
  };
  const reactions = (m: Message): ReactionView[] =>
    (m.reactions ?? [])
      .filter((r) => r.count > 0)
      .map((r) => {
        const known = r.userIds.map((id) => names[id]).filter(Boolean);
        const listed = known.slice(0, REACTION_NAMES_MAX);
        const rest = r.count - listed.length;
        return {
          emoji: r.emoji,
          count: r.count,
          mine: !!me && r.userIds.includes(me.id),
          names: rest > 0 ? `${listed.join(', ')}${listed.length ? ' ' : ''}+${rest}` : listed.join(', '),
        };
      });
  let dividerPlaced = opts.unreadFrom == null;
  const rows: Omit<ListItem, 'continued' | 'day'>[] = [
    ...messages.map((m) => {
      const mine = !!me && m.sender.id === me.id;
      const divider = !dividerPlaced && !mine && m.seq >= (opts.unreadFrom ?? Infinity);
      if (divider) dividerPlaced = true;
      return {
        key: m.id,
        id: m.id,
        seq: m.seq,
        message: m,
        text: m.deleted ? '' : m.text,
        deleted: !!m.deleted,
        ...(m.deleted && m.deletedBy ? { deletedBy: m.deletedBy } : {}),
        editedAt: m.editedAt,
        replyTo: reply(m.replyTo),
        reactions: m.deleted ? [] : reactions(m),
        attachments: m.deleted ? [] : (m.attachments ?? []),
        divider,
        senderId: m.sender.id,
        senderName:
          !m.sender.bot && m.sender.username === DELETED_USER.username && opts.deletedName
            ? opts.deletedName
            : m.sender.displayName || m.sender.username,
        senderSeed: m.sender.username,
        senderAvatar: (m.sender.id in avatars ? avatars[m.sender.id] : m.sender.avatarUrl) ?? undefined,
        bot: m.sender.bot,
        greeting: isDuckGreeting(m),
        mine,
        createdAt: m.createdAt,
        status: 'sent' as const,
        clientMsgId: m.clientMsgId,
      };
    }),
    ...pending.map((p) => ({
      key: `pending:${p.clientMsgId}`,
      text: p.text,
      deleted: false,
      replyTo: reply(p.replyTo),
      reactions: [],
      attachments: p.attachments ?? [],
      divider: false,
      senderId: me?.id ?? '',
      senderName: me?.displayName ?? '',
      senderSeed: me?.username ?? '',
      bot: false,
      greeting: false,
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
  imports: [Avatar, BotTag, DuckIcon, RichText, EmojiPicker, AttachmentView],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './message-list.html',
  styleUrl: './message-list.css',
  host: { '(document:pointerdown)': 'onDocumentPointer($event)', '(keydown.escape)': 'onEscape($event)' },
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
  /** userId → display name (reaction tooltips) */
  readonly names = input<Record<string, string>>({});
  /** avatars changed since the messages were loaded (userId → URL, null: removed) */
  readonly avatars = input<Record<string, string | null>>({});
  /** seq of the first unread message (the divider), if any */
  readonly unreadFrom = input<number | null>(null);
  /** may edit, delete, reply and react (not a guest) */
  readonly interactive = input(true);
  /** may delete others' messages (a room moderator or owner, server staff; SPEC §8) */
  readonly moderate = input(false);
  /** may report others' messages (members of public and private rooms) */
  readonly reportable = input(false);

  readonly loadOlder = output<void>();
  readonly retry = output<string>();
  readonly edit = output<EditRequest>();
  readonly remove = output<string>();
  readonly react = output<ReactRequest>();
  readonly reply = output<Message>();
  /** the viewer wants to report this message (the page asks for a reason) */
  readonly report = output<Message>();
  /** go to the message with this seq (loading history as needed) */
  readonly jump = output<number>();

  protected readonly newBelow = signal(false);
  /** the "new messages" divider is above the visible part */
  protected readonly dividerAbove = signal(false);
  /** actions opened by a long press (touch) */
  protected readonly menuKey = signal<string | null>(null);
  protected readonly pickerFor = signal<ListItem | null>(null);
  protected readonly confirmKey = signal<string | null>(null);
  protected readonly editingKey = signal<string | null>(null);
  protected readonly editText = signal('');
  protected readonly flashSeq = signal<number | null>(null);
  private readonly pendingJump = signal<number | null>(null);
  private readonly scroller = viewChild.required<ElementRef<HTMLElement>>('scroller');
  private readonly editBox = viewChild<ElementRef<HTMLTextAreaElement>>('editBox');
  private readonly picker = viewChild(EmojiPicker);
  private readonly injector = inject(Injector);
  /** polite announcements of messages arriving while the room is open */
  protected readonly announcements = signal<Announcement[]>([]);
  private announced: { room: string | null; items: readonly ListItem[] } | null = null;
  /** where the focus goes back to when the reaction picker closes */
  private pickerTrigger: HTMLElement | null = null;
  private pressTimer: ReturnType<typeof setTimeout> | null = null;
  private flashTimer: ReturnType<typeof setTimeout> | null = null;
  private focusedEditor: string | null = null;
  private focusedConfirm: string | null = null;

  private readonly timeFormat = computed(
    () => new Intl.DateTimeFormat(this.i18n.locale(), { hour: '2-digit', minute: '2-digit' }),
  );
  private readonly dayFormat = computed(
    () => new Intl.DateTimeFormat(this.i18n.locale(), { month: 'long', day: 'numeric', weekday: 'short' }),
  );

  protected readonly items = computed(() => {
    const fmt = this.dayFormat();
    return buildItems(this.messages(), this.pending(), this.me(), (iso) => fmt.format(new Date(iso)), {
      names: this.names(),
      unreadFrom: this.unreadFrom(),
      avatars: this.avatars(),
      deletedName: this.i18n.t('account.deletedUser'),
    });
  });
  private readonly editedFormat = computed(
    () => new Intl.DateTimeFormat(this.i18n.locale(), { dateStyle: 'medium', timeStyle: 'short' }),
  );

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
      // a jump asked for by the page once the message is loaded
      const jump = this.pendingJump();
      if (jump !== null) {
        const target = el.querySelector<HTMLElement>(`[data-seq="${jump}"]`);
        if (target) {
          this.pendingJump.set(null);
          target.scrollIntoView?.({ block: 'center' });
          this.flash(jump);
        }
      }
      // the inline editor takes the focus once, when it opens
      const editing = this.editingKey();
      const box = this.editBox()?.nativeElement;
      if (editing && box && this.focusedEditor !== editing) {
        this.focusedEditor = editing;
        box.focus();
        box.setSelectionRange(box.value.length, box.value.length);
      }
      if (!editing) this.focusedEditor = null;
      // the delete confirmation takes the focus (its safe button) when it opens
      const confirming = this.confirmKey();
      if (confirming && this.focusedConfirm !== confirming) {
        this.focusedConfirm = confirming;
        el.querySelector<HTMLElement>(`[data-key="${cssEscape(confirming)}"] .msg__confirm-cancel`)?.focus();
      }
      if (!confirming) this.focusedConfirm = null;
      this.announce(room, items);
      this.updateDivider();
    });
    inject(DestroyRef).onDestroy(() => {
      if (this.pressTimer) clearTimeout(this.pressTimer);
      if (this.flashTimer) clearTimeout(this.flashTimer);
    });
  }

  /** Scrolls to a loaded message and flashes it (after the next render). */
  scrollToSeq(seq: number): void {
    this.pendingJump.set(seq);
  }

  protected jumpToUnread(): void {
    const first = this.items().find((i) => i.divider);
    const seq = first?.seq ?? this.unreadFrom();
    if (seq != null) this.jump.emit(seq);
  }

  protected onPointerDown(event: PointerEvent, item: ListItem): void {
    if (event.pointerType !== 'touch' || item.status !== 'sent' || !this.interactive()) return;
    this.cancelPress();
    this.pressTimer = setTimeout(() => {
      this.pressTimer = null;
      this.menuKey.set(item.key);
    }, LONG_PRESS_MS);
  }

  protected cancelPress(): void {
    if (this.pressTimer) clearTimeout(this.pressTimer);
    this.pressTimer = null;
  }

  protected onDocumentPointer(event: Event): void {
    const target = event.target as Element | null;
    if (this.menuKey() && !target?.closest?.('.msg--menu')) this.menuKey.set(null);
  }

  /** Escape: closes what is open; the focus goes back to the message. */
  protected onEscape(event: Event): void {
    const open = this.pickerFor() ?? this.confirmKey() ?? this.menuKey();
    const key = this.pickerFor()?.key ?? this.confirmKey();
    this.closeMenus();
    if (open && key) {
      event.preventDefault();
      this.focusMessage(key);
    }
  }

  /**
   * Arrow keys in the timeline move between messages (Up/Down, Home/End; from the log itself Up
   * and End go to the newest); Tab then reaches the focused message's actions.
   */
  protected onListKey(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement;
    // a message's toolbar: Left / Right move between its buttons (the toolbar pattern)
    const toolbar = target.closest?.('.msg__actions');
    if (toolbar && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      const buttons = Array.from(toolbar.querySelectorAll<HTMLElement>('button'));
      const at = buttons.indexOf(target);
      const next = buttons[at + (event.key === 'ArrowRight' ? 1 : -1)];
      if (next) {
        event.preventDefault();
        next.focus();
      }
      return;
    }
    if (!['ArrowUp', 'ArrowDown', 'Home', 'End'].includes(event.key)) return;
    const el = this.scroller().nativeElement;
    const onLog = target === el;
    if (!onLog && !target.matches?.('article.msg')) return;
    const rows = Array.from(el.querySelectorAll<HTMLElement>('article.msg'));
    if (!rows.length) return;
    event.preventDefault();
    const at = onLog ? rows.length : rows.indexOf(target);
    let next: number;
    if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = rows.length - 1;
    else if (event.key === 'ArrowUp') next = Math.max(0, at - 1);
    else next = onLog ? rows.length - 1 : Math.min(rows.length - 1, at + 1);
    rows[next].focus();
    if (next === 0 && this.hasMore() && !this.loadingOlder()) this.loadOlder.emit();
  }

  /** Focuses a message's row (after an action on it ends). */
  private focusMessage(key: string): void {
    const row = this.scroller().nativeElement.querySelector<HTMLElement>(`[data-key="${cssEscape(key)}"]`);
    refocus(row);
  }

  closeMenus(): void {
    this.menuKey.set(null);
    this.pickerFor.set(null);
    this.confirmKey.set(null);
  }

  protected openPicker(item: ListItem, event?: Event): void {
    const open = this.pickerFor()?.key === item.key;
    this.pickerTrigger = open ? null : ((event?.currentTarget as HTMLElement | null) ?? null);
    this.pickerFor.set(open ? null : item);
    // the picker takes the focus (also when it is the same one, closed and reopened in one frame)
    if (!open) afterNextRender(() => this.picker()?.focus(), { injector: this.injector });
  }

  /** The reaction picker closed without a pick: the focus goes back to its button. */
  protected closePicker(): void {
    const item = this.pickerFor();
    this.pickerFor.set(null);
    this.returnFromPicker(item);
  }

  protected pickReaction(emoji: string): void {
    const item = this.pickerFor();
    this.pickerFor.set(null);
    this.menuKey.set(null);
    if (item?.id) this.react.emit({ messageId: item.id, emoji });
    this.returnFromPicker(item);
  }

  private returnFromPicker(item: ListItem | null): void {
    const trigger = this.pickerTrigger;
    this.pickerTrigger = null;
    if (!refocus(trigger) && item) this.focusMessage(item.key);
  }

  protected toggleReaction(item: ListItem, emoji: string): void {
    if (item.id && this.interactive()) this.react.emit({ messageId: item.id, emoji });
  }

  protected startReply(item: ListItem): void {
    this.menuKey.set(null);
    if (item.message) this.reply.emit(item.message);
  }

  protected startEdit(item: ListItem): void {
    this.closeMenus();
    this.editText.set(item.text);
    this.editingKey.set(item.key);
  }

  protected cancelEdit(): void {
    const key = this.editingKey();
    this.editingKey.set(null);
    if (key) this.focusMessage(key);
  }

  protected saveEdit(item: ListItem): void {
    const text = this.editText().trim();
    this.editingKey.set(null);
    if (item.id && text && text !== item.text.trim()) this.edit.emit({ messageId: item.id, text });
    this.focusMessage(item.key);
  }

  protected onEditKey(event: KeyboardEvent, item: ListItem): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.cancelEdit();
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.saveEdit(item);
  }

  protected askDelete(item: ListItem): void {
    this.menuKey.set(null);
    this.confirmKey.set(item.key);
  }

  protected cancelDelete(item: ListItem): void {
    this.confirmKey.set(null);
    this.focusMessage(item.key);
  }

  protected confirmDelete(item: ListItem): void {
    this.confirmKey.set(null);
    if (item.id) this.remove.emit(item.id);
    this.focusMessage(item.key);
  }

  protected editedTitle(iso: string): string {
    const d = new Date(iso);
    return this.i18n.t('chat.editedAt', { time: Number.isNaN(d.getTime()) ? iso : this.editedFormat().format(d) });
  }

  protected reactionLabel(r: ReactionView): string {
    const count = this.i18n.t('chat.reactionCount', { emoji: r.emoji, count: r.count });
    return r.names ? `${count}: ${this.i18n.t('chat.reactedBy', { names: r.names, emoji: r.emoji })}` : count;
  }

  /** Puts the messages that just arrived from others into the polite live region. */
  private announce(room: string | null, items: readonly ListItem[]): void {
    const prev = this.announced;
    this.announced = { room, items };
    if (prev?.items === items) return;
    const fresh = arrivals(prev?.items ?? null, items, prev?.room === room);
    if (prev?.room !== room) {
      this.announcements.set([]);
      return;
    }
    if (!fresh.length) return;
    const lines = fresh.map((i) => ({
      key: i.key,
      text: this.i18n.t('chat.announceMessage', {
        name: i.senderName,
        text: Array.from(plainText(i.text)).slice(0, ANNOUNCE_CHARS).join(''),
      }),
    }));
    this.announcements.set([...this.announcements(), ...lines].slice(-ANNOUNCE_MAX));
  }

  private flash(seq: number): void {
    this.flashSeq.set(seq);
    if (this.flashTimer) clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => this.flashSeq.set(null), FLASH_MS);
  }

  private updateDivider(): void {
    const el = this.scroller().nativeElement;
    if (this.unreadFrom() == null) {
      this.dividerAbove.set(false);
      return;
    }
    const divider = el.querySelector<HTMLElement>('.unread-divider');
    if (divider) {
      // above what is shown: offer the jump
      this.dividerAbove.set(divider.offsetTop + divider.offsetHeight < el.scrollTop);
      return;
    }
    // no divider: offer the jump only when the first unread message is further back than what is
    // loaded; otherwise there is nothing from others to jump to (all read, or only one's own)
    const loadedFrom = this.messages()[0]?.seq;
    this.dividerAbove.set(loadedFrom !== undefined && this.hasMore() && this.unreadFrom()! < loadedFrom);
  }

  protected onScroll(): void {
    const el = this.scroller().nativeElement;
    this.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    this.prevTop = el.scrollTop;
    this.prevHeight = el.scrollHeight;
    if (this.atBottom) this.newBelow.set(false);
    this.updateDivider();
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

/** CSS.escape where there is one (not in every test DOM); keys are ids and client UUIDs. */
function cssEscape(value: string): string {
  return typeof CSS !== 'undefined' && typeof CSS.escape === 'function'
    ? CSS.escape(value)
    : value.replace(/["\\]/g, '\\$&');
}

import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  DOCUMENT,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { Title } from '@angular/platform-browser';
import { Router, RouterLink } from '@angular/router';
import { DUCK, type Message, type NotificationLevel, type Room, roleAtLeast } from '@hihi/contracts';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { ReportDialog } from '../report-dialog/report-dialog';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { NotifierService } from '../../core/notify/notifier.service';
import { SocketService } from '../../core/socket/socket.service';
import { Avatar } from '../../shared/avatar/avatar';
import { DuckIcon } from '../../shared/duck-icon/duck-icon';
import { LangToggle } from '../../shared/lang-toggle/lang-toggle';
import { ChatStore, provideChatStore } from '../chat-store.service';
import { Composer } from '../composer/composer';
import { ConnectionBanner } from '../connection-banner/connection-banner';
import { MessageList } from '../message-list/message-list';
import { NewChat } from '../new-chat/new-chat';
import { OnlineList } from '../online-list/online-list';
import { OutboxService } from '../outbox.service';
import { roomLabel } from '../room-label';
import { MembersPanel } from '../members-panel/members-panel';
import { RoomDirectory } from '../room-directory/room-directory';
import { RoomList } from '../room-list/room-list';
import { RoomSettings } from '../room-settings/room-settings';
import { SearchPanel, SearchJump } from '../search-panel/search-panel';

import { APP_TITLE } from '../../app-title';
import type { ReplyTarget } from '../composer/composer';

/** The side panel over the chat: the room directory, the open room's members or its settings. */
export type Panel = 'directory' | 'members' | 'settings';
const MOBILE_QUERY = '(max-width: 860px)';
/** First-strong isolate … pop: a name inside a sentence cannot reorder the sentence (U+202E). */
const isolate = (name: string) => `\u2068${name}\u2069`;

@Component({
  selector: 'hihi-chat-page',
  imports: [
    RouterLink,
    ReportDialog,
    Avatar,
    DuckIcon,
    LangToggle,
    RoomList,
    NewChat,
    OnlineList,
    MessageList,
    Composer,
    ConnectionBanner,
    SearchPanel,
    RoomDirectory,
    MembersPanel,
    RoomSettings,
  ],
  providers: [provideChatStore()],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './chat-page.html',
  styleUrl: './chat-page.css',
  host: { '(document:keydown.escape)': 'onEscape()' },
})
export class ChatPage {
  protected readonly store = inject(ChatStore);
  protected readonly i18n = inject(I18nService);
  private readonly auth = inject(AuthService);
  private readonly outbox = inject(OutboxService);
  private readonly socket = inject(SocketService);
  private readonly router = inject(Router);
  private readonly title = inject(Title);
  private readonly injector = inject(Injector);
  protected readonly notifier = inject(NotifierService);
  private readonly composer = viewChild(Composer);
  private readonly list = viewChild(MessageList);
  private readonly panelTitle = viewChild<ElementRef<HTMLElement>>('panelTitle');
  /** where the focus was when the panel opened (it goes back there on close) */
  private panelOpener: HTMLElement | null = null;
  private readonly menuButton = viewChild<ElementRef<HTMLButtonElement>>('menuButton');
  private readonly drawerClose = viewChild<ElementRef<HTMLButtonElement>>('drawerClose');
  private readonly document = inject(DOCUMENT);

  protected readonly user = this.auth.user;
  /** what moderation says under the composer: muted (why, until when), announcement room, slow mode */
  protected readonly composerNote = computed<string | null>(() => {
    const room = this.store.activeRoom();
    if (!room) return null;
    const mute = this.store.activeMute();
    if (mute) {
      return mute.until
        ? this.i18n.t('mod.youMutedUntil', { time: this.when(mute.until) })
        : this.i18n.t('mod.youMuted');
    }
    const can = this.can();
    if (room.postPolicy === 'moderators' && !can.post && !room.archived) return this.i18n.t('mod.announcement');
    const wait = this.store.activeSlowWait();
    if (wait > 0) return this.i18n.t('mod.slowWait', { seconds: wait });
    if (room.slowModeSec && can.slowed) return this.i18n.t('mod.slowOn', { seconds: room.slowModeSec });
    return null;
  });
  /** the message being reported (the reason dialog is open) */
  protected readonly reporting = signal<Message | null>(null);
  protected readonly reportBusy = signal(false);
  protected readonly reportError = signal<string | null>(null);

  /** moderators (server moderators and above, or anyone with reports to act on) get the queue */
  protected readonly showQueue = computed(() => {
    const me = this.user();
    if (!me || me.guest) return false;
    if (me.role && roleAtLeast(me.role, 'moderator')) return true;
    return (
      this.store.openReports() > 0 ||
      this.store
        .rooms()
        .some((r) => (r.kind === 'public' || r.kind === 'private') && (r.role === 'owner' || r.role === 'moderator'))
    );
  });

  /** server admins and the owner get a link to the admin console */
  protected readonly isAdmin = computed(() => {
    const role = this.user()?.role;
    return !!role && roleAtLeast(role, 'admin');
  });
  protected readonly guest = this.auth.isGuest;
  protected readonly duckName = DUCK.displayName;
  protected readonly drawerOpen = signal(false);
  protected readonly mobile = signal(false);
  /** files are being dragged over the chat */
  protected readonly dropping = signal(false);
  protected readonly panel = signal<Panel | null>(null);
  protected readonly can = this.store.activeAbilities;
  protected readonly panelHeading = computed(() => {
    const panel = this.panel();
    if (panel === 'directory') return this.i18n.t('directory.title');
    if (panel === 'members') return this.i18n.t('members.title', { room: isolate(this.roomTitle()) });
    return this.i18n.t('rooms.settings', { room: isolate(this.roomTitle()) });
  });

  protected readonly roomTitle = computed(() => {
    const room = this.store.activeRoom();
    return room ? roomLabel(room, this.i18n) : this.i18n.t('app.name');
  });
  protected readonly typingText = computed(() => {
    const users = this.store.activeTyping();
    if (!users.length) return '';
    const names = users.map((u) => isolate(u.displayName || u.username));
    return names.length === 1
      ? this.i18n.t('chat.typingOne', { name: names[0] })
      : this.i18n.t('chat.typingMany', { names: names.slice(0, 3).join(', ') });
  });

  /**
   * What a screen reader hears about the rooms not open (politely): a new mention, or a room that
   * had nothing unread and now has. The counts themselves are in the room buttons' names.
   */
  protected readonly roomNews = signal<{ key: string; text: string }[]>([]);
  private roomCounts: Map<string, { unread: number; mentions: number }> | null = null;
  private newsKey = 0;

  protected readonly replyTarget = computed<ReplyTarget | null>(() => {
    const m = this.store.replyingTo();
    return m ? { name: m.sender.displayName || m.sender.username, text: m.text } : null;
  });

  /**
   * The bell: asks for permission (a user gesture), then shows and changes the open room's
   * notification level (all → mentions → none), kept on the server for every device.
   */
  protected readonly bell = computed(() => {
    const permission = this.notifier.permission();
    const room = this.store.activeRoom();
    if (permission === 'denied') return { icon: '🔕', label: this.i18n.t('chat.notifyDenied') };
    if (permission !== 'granted') return { icon: '🔔', label: this.i18n.t('chat.notifyEnable') };
    const level = room ? this.store.notificationLevel(room) : 'all';
    const icon = level === 'none' ? '🔕' : level === 'mentions' ? '@' : '🔔';
    return { icon, label: this.i18n.t('notify.levelLabel', { level: this.i18n.t(`notify.level.${level}`) }) };
  });

  constructor() {
    // replying: the cursor goes to the composer
    effect(() => {
      if (this.store.replyingTo()) untracked(() => this.composer()?.focus());
    });
    const media = globalThis.matchMedia?.(MOBILE_QUERY);
    if (media) {
      this.mobile.set(media.matches);
      const onChange = (e: MediaQueryListEvent) => this.mobile.set(e.matches);
      media.addEventListener?.('change', onChange);
      inject(DestroyRef).onDestroy(() => media.removeEventListener?.('change', onChange));
    }
    effect(() => {
      const unread = this.store.totalUnread();
      this.title.setTitle(unread > 0 ? `(${unread}) ${APP_TITLE}` : APP_TITLE);
    });
    inject(DestroyRef).onDestroy(() => this.title.setTitle(APP_TITLE));
    // a panel about the open room closes when the room no longer offers it (another room, a removal)
    effect(() => {
      const panel = this.panel();
      const can = this.can();
      if ((panel === 'members' && !can.members) || (panel === 'settings' && !can.edit && !can.archive)) {
        untracked(() => this.panel.set(null));
      }
    });
    effect(() => {
      const rooms = this.store.rooms();
      const active = this.store.activeRoomId();
      untracked(() => this.noteRoomNews(rooms, active));
    });
    // the phone drawer: the focus goes into it when it opens and back to the menu button after
    let wasOpen = false;
    effect(() => {
      const open = this.drawerOpen() && this.mobile();
      if (open === wasOpen) return;
      wasOpen = open;
      afterNextRender(
        () => {
          if (open) this.drawerClose()?.nativeElement.focus();
          else if (this.document.activeElement === this.document.body || !this.document.activeElement)
            this.menuButton()?.nativeElement.focus();
        },
        { injector: this.injector },
      );
    });
    void this.store.start();
  }

  protected openPanel(panel: Panel): void {
    if (this.panel() === panel) {
      this.closePanel();
      return;
    }
    const active = globalThis.document?.activeElement;
    this.panelOpener ??= active instanceof HTMLElement ? active : null;
    this.drawerOpen.set(false);
    this.panel.set(panel);
    // the directory puts the cursor in its search field; the others start at their heading
    if (panel !== 'directory') setTimeout(() => this.panelTitle()?.nativeElement.focus(), 0);
  }

  protected closePanel(): void {
    this.panel.set(null);
    const opener = this.panelOpener;
    this.panelOpener = null;
    if (opener?.isConnected) opener.focus();
  }

  protected onEscape(): void {
    if (this.panel()) this.closePanel();
    else this.closeDrawer();
  }

  protected onDirectoryOpened(): void {
    this.panelOpener = null;
    this.panel.set(null);
  }

  /** A skip link: the focus goes to the composer or the timeline (no router navigation). */
  protected skipTo(event: Event, where: 'composer' | 'messages'): void {
    event.preventDefault();
    this.drawerOpen.set(false);
    if (where === 'composer') this.composer()?.focus();
    else this.document.getElementById('message-log')?.focus();
  }

  /** A room or DM was created or opened from the sidebar: write in it. */
  protected onOpened(): void {
    this.drawerOpen.set(false);
    afterNextRender(() => this.composer()?.focus(), { injector: this.injector });
  }

  protected closeDrawer(): void {
    if (!this.drawerOpen()) return;
    this.drawerOpen.set(false);
    afterNextRender(() => this.menuButton()?.nativeElement.focus(), { injector: this.injector });
  }

  private noteRoomNews(rooms: readonly Room[], active: string | null): void {
    const before = this.roomCounts;
    this.roomCounts = new Map(rooms.map((r) => [r.id, { unread: r.unread, mentions: r.mentions ?? 0 }]));
    if (!before) return;
    const lines: { key: string; text: string }[] = [];
    for (const room of rooms) {
      const was = before.get(room.id);
      if (!was || room.id === active) continue;
      const name = roomLabel(room, this.i18n);
      if ((room.mentions ?? 0) > was.mentions)
        lines.push({ key: `n${this.newsKey++}`, text: this.i18n.t('a11y.mentionIn', { room: name }) });
      else if (room.unread > 0 && was.unread === 0)
        lines.push({
          key: `n${this.newsKey++}`,
          text: this.i18n.t('a11y.unreadIn', { room: name, count: room.unread }),
        });
    }
    if (lines.length) this.roomNews.set([...this.roomNews(), ...lines].slice(-3));
  }

  protected selectRoom(roomId: string): void {
    this.drawerOpen.set(false);
    void this.store.selectRoom(roomId);
  }

  protected async onBell(): Promise<void> {
    const permission = this.notifier.permission();
    if (permission === 'default') await this.notifier.request();
    else if (permission === 'granted') {
      const room = this.store.activeRoom();
      if (room) await this.store.setNotifications(room.id, nextLevel(this.store.notificationLevel(room)));
    }
  }

  /** Goes to a message (a reply's original, the first unread), loading older history as needed. */
  /** A search result: open its room and jump to the message. */
  protected async openResult(hit: SearchJump): Promise<void> {
    this.drawerOpen.set(false);
    if (this.store.activeRoomId() !== hit.roomId) await this.store.selectRoom(hit.roomId);
    await this.jump(hit.seq);
  }

  protected async jump(seq: number): Promise<void> {
    if (await this.store.loadUntil(seq)) this.list()?.scrollToSeq(seq);
    else this.store.showNotice(this.i18n.t('chat.originalMissing'));
  }

  /** Dragging files over the chat (not text or links): show the drop hint. */
  protected onDragOver(event: DragEvent): void {
    if (this.guest() || !this.store.activeRoomId() || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dropping.set(true);
  }

  protected onDragLeave(event: DragEvent): void {
    const to = event.relatedTarget;
    if (!(to instanceof Node) || !(event.currentTarget as HTMLElement).contains(to)) this.dropping.set(false);
  }

  /** Files dropped anywhere on the chat go to the composer. */
  protected onDrop(event: DragEvent): void {
    this.dropping.set(false);
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (!files.length) return;
    event.preventDefault();
    this.composer()?.addFiles(files);
  }

  protected reconnect(): void {
    this.socket.reconnectNow();
  }

  protected async signOut(): Promise<void> {
    this.outbox.clear();
    this.store.stop();
    await this.auth.logout();
    await this.router.navigateByUrl('/login');
  }

  protected when(iso: string): string {
    return new Intl.DateTimeFormat(this.i18n.locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  }

  protected openReport(message: Message): void {
    this.reportError.set(null);
    this.reporting.set(message);
  }

  protected async sendReport(message: Message, reason: string): Promise<void> {
    if (this.reportBusy()) return;
    this.reportBusy.set(true);
    this.reportError.set(null);
    try {
      await this.store.report(message.id, reason);
      this.reporting.set(null);
      this.store.showNotice(this.i18n.t('mod.reported'));
    } catch (err) {
      const status = httpStatus(err);
      this.reportError.set(
        status === 409
          ? this.i18n.t('mod.reportedAlready')
          : status === 0
            ? this.i18n.t('error.network')
            : this.i18n.t('mod.reportFailed', { message: httpErrorMessage(err) ?? String(status) }),
      );
    } finally {
      this.reportBusy.set(false);
    }
  }
}

/** The bell's next level: all → mentions → none → all. */
export function nextLevel(level: NotificationLevel): NotificationLevel {
  return level === 'all' ? 'mentions' : level === 'mentions' ? 'none' : 'all';
}

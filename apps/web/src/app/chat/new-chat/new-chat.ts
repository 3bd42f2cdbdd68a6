import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  output,
  signal,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { type CreatableRoomKind, LIMITS } from '@hihi/contracts';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { ChatStore } from '../chat-store.service';
import type { Person } from '../state/people.store';
import { UserInput } from '../user-input/user-input';

type Mode = 'room' | 'group' | 'dm';

/** Create a public or private room, start a group DM (2–8 others), open a DM; browse the directory. */
@Component({
  selector: 'hihi-new-chat',
  imports: [FormsModule, UserInput],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './new-chat.html',
  styleUrl: './new-chat.css',
})
export class NewChat {
  private readonly store = inject(ChatStore);
  protected readonly i18n = inject(I18nService);
  protected readonly limits = LIMITS;

  readonly opened = output<string>();
  /** the room directory was asked for */
  readonly browse = output<void>();

  protected readonly mode = signal<Mode | null>(null);
  protected readonly value = signal('');
  protected readonly kind = signal<CreatableRoomKind>('public');
  protected readonly topic = signal('');
  /** the people of a new group */
  protected readonly picked = signal<string[]>([]);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected readonly groupReady = computed(() => {
    const n = this.picked().length;
    return n >= LIMITS.groupOthersMin && n <= LIMITS.groupOthersMax;
  });
  protected readonly groupFull = computed(() => this.picked().length >= LIMITS.groupOthersMax);
  protected readonly excluded = computed(() => {
    const me = this.store.me()?.username;
    return me ? [...this.picked(), me] : this.picked();
  });

  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  /** the button that opened the form: the focus goes back to it when the form closes */
  private opener: HTMLElement | null = null;

  /** Opens (its first field takes the focus) or closes the form. */
  protected toggle(mode: Mode, event?: Event): void {
    const opening = this.mode() !== mode;
    this.mode.set(opening ? mode : null);
    this.value.set('');
    this.topic.set('');
    this.kind.set('public');
    this.picked.set([]);
    this.error.set(null);
    if (opening) {
      this.opener = (event?.currentTarget as HTMLElement | null) ?? null;
      afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>('#new-chat-input')?.focus(), {
        injector: this.injector,
      });
    }
  }

  /** Escape in the field: the form closes, the focus goes back to its button. */
  protected cancel(event: Event): void {
    if (!this.mode()) return;
    event.preventDefault();
    event.stopPropagation();
    this.mode.set(null);
    this.error.set(null);
    this.opener?.focus();
  }

  /** Group: a suggestion was taken. */
  protected addPerson(person: Person): void {
    this.add(person.username);
  }

  /** Group: the typed name (Enter or the add button). */
  protected addTyped(): void {
    this.add(this.value().trim().replace(/^@/, ''));
  }

  protected unpick(username: string): void {
    this.picked.update((all) => all.filter((u) => u !== username));
  }

  private add(username: string): void {
    this.error.set(null);
    if (!username) return;
    if (this.excluded().some((u) => u.toLowerCase() === username.toLowerCase())) {
      this.value.set('');
      return;
    }
    if (this.groupFull()) {
      this.error.set(this.i18n.t('group.tooMany', { max: LIMITS.groupOthersMax }));
      return;
    }
    this.picked.update((all) => [...all, username]);
    this.value.set('');
  }

  async submit(): Promise<void> {
    const mode = this.mode();
    if (mode === 'group') {
      this.addTyped();
      return;
    }
    const raw = this.value().trim();
    const value = mode === 'dm' ? raw.replace(/^@/, '') : raw;
    if (!mode || !value || this.busy()) return;
    await this.run(() =>
      mode === 'room'
        ? this.store.createRoom(value, {
            kind: this.kind(),
            ...(this.topic().trim() ? { topic: this.topic().trim() } : {}),
          })
        : this.store.openDm(value),
    );
  }

  protected async createGroup(): Promise<void> {
    if (!this.groupReady() || this.busy()) return;
    await this.run(() => this.store.openGroup(this.picked()));
  }

  private async run(action: () => Promise<{ id: string }>): Promise<void> {
    const mode = this.mode();
    this.busy.set(true);
    this.error.set(null);
    try {
      const room = await action();
      this.mode.set(null);
      this.value.set('');
      this.picked.set([]);
      this.opened.emit(room.id);
    } catch (err) {
      const status = httpStatus(err);
      this.error.set(
        status === 404 && mode !== 'room'
          ? this.i18n.t(mode === 'group' ? 'group.notFound' : 'chat.userNotFound')
          : status === 409
            ? this.i18n.t('chat.roomExists')
            : status === 429
              ? this.i18n.t('rooms.tooFast')
              : status === 0
                ? this.i18n.t('error.network')
                : this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) }),
      );
    } finally {
      this.busy.set(false);
    }
  }
}

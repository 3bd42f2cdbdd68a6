import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { LIMITS, type UpdateRoomBody } from '@hihi/contracts';
import type { I18nKey } from '../../core/i18n/i18n.dictionary';
import { httpErrorMessage, httpStatus } from '../../core/api/http-error';
import { I18nService } from '../../core/i18n/i18n.service';
import { ChatStore } from '../chat-store.service';
import { RoomIntegrations } from '../room-integrations/room-integrations';

/** The slow-mode choices, seconds (0: off); the server takes 0–3600. */
export const SLOW_MODES: readonly { sec: number; label: I18nKey; n?: number }[] = [
  { sec: 0, label: 'mod.slowOff' },
  { sec: 5, label: 'mod.seconds', n: 5 },
  { sec: 10, label: 'mod.seconds', n: 10 },
  { sec: 30, label: 'mod.seconds', n: 30 },
  { sec: 60, label: 'mod.minutes', n: 1 },
  { sec: 300, label: 'mod.minutes', n: 5 },
  { sec: 900, label: 'mod.minutes', n: 15 },
  { sec: 3600, label: 'mod.d1h' },
];

/** Name, topic, slow mode, announcement (post policy) and archive of the open room, for its moderators (archive: owners). */
@Component({
  selector: 'hihi-room-settings',
  imports: [FormsModule, RoomIntegrations],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './room-settings.html',
  styleUrl: './room-settings.css',
})
export class RoomSettings {
  private readonly store = inject(ChatStore);
  protected readonly i18n = inject(I18nService);
  protected readonly limits = LIMITS;

  protected readonly room = this.store.activeRoom;
  protected readonly can = this.store.activeAbilities;
  protected readonly name = signal('');
  protected readonly topic = signal('');
  protected readonly archived = signal(false);
  protected readonly slowModeSec = signal(0);
  protected readonly announcement = signal(false);
  protected readonly community = computed(() => this.room()?.kind === 'public' || this.room()?.kind === 'private');
  /** the choices, with the room's own value when it is not one of them */
  protected readonly slowModes = computed(() => {
    const own = this.room()?.slowModeSec ?? 0;
    return SLOW_MODES.some((m) => m.sec === own)
      ? SLOW_MODES
      : [...SLOW_MODES, { sec: own, label: 'mod.seconds' as I18nKey, n: own }].sort((a, b) => a.sec - b.sec);
  });
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly saved = signal(false);

  /** what differs from the room as it is */
  protected readonly change = computed<UpdateRoomBody>(() => {
    const room = this.room();
    if (!room) return {};
    const change: UpdateRoomBody = {};
    const name = this.name().trim();
    const topic = this.topic().trim();
    if (this.can().edit && name && name !== room.name) change.name = name;
    if (this.can().edit && topic !== (room.topic ?? '')) change.topic = topic;
    if (this.can().edit && this.community()) {
      if (this.slowModeSec() !== (room.slowModeSec ?? 0)) change.slowModeSec = this.slowModeSec();
      const policy = this.announcement() ? 'moderators' : 'all';
      if (policy !== (room.postPolicy ?? 'all')) change.postPolicy = policy;
    }
    if (this.can().archive && this.archived() !== !!room.archived) change.archived = this.archived();
    return change;
  });
  protected readonly dirty = computed(() => Object.keys(this.change()).length > 0);

  constructor() {
    // the form starts from the room, and again when another room opens
    effect(() => {
      const id = this.store.activeRoomId();
      untracked(() => {
        this.reset();
        this.saved.set(false);
        this.error.set(null);
        return id;
      });
    });
  }

  protected reset(): void {
    const room = this.room();
    this.name.set(room?.name ?? '');
    this.topic.set(room?.topic ?? '');
    this.archived.set(!!room?.archived);
    this.slowModeSec.set(room?.slowModeSec ?? 0);
    this.announcement.set(room?.postPolicy === 'moderators');
  }

  async save(): Promise<void> {
    const room = this.room();
    const change = this.change();
    if (!room || !this.dirty() || this.busy()) return;
    this.busy.set(true);
    this.error.set(null);
    this.saved.set(false);
    try {
      await this.store.updateRoom(room.id, change);
      this.reset();
      this.saved.set(true);
    } catch (err) {
      const status = httpStatus(err);
      this.error.set(
        status === 409
          ? this.i18n.t('chat.roomExists')
          : status === 403
            ? this.i18n.t('members.forbidden')
            : status === 0
              ? this.i18n.t('error.network')
              : this.i18n.t('error.generic', { message: httpErrorMessage(err) ?? String(status) }),
      );
    } finally {
      this.busy.set(false);
    }
  }
}

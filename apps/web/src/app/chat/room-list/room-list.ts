import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import type { Room } from '@hihi/contracts';
import { I18nService } from '../../core/i18n/i18n.service';
import { DuckIcon } from '../../shared/duck-icon/duck-icon';
import { roomLabel } from '../room-label';

/** Rooms (lobby, public and private rooms, the duck room) and DMs and groups, each with its unread badge. */
@Component({
  selector: 'hihi-room-list',
  imports: [DuckIcon],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './room-list.html',
  styleUrl: './room-list.css',
})
export class RoomList {
  protected readonly i18n = inject(I18nService);

  readonly rooms = input<readonly Room[]>([]);
  readonly activeId = input<string | null>(null);
  readonly select = output<string>();

  protected readonly groups = computed(() => {
    const rooms = this.rooms();
    const channels = [
      ...rooms.filter((r) => r.kind === 'bot'),
      ...rooms.filter((r) => r.kind === 'public' || r.kind === 'private'),
    ];
    const dms = rooms.filter((r) => r.kind === 'dm' || r.kind === 'group');
    return [
      { key: 'rooms', title: this.i18n.t('chat.rooms'), rooms: channels },
      { key: 'dms', title: this.i18n.t('chat.dms'), rooms: dms },
    ].filter((g) => g.rooms.length > 0);
  });

  protected label(room: Room): string {
    return roomLabel(room, this.i18n);
  }

  protected badge(room: Room): string {
    return room.unread > 99 ? '99+' : String(room.unread);
  }
}

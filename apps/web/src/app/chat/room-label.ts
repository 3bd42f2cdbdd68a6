import { LOBBY_ROOM_ID, type Room } from '@hihi/contracts';
import type { I18nService } from '../core/i18n/i18n.service';

/** The name shown for a room: the duck room and the lobby get friendly, translated names; a group without a name says how many are in it. */
export function roomLabel(room: Pick<Room, 'id' | 'name' | 'kind' | 'memberCount'>, i18n: I18nService): string {
  if (room.kind === 'bot') return i18n.t('chat.duckRoom');
  if (room.kind === 'group' && !room.name?.trim()) return i18n.t('group.unnamed', { count: room.memberCount ?? 0 });
  if (room.id === LOBBY_ROOM_ID && (!room.name || room.name.toLowerCase() === LOBBY_ROOM_ID)) {
    return i18n.t('chat.lobby');
  }
  return room.name;
}

import { LOBBY_ROOM_ID, type Room } from '@hihi/contracts';
import type { I18nService } from '../core/i18n/i18n.service';

/** The name shown for a room: the duck room and the lobby get friendly, translated names. */
export function roomLabel(room: Pick<Room, 'id' | 'name' | 'kind'>, i18n: I18nService): string {
  if (room.kind === 'bot') return i18n.t('chat.duckRoom');
  if (room.id === LOBBY_ROOM_ID && (!room.name || room.name.toLowerCase() === LOBBY_ROOM_ID)) {
    return i18n.t('chat.lobby');
  }
  return room.name;
}

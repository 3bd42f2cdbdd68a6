/** Public data shapes (SPEC §4, §5). */
export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  guest: boolean;
}

export type RoomKind = 'public' | 'dm' | 'bot';

export interface Room {
  id: string;
  name: string;
  kind: RoomKind;
  unread: number;
  lastSeq: number;
}

export interface MessageSender {
  id: string;
  username: string;
  displayName: string;
  bot: boolean;
}

export interface Message {
  id: string;
  roomId: string;
  seq: number;
  clientMsgId?: string;
  sender: MessageSender;
  text: string;
  /** ISO-8601 UTC */
  createdAt: string;
}

export interface AuthTokens {
  user: PublicUser;
  accessToken: string;
  refreshToken: string;
  /** access token lifetime in seconds */
  expiresIn: number;
  /** true: the refresh token lasts 30 days (keep it in localStorage); false: browser session only */
  rememberMe?: boolean;
  /** refresh token lifetime in seconds from now */
  refreshExpiresIn?: number;
}

export interface GuestTokens {
  user: PublicUser;
  accessToken: string;
  expiresIn: number;
}

export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/** Health of one part: up, or down with a reason. */
export interface PartHealth {
  status: 'up' | 'down';
  message?: string;
}

export interface HealthReport {
  status: 'ok' | 'error';
  details: {
    redis: PartHealth;
    mongo: PartHealth;
    auth: PartHealth;
    chat: PartHealth;
  };
}

/** Answer of auth.ping / chat.ping: the service reports its own database connection. */
export interface PingReply {
  service: 'auth' | 'chat';
  pid: number;
  mongo: PartHealth;
}

/** Limits shared by server validation and client UI. */
export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  /** letters of any script, digits, _ . - */
  usernamePattern: '^[\\p{L}\\p{N}_.\\-]{3,32}$',
  displayNameMax: 64,
  passwordMin: 8,
  passwordMax: 128,
  roomNameMin: 1,
  roomNameMax: 64,
  messageMax: 4000,
  clientMsgIdMax: 64,
  historyDefault: 50,
  historyMax: 100,
  /** HTTP body cap in bytes */
  httpBodyBytes: 16 * 1024,
  /** Socket.IO frame cap in bytes */
  socketFrameBytes: 32 * 1024,
} as const;

/** Names nobody may register: the bots. */
export const BOT_USERNAMES = ['duck', '小黄鸭', 'hihi', 'system', 'bot'] as const;

export const LOBBY_ROOM_ID = 'lobby';

export const DUCK = {
  username: 'duck',
  displayName: '小黄鸭',
  greetingUser: 'Welcome to Hihi Chat Room. 欢迎来到 Hihi 聊天室。',
  greetingGuest: '您还没有登陆,先和小黄鸭聊聊吧。',
  mentions: ['@duck', '@小黄鸭'],
} as const;

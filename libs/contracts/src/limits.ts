/** Limits shared by server validation and client UI. */
export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  displayNameMax: 64,
  passwordMin: 8,
  passwordMax: 128,
  roomNameMin: 1,
  roomNameMax: 64,
  /** a room's topic, characters */
  topicMax: 250,
  /** slow mode: most seconds between two messages of one member */
  slowModeMaxSec: 3600,
  /** a group DM: the caller and 2–8 others (3–9 people) */
  groupOthersMin: 2,
  groupOthersMax: 8,
  /** GET /api/rooms/directory page size */
  directoryDefault: 20,
  directoryMax: 50,
  /** GET /api/rooms/:id/members page size */
  membersDefault: 50,
  membersMax: 100,
  messageMax: 4000,
  clientMsgIdMax: 64,
  historyDefault: 50,
  historyMax: 100,
  /** HTTP body cap in bytes */
  httpBodyBytes: 16 * 1024,
  /** Socket.IO frame cap in bytes */
  socketFrameBytes: 32 * 1024,
  /** distinct reactions one message may carry */
  reactionsPerMessage: 20,
  /** longest reaction (an emoji sequence), in UTF-16 units */
  reactionMax: 32,
  /** attachments per message */
  attachmentsPerMessage: 10,
  /** excerpt of a replied-to message, characters */
  replyExcerpt: 200,
  /** an upload's file name, characters */
  uploadNameMax: 255,
  /** search query length */
  searchQueryMax: 200,
  /** deepest nesting of objects and arrays in any request (HTTP body, socket payload, bus data) */
  payloadDepth: 8,
  /** most values (objects, arrays, strings, numbers …) in any request */
  payloadValues: 1000,
  /** largest bus request (the envelope as JSON text), bytes */
  busRequestBytes: 64 * 1024,
} as const;

/** Search (GET /api/search). */
export const SEARCH = {
  limitDefault: 20,
  limitMax: 50,
  /** at most this many whitespace-separated terms are matched (all of them, in any order) */
  termsMax: 8,
  /** characters of context shown before the first match in a result's excerpt */
  excerptBefore: 40,
  /** length of a result's excerpt, characters */
  excerptLength: 160,
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
  /** the duck room's greeting (message 1) has the clientMsgId `<greetingKey><roomId>`; clients show the duck's picture with it */
  greetingKey: 'greeting:',
} as const;

/** Is this the duck's greeting (the first message of a duck room)? */
export function isDuckGreeting(m: { sender: { bot: boolean }; clientMsgId?: string }): boolean {
  return m.sender.bot && !!m.clientMsgId?.startsWith(DUCK.greetingKey);
}

/** The duck's identity as a message sender (bot replies are ordinary stored messages). */
export const DUCK_SENDER = {
  id: 'bot:duck',
  username: DUCK.username,
  displayName: DUCK.displayName,
  bot: true,
} as const;

/** Real-time limits (docs/protocol.md); the send rate itself is gateway configuration (SEND_RATE_PER_SEC, SEND_BURST). */
export const REALTIME = {
  /** how often each gateway refreshes presence of its sockets, ms */
  presenceHeartbeatMs: 10_000,
  /** presence entries older than this are ignored and pruned, ms */
  presenceTtlMs: 30_000,
  /** most online members a room:join ack lists (the rest are counted: onlineCount) */
  presenceListMax: 100,
  /** most changed messages a room:join answers as `updates` */
  joinMaxUpdates: 500,
  /** a gateway with this many bus calls waiting answers new ones `unavailable` at once (load shedding) */
  gatewayMaxInFlight: 4000,
  /** the web client sends at most one room:read per room per this many ms */
  readMarkIntervalMs: 1000,
  /** most messages a room:join answers at once; more missed → hasMore, page with REST */
  joinMaxMessages: 100,
  /** a socket send answered `unavailable` at the latest after this, ms */
  sendTimeoutMs: 2500,
  /** on SIGTERM a gateway waits at most this long for in-flight acks, ms */
  shutdownGraceMs: 8_000,
} as const;

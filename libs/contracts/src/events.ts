/** Socket.IO event names (docs/protocol.md). Imported by the gateway and by the web client. */
export const CLIENT_EVENTS = {
  roomJoin: 'room:join',
  roomLeave: 'room:leave',
  messageSend: 'message:send',
  roomRead: 'room:read',
  typing: 'typing',
  messageEdit: 'message:edit',
  messageDelete: 'message:delete',
  messageReact: 'message:react',
} as const;

export const SERVER_EVENTS = {
  messageNew: 'message:new',
  /** a message after an edit, a deletion or a reaction */
  messageUpdated: 'message:updated',
  presence: 'presence',
  typing: 'typing',
  roomUpdated: 'room:updated',
  /** someone joined, left, was removed from or changed role in the room: `RoomMemberEvent`, to the room */
  roomMember: 'room:member',
  /** the receiver is no longer in the room (left, removed, banned, deleted): `RoomRemovedEvent`, to their own sockets */
  roomRemoved: 'room:removed',
  /** the server is going away; reconnect (graceful shutdown) */
  serverReconnect: 'server:reconnect',
  /** the server is closing this socket for a reason of its own (`{reason}`, e.g. flooding); do not reconnect at once */
  serverDisconnect: 'server:disconnect',
  /** someone in a room of the receiver changed their display name or avatar: `UserUpdatedEvent`, to the room */
  userUpdated: 'user:updated',
  /** this socket's session was signed out (or its refresh token replayed): `{reason}`, then disconnect */
  sessionRevoked: 'session:revoked',
  /** the open reports the receiver may act on changed: `ModerationReportsEvent`, to room and server moderators */
  moderationReports: 'moderation:reports',
} as const;

export type ClientEvent = (typeof CLIENT_EVENTS)[keyof typeof CLIENT_EVENTS];
export type ServerEvent = (typeof SERVER_EVENTS)[keyof typeof SERVER_EVENTS];

/** Socket.IO path, shared by server and client. */
export const SOCKET_PATH = '/socket.io';

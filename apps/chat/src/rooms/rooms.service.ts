import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DUCK, LOBBY_ROOM_ID, PublicUser, Room } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { RoomAccess, RoomsRepository, RoomViewRow } from '../persistence/rooms.repository';
import { UsersRepository } from '../persistence/users.repository';
import { RoomEventsPublisher } from '../events/room-events.publisher';
import { Bot, BOT } from '../bots/bot';
import { ReadMarks } from './read-marks';

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/** One DM per pair of users, whoever opens it: the id depends only on the two ids. */
export function dmRoomId(a: string, b: string): string {
  return `dm-${hash([a, b].sort().join('\n'))}`;
}

/** Each user's (and guest's) own duck room. */
export function duckRoomId(userId: string): string {
  return `duck-${hash(userId)}`;
}

/** Who may use a room: users see public rooms and their own DMs/duck room; guests only their duck room. */
export function canAccess(actor: PublicUser, room: Pick<RoomAccess, 'kind' | 'members'>): boolean {
  if (actor.guest) return room.kind === 'bot' && room.members.includes(actor.id);
  return room.kind === 'public' || room.members.includes(actor.id);
}

/** The room as the viewer sees it (a DM is named after the other member). */
export function toRoom(row: RoomViewRow): Room {
  return {
    id: row.id,
    name: row.kind === 'dm' && row.peer_name ? row.peer_name : row.name,
    kind: row.kind,
    lastSeq: row.last_seq,
    unread: Math.max(0, row.last_seq - row.read_seq),
    mentions: row.mentions,
  };
}

/** Access facts of rooms never change once a room exists: kept per process, bounded. */
const ACCESS_CACHE_MAX = 50_000;

@Injectable()
export class RoomsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Rooms');
  private readonly accessCache = new Map<string, RoomAccess>();

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly users: UsersRepository,
    private readonly events: RoomEventsPublisher,
    private readonly reads: ReadMarks,
    @Inject(BOT) private readonly bot: Bot,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureLobby();
  }

  /** `lobby` always exists; idempotent, safe with several chat processes starting together. */
  async ensureLobby(): Promise<void> {
    const created = await this.rooms.create({
      id: LOBBY_ROOM_ID,
      kind: 'public',
      name: LOBBY_ROOM_ID,
      nameKey: `public:${LOBBY_ROOM_ID}`,
      members: [],
    });
    if (created) this.logger.log('created the lobby');
  }

  /**
   * A user signed up, signed in or a guest arrived (the gateway says so): keep the users
   * projection current and make sure the duck room exists with its greeting as message 1 —
   * here, once, never inside a read.
   */
  async provision(actor: PublicUser): Promise<Room> {
    if (!actor.guest) await this.users.upsert(actor);
    const id = duckRoomId(actor.id);
    const sender = this.bot.sender;
    await this.rooms.create(
      { id, kind: 'bot', name: sender.displayName, nameKey: `bot:${id}`, members: [actor.id] },
      {
        senderId: sender.id,
        senderUsername: sender.username,
        senderDisplayName: sender.displayName,
        senderBot: true,
        clientMsgId: `${DUCK.greetingKey}${id}`,
        text: this.bot.greeting(actor.guest),
      },
    );
    return this.view(actor, id);
  }

  /** The room's access facts, if it exists and the actor may use it. */
  async accessible(actor: PublicUser, roomId: string): Promise<RoomAccess> {
    let room = this.accessCache.get(roomId);
    if (!room) {
      room = await this.rooms.access(roomId);
      if (!room) throw new BusError('not_found', 'no such room');
      if (this.accessCache.size >= ACCESS_CACHE_MAX) this.accessCache.clear();
      this.accessCache.set(roomId, room);
    }
    if (!canAccess(actor, room)) throw new BusError('forbidden', 'you are not a member of this room');
    return room;
  }

  async view(actor: PublicUser, roomId: string): Promise<Room> {
    const row = await this.rooms.view(roomId, actor.id);
    if (!row) throw new BusError('not_found', 'no such room');
    return toRoom(row);
  }

  async list(actor: PublicUser): Promise<Room[]> {
    return (await this.rooms.visible(actor.id, !actor.guest)).map(toRoom);
  }

  async create(actor: PublicUser, name: string): Promise<Room> {
    if (actor.guest) throw new BusError('forbidden', 'guests cannot create rooms; sign in first');
    const id = `room-${randomUUID()}`;
    try {
      await this.rooms.create({
        id,
        kind: 'public',
        name,
        nameKey: `public:${name.toLowerCase()}`,
        createdBy: actor.id,
        members: [],
      });
    } catch (err) {
      if (RoomsRepository.isNameTaken(err)) throw new BusError('conflict', 'a room with this name already exists');
      throw err;
    }
    return this.view(actor, id);
  }

  async openDm(actor: PublicUser, username: string): Promise<{ room: Room; created: boolean }> {
    if (actor.guest) throw new BusError('forbidden', 'guests cannot open direct messages; sign in first');
    const other = await this.users.findByUsername(username);
    if (!other) throw new BusError('not_found', 'no such user');
    if (other.id === actor.id) throw new BusError('validation', 'you cannot open a direct message with yourself');
    const id = dmRoomId(actor.id, other.id);
    const created = await this.rooms.create({
      id,
      kind: 'dm',
      name: `${actor.username} & ${other.username}`,
      nameKey: `dm:${id}`,
      createdBy: actor.id,
      members: [actor.id, other.id],
    });
    return { room: await this.view(actor, id), created };
  }

  /**
   * Tell each mentioned user (but the sender) their view of the room — unread and mention
   * counts — on `room:updated` to their own sockets, whether or not they have the room open.
   * Never throws: the message is stored; the room list catches up on the next load.
   */
  async tellMentioned(roomId: string, userIds: string[], senderId: string): Promise<void> {
    await Promise.all(
      userIds
        .filter((id) => id !== senderId)
        .map(async (userId) => {
          try {
            const row = await this.rooms.view(roomId, userId);
            if (row) await this.events.publish({ type: 'room:updated', roomId, room: toRoom(row), userIds: [userId] });
          } catch (err) {
            this.logger.warn(`mention of ${userId} in ${roomId} not announced: ${(err as Error).message}`);
          }
        }),
    );
  }

  /** One write (group-committed with other readers' marks); only the reader is told (room:updated to that user's sockets). */
  async markRead(actor: PublicUser, roomId: string, seq: number): Promise<Room> {
    await this.accessible(actor, roomId);
    const row = await this.reads.mark(roomId, actor.id, seq);
    if (!row) throw new BusError('not_found', 'no such room');
    const room = toRoom(row);
    await this.events.publish({ type: 'room:updated', roomId, room, userIds: [actor.id] });
    return room;
  }
}

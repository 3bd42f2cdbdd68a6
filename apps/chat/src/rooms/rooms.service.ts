import { ReadReplica } from '../database/read-replica';
import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import {
  CreatableRoomKind,
  DirectoryPage,
  DirectoryQuery,
  defaultNotificationLevel,
  DUCK,
  LIMITS,
  LOBBY_ROOM_ID,
  PublicUser,
  Room,
  UpdateRoomBody,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { RoomsRepository, RoomSettings, RoomViewRow } from '../persistence/rooms.repository';
import { UsersRepository } from '../persistence/users.repository';
import { RoomEventsPublisher } from '../events/room-events.publisher';
import { DomainEvents } from '../events/domain-events';
import { AccessService } from '../access/access.service';
import { Actor } from '../access/actor';
import { Bot, BOT } from '../bots/bot';
import { ReadMarks } from './read-marks';
import { decodeCursor, encodeCursor } from './cursor';

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/** One DM per pair of users, whoever opens it: the id depends only on the two ids. */
export function dmRoomId(a: string, b: string): string {
  return `dm-${hash([a, b].sort().join('\n'))}`;
}

/** One group DM per set of people, whoever opens it and in whatever order. */
export function groupRoomId(userIds: string[]): string {
  return `group-${hash([...new Set(userIds)].sort().join('\n'))}`;
}

/** Each user's (and guest's) own duck room. */
export function duckRoomId(userId: string): string {
  return `duck-${hash(userId)}`;
}

/** What makes a room name unique: public rooms by lower-cased name; private rooms and the rest are not listed, so never clash. */
export function nameKeyOf(kind: string, id: string, name: string): string {
  return kind === 'public' ? `public:${name.toLowerCase()}` : `${kind}:${id}`;
}

/** The room as the viewer sees it (a DM is named after the other member). */
export function toRoom(row: RoomViewRow): Room {
  return {
    id: row.id,
    name: row.kind === 'dm' && row.peer_name ? row.peer_name : row.name,
    kind: row.kind,
    ...(row.topic ? { topic: row.topic } : {}),
    ...(row.archived ? { archived: true } : {}),
    memberCount: row.member_count,
    // everyone signed in is in the lobby, recorded or not
    ...(row.role || row.id === LOBBY_ROOM_ID ? { role: row.role ?? 'member' } : {}),
    ...(row.slow_mode_sec ? { slowModeSec: row.slow_mode_sec } : {}),
    ...(row.post_policy !== 'all' ? { postPolicy: row.post_policy } : {}),
    lastSeq: row.last_seq,
    unread: Math.max(0, row.last_seq - row.read_seq),
    mentions: row.mentions,
    notifications: row.notify_level ?? defaultNotificationLevel(row.kind),
  };
}

/**
 * Rooms: the list, the directory, creation (public, private, DMs, groups, duck rooms), settings
 * and read marks. Every command asks AccessService first; changes invalidate its cache and emit
 * domain events (fan-out publishes them). Membership itself is MembersService's.
 */
@Injectable()
export class RoomsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Rooms');

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly users: UsersRepository,
    private readonly events: RoomEventsPublisher,
    private readonly reads: ReadMarks,
    private readonly access: AccessService,
    private readonly domain: DomainEvents,
    @Inject(BOT) private readonly bot: Bot,
    @Optional() private readonly replica?: ReadReplica,
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
   * projection current, make a user a member of the lobby, and make sure the duck room exists
   * with its greeting as message 1 — here, once, never inside a read.
   */
  async provision(user: PublicUser): Promise<Room> {
    if (!user.guest) {
      await this.users.upsert(user);
      if (await this.rooms.addMember(LOBBY_ROOM_ID, user.id)) await this.access.changed(LOBBY_ROOM_ID);
    }
    const id = duckRoomId(user.id);
    const sender = this.bot.sender;
    await this.rooms.create(
      { id, kind: 'bot', name: sender.displayName, nameKey: `bot:${id}`, members: [user.id] },
      {
        senderId: sender.id,
        senderUsername: sender.username,
        senderDisplayName: sender.displayName,
        senderBot: true,
        clientMsgId: `${DUCK.greetingKey}${id}`,
        text: this.bot.greeting(user.guest),
      },
    );
    return this.viewOf(user.id, id);
  }

  /** The room as `userId` sees it. */
  async viewOf(userId: string, roomId: string): Promise<Room> {
    const row = await this.rooms.view(roomId, userId);
    if (!row) throw new BusError('not_found', 'no such room');
    return toRoom(row);
  }

  /** The rooms the caller is a member of. */
  async list(actor: Actor): Promise<Room[]> {
    const db = await this.replica?.caughtUp();
    return (await this.rooms.visible(actor.id, actor.kind === 'user', db)).map(toRoom);
  }

  /** Public rooms by name, paged (GET /api/rooms/directory). */
  async directory(actor: Actor, q: DirectoryQuery): Promise<DirectoryPage> {
    if (actor.kind !== 'user') throw new BusError('forbidden', 'guests cannot browse rooms; sign in first');
    const limit = q.limit ?? LIMITS.directoryDefault;
    const after = q.cursor ? decodeCursor(q.cursor, 2) : undefined;
    const rows = await this.rooms.directory(
      actor.id,
      q.q ?? '',
      limit + 1,
      after ? { name: after[0], id: after[1] } : undefined,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      rooms: page.map((r) => ({
        id: r.id,
        name: r.name,
        kind: 'public',
        ...(r.topic ? { topic: r.topic } : {}),
        ...(r.archived ? { archived: true } : {}),
        memberCount: r.member_count,
        joined: r.joined,
      })),
      ...(rows.length > limit && last ? { nextCursor: encodeCursor([last.name_key_sort, last.id]) } : {}),
    };
  }

  async create(actor: Actor, name: string, kind: CreatableRoomKind = 'public', topic?: string): Promise<Room> {
    if (actor.kind !== 'user') throw new BusError('forbidden', 'guests cannot create rooms; sign in first');
    const id = `room-${randomUUID()}`;
    try {
      await this.rooms.create({
        id,
        kind,
        name,
        nameKey: nameKeyOf(kind, id, name),
        topic,
        createdBy: actor.id,
        members: [{ userId: actor.id, role: 'owner' }],
      });
    } catch (err) {
      if (RoomsRepository.isNameTaken(err)) throw new BusError('conflict', 'a room with this name already exists');
      throw err;
    }
    return this.viewOf(actor.id, id);
  }

  /** PATCH /api/rooms/:id: moderators change the settings, owners archive. */
  async update(actor: Actor, roomId: string, body: UpdateRoomBody): Promise<Room> {
    const { room } = await this.access.require(actor, roomId, 'update');
    if (body.archived !== undefined) await this.access.require(actor, roomId, 'archive');
    if (room.kind === 'group' && (body.archived !== undefined || body.slowModeSec || body.postPolicy === 'moderators'))
      throw new BusError('forbidden', 'a group has a name and a topic, nothing else');
    const settings: RoomSettings = {
      ...(body.name !== undefined ? { name: body.name, nameKey: nameKeyOf(room.kind, roomId, body.name) } : {}),
      ...(body.topic !== undefined ? { topic: body.topic || null } : {}),
      ...(body.archived !== undefined ? { archived: body.archived } : {}),
      ...(body.slowModeSec !== undefined ? { slowModeSec: body.slowModeSec } : {}),
      ...(body.postPolicy !== undefined ? { postPolicy: body.postPolicy } : {}),
    };
    try {
      if (!(await this.rooms.updateSettings(roomId, settings))) throw new BusError('not_found', 'no such room');
    } catch (err) {
      if (RoomsRepository.isNameTaken(err)) throw new BusError('conflict', 'a room with this name already exists');
      throw err;
    }
    await this.access.changed(roomId);
    await this.domain.emit('room.updated', { roomId, by: actor });
    return this.viewOf(actor.id, roomId);
  }

  /** POST /api/dms: a DM with one person or a group DM with 2–8 others; the same people → the same room. */
  async openDm(actor: Actor, usernames: string[]): Promise<{ room: Room; created: boolean }> {
    if (actor.kind !== 'user') throw new BusError('forbidden', 'guests cannot open direct messages; sign in first');
    const found = await this.users.idsByUsernames([...new Set(usernames.map((u) => u.toLowerCase()))]);
    const byKey = new Map(found.map((u) => [u.username.toLowerCase(), u]));
    const others = usernames.map((u) => byKey.get(u.toLowerCase()));
    if (others.some((u) => !u)) throw new BusError('not_found', 'no such user');
    const people = [...new Map(others.map((u) => [u!.id, u!])).values()].filter((u) => u.id !== actor.id);
    if (usernames.length === 1) {
      const other = people[0];
      if (!other) throw new BusError('validation', 'you cannot open a direct message with yourself');
      const id = dmRoomId(actor.id, other.id);
      const created = await this.rooms.create({
        id,
        kind: 'dm',
        name: `${actor.user.username} & ${other.username}`,
        nameKey: `dm:${id}`,
        createdBy: actor.id,
        members: [actor.id, other.id],
      });
      if (created) await this.announceNew(id, [other.id]);
      else await this.bringBack(id, actor, [other]);
      return { room: await this.viewOf(actor.id, id), created };
    }
    if (people.length < LIMITS.groupOthersMin || people.length > LIMITS.groupOthersMax)
      throw new BusError(
        'validation',
        `a group has ${LIMITS.groupOthersMin + 1}-${LIMITS.groupOthersMax + 1} different people, you included`,
      );
    const members = [actor.id, ...people.map((p) => p.id)];
    const id = groupRoomId(members);
    const names = [actor.user.displayName, ...people.map((p) => p.display_name)].join(', ');
    const created = await this.rooms.create({
      id,
      kind: 'group',
      name: [...names].length > LIMITS.roomNameMax ? `${[...names].slice(0, LIMITS.roomNameMax - 1).join('')}…` : names,
      nameKey: `group:${id}`,
      createdBy: actor.id,
      members,
    });
    if (created)
      await this.announceNew(
        id,
        people.map((p) => p.id),
      );
    else await this.bringBack(id, actor, people);
    return { room: await this.viewOf(actor.id, id), created };
  }

  /**
   * Opening a DM or group that exists, with someone of its people gone (they left): the same
   * people → the same room, so whoever is missing — the opener or the others — is a member again
   * (told as a join, the room back in their list; they catch up with `sinceSeq`).
   */
  private async bringBack(
    roomId: string,
    actor: Actor & { kind: 'user' },
    others: { id: string; username: string; display_name: string }[],
  ): Promise<void> {
    const people: PublicUser[] = [
      actor.user,
      ...others.map((o) => ({ id: o.id, username: o.username, displayName: o.display_name, guest: false })),
    ];
    const back: PublicUser[] = [];
    for (const user of people) if (await this.rooms.addMember(roomId, user.id)) back.push(user);
    if (!back.length) return;
    await this.access.changed(roomId);
    for (const user of back)
      await this.domain.emit('member.added', { roomId, user, role: 'member', by: actor, change: 'joined' });
  }

  /** Tell people a room now exists for them (room:updated to their own sockets: it joins their list). */
  async announceNew(roomId: string, userIds: string[]): Promise<void> {
    await Promise.all(
      userIds.map(async (userId) => {
        const row = await this.rooms.view(roomId, userId);
        if (row) await this.events.publish({ type: 'room:updated', roomId, room: toRoom(row), userIds: [userId] });
      }),
    );
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
  async markRead(actor: Actor, roomId: string, seq: number): Promise<Room> {
    await this.access.require(actor, roomId, 'view');
    const row = await this.reads.mark(roomId, actor.id, seq);
    if (!row) throw new BusError('not_found', 'no such room');
    const room = toRoom(row);
    await this.events.publish({ type: 'room:updated', roomId, room, userIds: [actor.id] });
    return room;
  }
}

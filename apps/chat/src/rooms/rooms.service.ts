import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { LOBBY_ROOM_ID, PublicUser, Room } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { ChatUsersRepository, isDuplicateKey, ReadsRepository, RoomsRepository } from '../persistence/repositories';
import { RoomDoc } from '../persistence/schemas';
import { MessageStore } from '../messages/message-store';
import { Bot, BOT } from '../bots/bot';
import { RoomEventsPublisher } from '../events/room-events.publisher';

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
export function canAccess(actor: PublicUser, room: Pick<RoomDoc, 'kind' | 'members'>): boolean {
  if (actor.guest) return room.kind === 'bot' && room.members.includes(actor.id);
  return room.kind === 'public' || room.members.includes(actor.id);
}

/** The room as the viewer sees it: a DM is named after the other member. */
export function toRoom(doc: RoomDoc, viewer: PublicUser, lastSeq: number, readSeq: number): Room {
  let name = doc.name;
  if (doc.kind === 'dm' && doc.memberNames?.length === doc.members.length) {
    const other = doc.members.findIndex((m) => m !== viewer.id);
    if (other >= 0) name = doc.memberNames[other];
  }
  return { id: doc._id, name, kind: doc.kind, lastSeq, unread: Math.max(0, lastSeq - readSeq) };
}

@Injectable()
export class RoomsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Rooms');
  /** users already written to the projection by this process: id → "username\ndisplayName" */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly reads: ReadsRepository,
    private readonly users: ChatUsersRepository,
    private readonly store: MessageStore,
    private readonly events: RoomEventsPublisher,
    @Inject(BOT) private readonly bot: Bot,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureLobby();
  }

  /** `lobby` always exists; idempotent, safe with several chat processes starting together. */
  async ensureLobby(): Promise<void> {
    const created = await this.rooms.insertIfAbsent({
      _id: LOBBY_ROOM_ID,
      name: LOBBY_ROOM_ID,
      nameKey: `public:${LOBBY_ROOM_ID}`,
      kind: 'public',
      members: [],
    });
    if (created) this.logger.log('created the lobby');
  }

  /** Keep the users projection (for DMs by username) current; one write per user and change. */
  async touch(actor: PublicUser): Promise<void> {
    if (actor.guest) return;
    const sig = `${actor.username}\n${actor.displayName}`;
    if (this.known.get(actor.id) === sig) return;
    await this.users.upsert(actor);
    if (this.known.size > 50_000) this.known.clear();
    this.known.set(actor.id, sig);
  }

  /** The room, if it exists and the actor may use it (the actor's own duck room is made on first use). */
  async accessible(actor: PublicUser, roomId: string): Promise<RoomDoc> {
    let room = await this.rooms.findById(roomId);
    if (!room && roomId === duckRoomId(actor.id)) room = await this.ensureDuckRoom(actor);
    if (!room) throw new BusError('not_found', 'no such room');
    if (!canAccess(actor, room)) throw new BusError('forbidden', 'you are not a member of this room');
    if (room.kind === 'bot' && !room.greeted) room = await this.ensureDuckRoom(actor);
    return room;
  }

  /** The actor's duck room, created with the duck's greeting as its first message. */
  async ensureDuckRoom(actor: PublicUser): Promise<RoomDoc> {
    const id = duckRoomId(actor.id);
    const existing = await this.rooms.findById(id);
    if (existing?.greeted) return existing;
    if (!existing) {
      await this.rooms.insertIfAbsent({
        _id: id,
        name: this.bot.sender.displayName,
        nameKey: `bot:${id}`,
        kind: 'bot',
        members: [actor.id],
      });
    }
    // idempotent: the greeting's key is fixed, so racing first uses store it once, as seq 1
    await this.store.deliver(id, this.bot.sender, this.bot.greeting(actor.guest), `greeting:${id}`);
    await this.rooms.markGreeted(id);
    return (await this.rooms.findById(id))!;
  }

  /** lastSeq comes from the messages themselves (the one source of truth for seqs). */
  async view(actor: PublicUser, doc: RoomDoc): Promise<Room> {
    const [last, read] = await Promise.all([this.store.lastSeq(doc._id), this.reads.position(actor.id, doc._id)]);
    return toRoom(doc, actor, last, read);
  }

  async list(actor: PublicUser): Promise<Room[]> {
    const duck = await this.ensureDuckRoom(actor);
    if (actor.guest) return [await this.view(actor, duck)];
    const [docs, positions] = await Promise.all([
      this.rooms.findVisible(actor.id, true),
      this.reads.positions(actor.id),
    ]);
    const order = (d: RoomDoc) => (d._id === LOBBY_ROOM_ID ? 0 : d.kind === 'bot' ? 1 : 2);
    const visible = docs.filter((d) => canAccess(actor, d)).sort((a, b) => order(a) - order(b));
    const lasts = await Promise.all(visible.map((d) => this.store.lastSeq(d._id)));
    return visible.map((d, i) => toRoom(d, actor, lasts[i], positions.get(d._id) ?? 0));
  }

  async create(actor: PublicUser, name: string): Promise<Room> {
    if (actor.guest) throw new BusError('forbidden', 'guests cannot create rooms; sign in first');
    const id = `room-${randomUUID()}`;
    try {
      await this.rooms.insertIfAbsent({
        _id: id,
        name,
        nameKey: `public:${name.toLowerCase()}`,
        kind: 'public',
        members: [],
        createdBy: actor.id,
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw new BusError('conflict', 'a room with this name already exists');
      throw err;
    }
    return this.view(actor, (await this.rooms.findById(id))!);
  }

  async openDm(actor: PublicUser, username: string): Promise<{ room: Room; created: boolean }> {
    if (actor.guest) throw new BusError('forbidden', 'guests cannot open direct messages; sign in first');
    const other = await this.users.findByUsername(username);
    if (!other) throw new BusError('not_found', 'no such user');
    if (other._id === actor.id) throw new BusError('validation', 'you cannot open a direct message with yourself');
    const id = dmRoomId(actor.id, other._id);
    const created = await this.rooms.insertIfAbsent({
      _id: id,
      name: `${actor.username} & ${other.username}`,
      nameKey: `dm:${id}`,
      kind: 'dm',
      members: [actor.id, other._id],
      memberNames: [actor.displayName, other.displayName],
      createdBy: actor.id,
    });
    return { room: await this.view(actor, (await this.rooms.findById(id))!), created };
  }

  /** Read position only moves forward, and never past the last stored message. */
  async markRead(actor: PublicUser, roomId: string, seq: number): Promise<Room> {
    const doc = await this.accessible(actor, roomId);
    const last = await this.store.lastSeq(roomId);
    await this.reads.advance(actor.id, roomId, Math.min(seq, last));
    const room = toRoom(doc, actor, last, await this.reads.position(actor.id, roomId));
    await this.events.publish({ type: 'room:updated', roomId, room, userIds: [actor.id] });
    return room;
  }
}

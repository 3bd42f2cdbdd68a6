import { MessageSender, RoomEventEnvelope } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { MessageStore, MAX_SEQ_ATTEMPTS, messageIdFor } from './message-store';
import { InsertOutcome, MessagesRepository } from '../persistence/repositories';
import { MessageDoc } from '../persistence/schemas';
import { RoomEventsPublisher } from '../events/room-events.publisher';

/** In-memory stand-in for the messages collection, enforcing the same two unique indexes. */
class FakeMessages {
  docs: MessageDoc[] = [];
  claims = new Set<string>();
  /** seqs another (simulated) process takes just before our insert */
  stealNext: number[] = [];

  hints = new Map<string, number>();

  async findById(id: string) {
    return this.docs.find((d) => d._id === id) ?? null;
  }
  async seqHint(roomId: string) {
    return this.hints.get(roomId);
  }
  async raiseSeqHint(roomId: string, seq: number) {
    this.hints.set(roomId, Math.max(seq, this.hints.get(roomId) ?? 0));
  }
  async findByClientMsgId(senderId: string, clientMsgId: string) {
    return this.docs.find((d) => d.senderId === senderId && d.clientMsgId === clientMsgId) ?? null;
  }
  async lastSeq(roomId: string) {
    return Math.max(0, ...this.docs.filter((d) => d.roomId === roomId).map((d) => d.seq));
  }
  async insert(doc: MessageDoc): Promise<InsertOutcome> {
    if (this.stealNext.length) {
      this.stealNext.shift();
      this.docs.push({ ...doc, _id: `other-${doc.seq}`, senderId: 'other', clientMsgId: `o${doc.seq}` });
    }
    const clash = this.docs.some(
      (d) =>
        d._id === doc._id ||
        (d.roomId === doc.roomId && d.seq === doc.seq) ||
        (d.senderId === doc.senderId && d.clientMsgId === doc.clientMsgId),
    );
    if (clash) return 'duplicate';
    this.docs.push(doc);
    return 'inserted';
  }
  async claimPublish(id: string) {
    if (this.claims.has(id)) return false;
    this.claims.add(id);
    return true;
  }
  async range() {
    return [];
  }
}

const alice: MessageSender = { id: 'a', username: 'alice', displayName: 'Alice', bot: false };

describe('MessageStore (seq + idempotency)', () => {
  let repo: FakeMessages;
  let published: RoomEventEnvelope[];
  let store: MessageStore;

  beforeEach(() => {
    repo = new FakeMessages();
    published = [];
    const events: RoomEventsPublisher = { publish: async (e) => void published.push(e) };
    store = new MessageStore(repo as unknown as MessagesRepository, events);
  });

  it('gives consecutive seqs per room, starting at 1', async () => {
    const seqs = [];
    for (let i = 0; i < 5; i++) seqs.push((await store.store('r1', alice, `m${i}`, `c${i}`)).message.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect((await store.store('r2', alice, 'x', 'other-room')).message.seq).toBe(1);
  });

  it('answers the original for a repeated clientMsgId and stores nothing new', async () => {
    const first = await store.store('r1', alice, 'hello', 'same');
    const again = await store.store('r1', alice, 'hello (edited?)', 'same');
    expect(again).toEqual({ message: first.message, created: false });
    expect(first.created).toBe(true);
    expect(repo.docs).toHaveLength(1);
  });

  it('stores five concurrent sends of one clientMsgId once', async () => {
    const rs = await Promise.all([1, 2, 3, 4, 5].map(() => store.deliver('r1', alice, 'hi', 'five')));
    expect(new Set(rs.map((r) => r.message.id)).size).toBe(1);
    expect(rs.filter((r) => r.created)).toHaveLength(1);
    expect(repo.docs).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it('retries with the next seq when another process took it, leaving no gap', async () => {
    await store.store('r1', alice, 'one', 'c1');
    repo.stealNext = [1, 1];
    const r = await store.store('r1', alice, 'two', 'c2');
    expect(r.message.seq).toBe(4);
    expect(repo.docs.map((d) => d.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4]);
  });

  it('recognises a concurrent duplicate that won the race (duplicate key on the derived id)', async () => {
    const id = messageIdFor('a', 'c');
    jest.spyOn(repo, 'findById').mockResolvedValueOnce(null); // the first look-up misses; meanwhile another request stores it
    repo.docs.push({
      _id: id,
      roomId: 'r1',
      seq: 1,
      clientMsgId: 'c',
      senderId: 'a',
      sender: alice,
      text: 'hi',
      createdAt: new Date(),
    });
    const r = await store.store('r1', alice, 'hi', 'c');
    expect(r).toMatchObject({ created: false, message: { id, seq: 1 } });
    expect(repo.docs).toHaveLength(1);
  });

  it('moves up from a lagging seq hint to the first free seq, leaving no gap', async () => {
    for (const seq of [1, 2, 3]) {
      repo.docs.push({
        _id: `m${seq}`,
        roomId: 'r1',
        seq,
        clientMsgId: `o${seq}`,
        senderId: 'b',
        sender: alice,
        text: 't',
        createdAt: new Date(),
      });
    }
    repo.hints.set('r1', 1); // a process died after storing 2 and 3, before raising the hint
    const r = await store.store('r1', alice, 'next', 'c');
    expect(r.message.seq).toBe(4);
    expect(repo.hints.get('r1')).toBe(4);
  });

  it('finds a message stored under an older id scheme by its clientMsgId', async () => {
    repo.docs.push({
      _id: 'legacy',
      roomId: 'r1',
      seq: 1,
      clientMsgId: 'c',
      senderId: 'a',
      sender: alice,
      text: 'hi',
      createdAt: new Date(),
    });
    const r = await store.store('r1', alice, 'hi', 'c');
    expect(r).toMatchObject({ created: false, message: { id: 'legacy', seq: 1 } });
    expect(repo.docs).toHaveLength(1);
  });

  it('gives up with `unavailable` (retry the same clientMsgId) when it keeps losing', async () => {
    repo.stealNext = Array(MAX_SEQ_ATTEMPTS).fill(1);
    await expect(store.store('r1', alice, 'x', 'c')).rejects.toBeInstanceOf(BusError);
  }, 20000);

  it('publishes each message at most once, also when a retry finds it unpublished', async () => {
    const stored = await store.store('r1', alice, 'hi', 'c'); // stored, then "crashed" before publishing
    expect(published).toHaveLength(0);
    const retry = await store.deliver('r1', alice, 'hi', 'c');
    expect(retry.message).toEqual(stored.message);
    await store.deliver('r1', alice, 'hi', 'c');
    expect(published).toEqual([{ type: 'message:new', roomId: 'r1', message: stored.message }]);
  });

  it('maps documents to the public Message shape (ISO createdAt)', async () => {
    const { message } = await store.store('r1', alice, 'hi', 'c');
    expect(message).toEqual({
      id: expect.any(String),
      roomId: 'r1',
      seq: 1,
      clientMsgId: 'c',
      sender: alice,
      text: 'hi',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });
  });
});

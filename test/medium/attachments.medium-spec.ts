import { Kysely, sql } from 'kysely';
import { migrateToLatest, Db } from '../../apps/chat/src/database/database';
import { AttachmentsRepository, ClaimRefused } from '../../apps/chat/src/persistence/attachments.repository';
import { RoomsRepository } from '../../apps/chat/src/persistence/rooms.repository';
import { TestDatabase } from './pg';

describe('uploads metadata on PostgreSQL (medium)', () => {
  const pg = new TestDatabase();
  let db: Db;
  let repo: AttachmentsRepository;
  let n = 0;

  beforeAll(async () => {
    await pg.start();
    db = pg.db();
    await migrateToLatest(db as Kysely<unknown>, () => undefined);
    repo = new AttachmentsRepository(db);
    await new RoomsRepository(db).create({ id: 'r1', kind: 'public', name: 'r1', nameKey: 'public:r1', members: [] });
    await new RoomsRepository(db).create({ id: 'r2', kind: 'public', name: 'r2', nameKey: 'public:r2', members: [] });
  }, 60_000);
  afterAll(() => pg.stop());

  const upload = async (uploader: string) => {
    n++;
    const id = `upload-${n}-xxxxxxxx`;
    await repo.create(uploader, {
      id,
      name: `f${n}.txt`,
      size: 3,
      contentType: 'text/plain',
      storageKey: `key-${n}-xxxxxxxx`,
    });
    return id;
  };

  it('claims only the sender’s unclaimed uploads, all or nothing; the same message claims again', async () => {
    const [a, b, other] = [await upload('alice'), await upload('alice'), await upload('bob')];
    await expect(repo.claim([a, other], 'alice', 'r1', 'm1')).rejects.toBeInstanceOf(ClaimRefused);
    expect((await repo.find(a))?.room_id).toBeNull(); // nothing changed
    expect((await repo.claim([b, a], 'alice', 'r1', 'm1')).map((r) => r.id)).toEqual([b, a]);
    expect((await repo.claim([a], 'alice', 'r1', 'm1')).map((r) => r.id)).toEqual([a]);
    await expect(repo.claim([a], 'alice', 'r1', 'm2')).rejects.toBeInstanceOf(ClaimRefused);
    await expect(repo.claim([a], 'alice', 'r2', 'm1')).rejects.toBeInstanceOf(ClaimRefused);
    await repo.attached([a, b], 'r1', 7);
    expect((await repo.find(a))?.message_seq).toBe(7);
  });

  it('the sweep forgets old uploads never attached (claimed but unsent too) and answers their keys', async () => {
    const old = await upload('carol');
    const claimedOnly = await upload('carol');
    const attached = await upload('carol');
    const fresh = await upload('carol');
    await repo.claim([claimedOnly], 'carol', 'r1', 'c1');
    await repo.claim([attached], 'carol', 'r1', 'c2');
    await repo.attached([attached], 'r1', 9);
    await sql`update attachments set created_at = now() - interval '2 days' where id <> ${fresh}`.execute(db);
    const keys = await repo.sweep(86400);
    expect(keys).toEqual(expect.arrayContaining([`key-${old.split('-')[1]}-xxxxxxxx`]));
    expect(await repo.find(old)).toBeUndefined();
    expect(await repo.find(claimedOnly)).toBeUndefined();
    expect(await repo.find(attached)).toBeDefined();
    expect(await repo.find(fresh)).toBeDefined();
    expect(await repo.sweep(86400)).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startPostgres, StartedPostgres } from '@hihi/infra';
import { createDb, createPool, Db } from '../../apps/chat/src/database/database';

/**
 * The medium tier (as Immich's test/medium): chat's repositories and services in this process
 * against a real PostgreSQL — the embedded one on a free port, or DATABASE_URL's server — each
 * test file in a database of its own.
 */
export class TestDatabase {
  private server?: StartedPostgres;
  private dir = '';
  private adminUrl = '';
  url = '';
  private readonly dbs: Db[] = [];

  async start(): Promise<this> {
    const name = `hihi_medium_${randomBytes(4).toString('hex')}`;
    if (process.env.DATABASE_URL) {
      this.adminUrl = process.env.DATABASE_URL;
      const admin = new Client({ connectionString: this.adminUrl });
      await admin.connect();
      await admin.query(`create database ${admin.escapeIdentifier(name)}`);
      await admin.end();
      const u = new URL(this.adminUrl);
      u.pathname = `/${name}`;
      this.url = u.toString();
    } else {
      this.dir = mkdtempSync(join(tmpdir(), 'hihi-medium-'));
      this.server = await startPostgres(
        join(this.dir, 'postgres'),
        { dbName: name, persistent: false },
        () => undefined,
      );
      this.url = this.server.url;
    }
    return this;
  }

  /** A Kysely instance on its own pool (several of them act as several chat processes). */
  db(poolMax = 5): Db {
    const db = createDb(createPool(this.url, poolMax));
    this.dbs.push(db);
    return db;
  }

  async stop(): Promise<void> {
    for (const db of this.dbs) await db.destroy().catch(() => undefined);
    await this.server?.proc.stop(5000);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

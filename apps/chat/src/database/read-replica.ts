import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { sql } from 'kysely';
import { ChatConfig } from '@hihi/config';
import { PartHealth } from '@hihi/contracts';
import { Metrics } from '@hihi/common/observability';
import { createDb, createPool, DB, Db } from './database';

/** How long a read waits for the replica to replay up to the primary's position before reading the primary. */
export const REPLICA_WAIT_MS = 100;
const REPLICA_POLL_MS = 10;

/**
 * Reads from a PostgreSQL streaming replica (SPEC §11, DATABASE_REPLICA_URL): history, search and
 * room lists, never older than what the reader has already been sent — else from the primary.
 * Writes, joins (their catch-up read) and the send path always use the primary.
 *
 * - History of a room (`forRoom`): what the reader has been sent of the room is known by seq —
 *   its cursor (`afterSeq`, `beforeSeq`), or for the newest page the room's last seq on the
 *   primary (one primary-key read). A room's messages and its `last_seq` commit together and
 *   commits of one room are serialized by its row lock, so a replica whose `rooms.last_seq` has
 *   reached that seq holds every message up to it.
 * - Search and room lists (`caughtUp`) span rooms: the replica is used once it has replayed up
 *   to the primary's WAL position at the start of the read (`pg_current_wal_insert_lsn()` on the
 *   primary — the insert position, which covers commits not yet written out, e.g. with
 *   `synchronous_commit = off`; the write position `pg_current_wal_lsn()` may lag them —
 *   `pg_last_wal_replay_lsn()` on the replica; waiting at most REPLICA_WAIT_MS) — everything sent
 *   to anyone before the read began was committed before that position.
 * A replica that cannot be reached or is behind is simply not used (the primary answers).
 */
@Injectable()
export class ReadReplica implements OnApplicationShutdown {
  private readonly logger = new Logger('ReadReplica');
  private readonly replica?: Db;
  private warnedAt = 0;

  constructor(
    @Inject(DB) private readonly primary: Db,
    config: ChatConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {
    if (config.DATABASE_REPLICA_URL) {
      this.replica = createDb(createPool(config.DATABASE_REPLICA_URL, config.DB_POOL_MAX));
    }
  }

  get configured(): boolean {
    return !!this.replica;
  }

  /** Where to read a room's history from, given the highest seq the reader has been sent (if known). */
  async forRoom(roomId: string, seenSeq?: number): Promise<Db> {
    if (!this.replica) return this.primary;
    try {
      const needed = seenSeq ?? (await this.lastSeq(this.primary, roomId));
      if (needed === undefined) return this.use('primary');
      const replayed = await this.lastSeq(this.replica, roomId);
      return replayed !== undefined && replayed >= needed ? this.use('replica') : this.use('primary', 'behind');
    } catch (err) {
      return this.failed(err as Error);
    }
  }

  /** Where to read something spanning rooms (search, room lists) from. */
  async caughtUp(): Promise<Db> {
    if (!this.replica) return this.primary;
    try {
      const { rows } = await sql<{ lsn: string }>`select pg_current_wal_insert_lsn()::text as lsn`.execute(
        this.primary,
      );
      const target = rows[0].lsn;
      const until = Date.now() + REPLICA_WAIT_MS;
      for (;;) {
        const r = await sql<{ ok: boolean | null }>`
          select pg_last_wal_replay_lsn() >= ${target}::pg_lsn as ok`.execute(this.replica);
        if (r.rows[0]?.ok) return this.use('replica');
        if (Date.now() >= until) return this.use('primary', 'behind');
        await new Promise((res) => setTimeout(res, REPLICA_POLL_MS));
      }
    } catch (err) {
      return this.failed(err as Error);
    }
  }

  /** What /health and the gateway report as `postgresReplica`: up and how far behind, or down. */
  async health(): Promise<PartHealth | undefined> {
    if (!this.replica) return undefined;
    try {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the replica did not answer within 1.5 s')), 1500);
      });
      const { rows } = await Promise.race([
        sql<{ standby: boolean; lag: number | null }>`
          select pg_is_in_recovery() as standby,
                 extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as lag`.execute(this.replica),
        timeout,
      ]).finally(() => clearTimeout(timer));
      if (!rows[0]?.standby)
        return { status: 'down', message: 'DATABASE_REPLICA_URL is not a standby (not in recovery)' };
      const lag = rows[0].lag;
      return {
        status: 'up',
        message: lag === null ? 'streaming replica' : `streaming replica, last replay ${lag.toFixed(1)} s ago`,
      };
    } catch (err) {
      return { status: 'down', message: (err as Error).message || 'unreachable' };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.replica?.destroy().catch(() => undefined);
  }

  private async lastSeq(db: Db, roomId: string): Promise<number | undefined> {
    const { rows } = await sql<{ last_seq: number }>`select last_seq from rooms where id = ${roomId}`.execute(db);
    return rows[0]?.last_seq;
  }

  private use(target: 'replica' | 'primary', reason?: 'behind' | 'error'): Db {
    this.metrics?.dbReads.inc({ target, reason: reason ?? 'fresh' });
    return target === 'replica' ? this.replica! : this.primary;
  }

  private failed(err: Error): Db {
    if (Date.now() - this.warnedAt > 10_000) {
      this.warnedAt = Date.now();
      this.logger.warn(`replica not used: ${err.message}`);
    }
    return this.use('primary', 'error');
  }
}
